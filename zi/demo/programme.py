"""Demo building-work records for the 2026 period: ``seed_programme()`` (called from the demo seeding).

For Lapas Kelas I Palembang (KEMENKUMHAM) and a few other Sumsel satker that exist: a work plan with items in
the six areas, about a dozen activities with attendance from the unit's own staff, five change agents with
concrete changes (some integrated), about twenty complaints in every state (some overdue), a register of six
services, three innovations that answer complaints (two simplify a registered service, feeding A.II.6.i.b), a
few gratification and conflict-of-interest entries and two whistle-blowing reports.

Idempotent: a unit that already has a work plan in the period is left alone. Creates nothing when the 2026
period does not exist (run the assessment demo first). Deterministic (``random.Random`` seeded per unit);
dates never lie in the future. Every record is written with an audit event (actor ``seed_demo``).
One complaint of Lapas Kelas I Palembang gets the fixed tracking code :data:`DEMO_TRACKING_CODE`.

The survey demo runs after this one; :func:`link_survey_findings` (called after it) then links one demo innovation
to the lowest-scoring survey element of the demo units, through ``services.innovation_update``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zi.assessments.models import Assessment, Period
from zi.assessments.stages import DRAFT_STATES
from zi.core import audit, tracking
from zi.demo.workflow import SYSTEM
from zi.integrity.models import (
    ConflictOfInterest,
    ConflictStatus,
    GratificationDecision,
    GratificationReport,
    WhistleReport,
)
from zi.integrity.services import CONFLICT_FIELDS, GRATIFICATION_FIELDS, WHISTLE_FIELDS
from zi.organisations.models import Unit
from zi.programme import selectors, services
from zi.programme.models import (
    Activity,
    ActivityKind,
    AttachedEvidence,
    Attendance,
    ChangeAgent,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ConcreteChange,
    FollowUpAction,
    Innovation,
    PlanItem,
    PlanItemKind,
    PlanItemStatus,
    PublicService,
    Simplification,
    WorkPlan,
)

DEMO_YEAR = 2026
ACTOR = "seed_demo"
MAIN_UNIT = "Lapas Kelas I Palembang"
OTHER_UNITS = ["Kanim Kelas I TPI Palembang", "Bapas Kelas I Palembang", "Rutan Kelas IIB Prabumulih"]
DEMO_TRACKING_CODE = "ZPGD-EMAK-2345"

PLAN = [
    (1, PlanItemKind.TARGET, "Seluruh pegawai mengikuti internalisasi ZI", ["A.I.1.iv.d", "A.I.1.ii.c"]),
    (1, PlanItemKind.ACTIVITY, "Penetapan dan pembinaan agen perubahan", ["A.I.1.iv.b", "A.II.1.i.a"]),
    (1, PlanItemKind.ACTIVITY, "Rapat monitoring dan evaluasi bulanan", ["A.I.1.iii.b", "A.I.1.iii.c"]),
    (2, PlanItemKind.ACTIVITY, "Reviu SOP layanan kunjungan", ["A.I.2.i.c"]),
    (3, PlanItemKind.ACTIVITY, "Pelatihan pelayanan prima petugas layanan kunjungan", ["A.I.3.iii.e", "A.I.6.ii.a"]),
    (4, PlanItemKind.TARGET, "Capaian perjanjian kinerja dipantau triwulanan", ["A.I.4.i.c"]),
    (5, PlanItemKind.ACTIVITY, "Kampanye anti pungli dan gratifikasi", ["A.I.5.i.a", "A.I.5.i.b"]),
    (5, PlanItemKind.ACTIVITY, "Pemetaan benturan kepentingan", ["A.I.5.v.a"]),
    (6, PlanItemKind.TARGET, "Pengaduan selesai dalam batas waktu", ["A.I.5.iii.b", "A.II.5.ii.a"]),
    (6, PlanItemKind.ACTIVITY, "Perbaikan ruang tunggu kunjungan", ["A.I.6.ii.e"]),
]

ACTIVITIES = [
    (ActivityKind.SOSIALISASI, 1, "Sosialisasi pencanangan Zona Integritas", "Aula", 0),
    (ActivityKind.BANNER, 1, "Pemasangan banner Zona Integritas dan maklumat pelayanan", "Ruang layanan kunjungan", 1),
    (ActivityKind.INTERNALISASI, 1, "Internalisasi nilai budaya kerja bagi regu pengamanan", "Aula", 0),
    (ActivityKind.RAPAT_MONEV, 1, "Rapat monev pembangunan ZI triwulan I", "Ruang rapat Kalapas", 2),
    (ActivityKind.PELATIHAN, 3, "Pelatihan pelayanan prima petugas layanan kunjungan", "Aula", 4),
    (ActivityKind.SOSIALISASI, 5, "Sosialisasi pengendalian gratifikasi dan anti pungli", "Aula", 6),
    (ActivityKind.PUBLIKASI, 6, "Publikasi standar pelayanan di media sosial", "Daring", None),
    (ActivityKind.INTERNALISASI, 5, "Internalisasi penanganan benturan kepentingan", "Aula", 7),
    (ActivityKind.RAPAT_MONEV, 1, "Rapat monev pembangunan ZI triwulan II", "Ruang rapat Kalapas", 2),
    (ActivityKind.SOSIALISASI, 6, "Sosialisasi kanal pengaduan dan SP4N-LAPOR!", "Ruang layanan kunjungan", 8),
    (ActivityKind.RAPAT_MONEV, 1, "Rapat monev pembangunan ZI triwulan III", "Ruang rapat Kalapas", 2),
    (ActivityKind.OTHER, 1, "Apel bersama dan penandatanganan pakta integritas ulang", "Lapangan upacara", 0),
]

# The other demo units hold four of those activities, in four of the six areas (1, 3, 5, 6): enough that their
# answers are backed by activities (no "paperwork only" warning for areas without one).
OTHER_ACTIVITIES = (0, 4, 5, 6)

CHANGES = [
    ("Jadwal kunjungan diumumkan sehari sebelumnya melalui WhatsApp resmi", True, "SOP Layanan Kunjungan revisi 2026"),
    ("Loket prioritas lansia, disabilitas dan ibu hamil", True, "SK Kalapas tentang layanan prioritas"),
    ("Kotak saran digital di ruang tunggu", False, ""),
    ("Piket pengawasan pungli di pintu utama", True, "Surat perintah piket bulanan"),
    ("Daftar periksa kebersihan ruang kunjungan", False, ""),
    ("Rekap pengaduan dibahas di apel Senin", True, "Agenda tetap apel pagi (notulen apel)"),
    ("Papan informasi biaya layanan nol rupiah", False, ""),
]

COMPLAINTS = [
    # category, channel, subject, days ago received, status
    (ComplaintCategory.PELAYANAN, ComplaintChannel.COUNTER, "Antrean kunjungan terlalu lama", 300, "resolved"),
    (ComplaintCategory.PUNGLI, ComplaintChannel.LAPOR, "Diminta uang untuk titipan barang", 280, "resolved"),
    (ComplaintCategory.SARPRAS, ComplaintChannel.WEB, "Ruang tunggu panas dan kursi kurang", 260, "resolved"),
    (ComplaintCategory.INFORMASI, ComplaintChannel.SOCIAL, "Jadwal kunjungan tidak diumumkan", 240, "resolved"),
    (ComplaintCategory.PETUGAS, ComplaintChannel.PHONE, "Petugas registrasi tidak ramah", 220, "resolved"),
    (ComplaintCategory.PELAYANAN, ComplaintChannel.EMAIL, "Layanan video call sering terputus", 200, "resolved"),
    (ComplaintCategory.LAINNYA, ComplaintChannel.WEB, "Permintaan informasi remisi", 180, "rejected"),
    (ComplaintCategory.PELAYANAN, ComplaintChannel.LAPOR, "Berkas pembebasan bersyarat lambat", 160, "resolved"),
    (ComplaintCategory.SARPRAS, ComplaintChannel.COUNTER, "Toilet pengunjung rusak", 140, "resolved"),
    (ComplaintCategory.PUNGLI, ComplaintChannel.WEB, "Percaloan antrean kunjungan", 120, "resolved"),
    (ComplaintCategory.PELAYANAN, ComplaintChannel.PHONE, "Penitipan makanan ditolak tanpa alasan", 100, "resolved"),
    (ComplaintCategory.INFORMASI, ComplaintChannel.WEB, "Syarat kunjungan berbeda di papan dan di web", 80, "resolved"),
    (ComplaintCategory.PETUGAS, ComplaintChannel.LAPOR, "Petugas meminta pulsa", 60, "in_progress"),
    (ComplaintCategory.SARPRAS, ComplaintChannel.SOCIAL, "Parkir pengunjung sempit", 45, "in_progress"),
    (ComplaintCategory.PELAYANAN, ComplaintChannel.COUNTER, "Nomor antrean habis sebelum siang", 30, "received"),
    (ComplaintCategory.LAINNYA, ComplaintChannel.EMAIL, "Pertanyaan tentang pembinaan kemandirian", 20, "rejected"),
    (ComplaintCategory.PELAYANAN, ComplaintChannel.WEB, "Antrean daring tidak bisa dibuka", 12, "in_progress"),
    (ComplaintCategory.INFORMASI, ComplaintChannel.PHONE, "Jam layanan hari libur tidak jelas", 6, "received"),
    (ComplaintCategory.PETUGAS, ComplaintChannel.COUNTER, "Petugas pemeriksaan barang kasar", 3, "in_progress"),
    (ComplaintCategory.PELAYANAN, ComplaintChannel.WEB, "Formulir titipan uang tidak tersedia", 1, "received"),
]

INNOVATIONS = [
    ("Antrean kunjungan daring (e-Kunjungan)", 0, "Keluarga WBP", "menit waktu tunggu", "95", "20"),
    ("Pengumuman jadwal kunjungan via WhatsApp resmi", 3, "Keluarga WBP", "pengaduan informasi per bulan", "4", "1"),
    ("Ruang tunggu ramah keluarga", 2, "Pengunjung, lansia dan anak", "skor unsur sarana SKM", "2.9", "3.5"),
]

# The register of services (A.II.6.i.b): name, and the innovation (index in INNOVATIONS) that simplified it
SERVICES = [
    ("Layanan kunjungan tatap muka", 0),
    ("Layanan kunjungan video call", None),
    ("Penitipan barang dan makanan", None),
    ("Layanan informasi dan pengaduan", 1),
    ("Pengurusan pembebasan bersyarat", None),
    ("Layanan kesehatan WBP", None),
]
SIMPLIFIED_BY = {0: [Simplification.FASTER, Simplification.APPLICATION], 1: [Simplification.APPLICATION]}


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _anchor(period: Period) -> dt.date:
    """The latest date records may carry: today, within the period."""
    return max(period.starts_on, min(timezone.localdate(), period.ends_on))


def _day(period: Period, fraction: float) -> dt.date:
    span = (_anchor(period) - period.starts_on).days
    return period.starts_on + dt.timedelta(days=int(span * fraction))


def _seed_unit(unit: Unit, period: Period, *, main: bool, changes: list[audit.Change]) -> dict[str, int]:
    rng = random.Random(f"programme-{DEMO_YEAR}-{unit.code}")
    staff = list(get_user_model().objects.filter(unit=unit, is_active=True).order_by("pk"))
    counts = dict.fromkeys(("plans", "activities", "agents", "complaints", "innovations"), 0)
    anchor = _anchor(period)

    plan = WorkPlan.objects.create(
        unit=unit,
        period=period,
        title=f"Rencana Kerja Pembangunan ZI {unit.name} {period.year}",
        notes="Disusun bersama seluruh bidang; dipantau dalam rapat monev bulanan.",
    )
    changes.append(audit.Change("create", obj=plan, after=audit.snapshot(plan)))
    counts["plans"] += 1
    items: list[PlanItem] = []
    if staff:
        for index, (area, kind, title, codes) in enumerate(PLAN if main else PLAN[::3]):
            due = period.starts_on + dt.timedelta(days=35 * (index + 1))
            done = due < anchor and rng.random() < 0.7
            status: str = (
                PlanItemStatus.DONE
                if done
                else (PlanItemStatus.IN_PROGRESS if due < anchor + dt.timedelta(days=60) else PlanItemStatus.PLANNED)
            )
            progress = 100 if done else (rng.choice([20, 40, 60, 80]) if status == PlanItemStatus.IN_PROGRESS else 0)
            item = PlanItem.objects.create(
                work_plan=plan,
                area_key=area,
                kind=kind,
                title=title,
                owner=staff[index % len(staff)],
                due_on=min(due, period.ends_on),
                status=status,
                progress=progress,
                lke_codes=codes,
            )
            items.append(item)
            changes.append(audit.Change("create", obj=item, after=audit.snapshot(item, services.PLAN_ITEM_FIELDS)))

    activities = ACTIVITIES if main else [ACTIVITIES[i] for i in OTHER_ACTIVITIES]
    for index, (activity_kind, area, title, place, plan_index) in enumerate(activities):
        held_on = _day(period, (index + 0.5) / len(activities))
        activity = Activity.objects.create(
            unit=unit,
            period=period,
            kind=activity_kind,
            area_key=area,
            title=title,
            held_on=held_on,
            place=place,
            plan_item=items[plan_index] if plan_index is not None and plan_index < len(items) else None,
            description=f"{title} di {unit.name}.",
            minutes="1. Pembukaan oleh Kepala.\n2. Paparan tim kerja ZI.\n3. Diskusi dan tindak lanjut.",
        )
        attendees = (
            rng.sample(staff, k=min(len(staff), rng.randint(len(staff) // 4, len(staff) // 2 + 1))) if staff else []
        )
        Attendance.objects.bulk_create([Attendance(activity=activity, person=p) for p in attendees])
        created = audit.snapshot_with(activity, services.ACTIVITY_FIELDS, attendees=attendees)
        changes.append(audit.Change("create", obj=activity, after=created))
        counts["activities"] += 1

    if len(staff) >= 5:
        agents = []
        for index, person in enumerate(staff[1:6]):
            agent = ChangeAgent.objects.create(
                unit=unit,
                period=period,
                person=person,
                appointed_on=period.starts_on + dt.timedelta(days=20),
                decree_ref=f"W6.PAS.PAS.1-{100 + index}/{period.year}",
            )
            agents.append(agent)
            changes.append(audit.Change("create", obj=agent, after=audit.snapshot(agent)))
            counts["agents"] += 1
        for index, (title, integrated, how) in enumerate(CHANGES):
            change = ConcreteChange.objects.create(
                agent=agents[index % len(agents)],
                title=title,
                made_on=_day(period, 0.15 + 0.1 * index),
                integrated=integrated,
                integration_how=how,
                description="Diusulkan dan dijalankan oleh agen perubahan.",
            )
            changes.append(audit.Change("create", obj=change, after=audit.snapshot(change, services.CHANGE_FIELDS)))

    complaints: list[Complaint] = []
    for index, (category, channel, subject, days_ago, status) in enumerate(COMPLAINTS if main else COMPLAINTS[::4]):
        received_at = _aware(anchor - dt.timedelta(days=min(days_ago, (anchor - period.starts_on).days)), 8 + index % 8)
        code = DEMO_TRACKING_CODE if main and index == 0 else tracking.new_code()
        due = services.sla_due(received_at, category)
        resolved_at = None
        if status == ComplaintStatus.RESOLVED:
            late = rng.random() < 0.15
            resolved_at = min(
                due + dt.timedelta(days=3) if late else received_at + dt.timedelta(days=rng.randint(1, 6)),
                timezone.now(),
            )
        complaint = Complaint.objects.create(
            unit=unit,
            channel=channel,
            category=category,
            subject=subject,
            channel_reference=f"LAP-{period.year}-{4000 + index}" if channel == ComplaintChannel.LAPOR else "",
            description=f"{subject}. Disampaikan melalui {ComplaintChannel(channel).label}.",
            complainant_name="" if index % 3 == 0 else f"Pengadu {index + 1}",
            complainant_contact="" if index % 3 == 0 else f"0812-0000-{1000 + index}",
            received_at=received_at,
            sla_due_at=due,
            status=status,
            resolved_at=resolved_at,
            handling_notes="Diteruskan ke seksi terkait." if status != ComplaintStatus.RECEIVED else "",
            public_response={
                "resolved": "Terima kasih. Pengaduan sudah ditindaklanjuti dan layanan diperbaiki.",
                "rejected": "Bukan pengaduan pelayanan; informasi disampaikan melalui layanan informasi.",
            }.get(status, ""),
            tracking_hash=tracking.hash_code(code),
        )
        complaints.append(complaint)
        changes.append(
            audit.Change("create", obj=complaint, after=audit.snapshot(complaint, services.COMPLAINT_FIELDS))
        )
        if status in (ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED):
            action = FollowUpAction.objects.create(
                complaint=complaint,
                done_on=timezone.localdate(received_at) + dt.timedelta(days=1),
                description="Klarifikasi kepada petugas dan pengadu; perbaikan dijadwalkan.",
            )
            changes.append(audit.Change("create", obj=action, after=audit.snapshot(action)))
        counts["complaints"] += 1

    registered = []
    for name, _by in SERVICES if main else SERVICES[:2]:
        service = PublicService.objects.create(
            unit=unit, name=name, standard_reference=f"SK Kepala {unit.name} tentang Standar Pelayanan {period.year}"
        )
        registered.append(service)
        changes.append(audit.Change("create", obj=service, after=audit.snapshot(service, services.SERVICE_FIELDS)))

    for index, (title, complaint_index, beneficiaries, measure, before, after) in enumerate(
        INNOVATIONS if main else INNOVATIONS[:1]
    ):
        source = complaints[complaint_index] if complaint_index < len(complaints) else None
        simplified = [s for s, (_name, by) in zip(registered, SERVICES, strict=False) if by == index]
        innovation = Innovation.objects.create(
            unit=unit,
            title=title,
            complaint=source,
            beneficiaries=beneficiaries,
            description=f"Menjawab pengaduan: {source.subject}." if source else "",
            problem_statement="" if source else "Waktu tunggu layanan kunjungan panjang.",
            started_on=(timezone.localdate(source.received_at) + dt.timedelta(days=30))
            if source
            else _day(period, 0.5),
            measure_unit=measure,
            value_before=Decimal(before),
            value_after=Decimal(after),
            effect_note="Diukur dari rekap layanan sebelum dan sesudah penerapan.",
            simplifications=list(SIMPLIFIED_BY.get(index, [])) if simplified else [],
        )
        innovation.services.set(simplified)
        created = audit.snapshot_with(innovation, services.INNOVATION_FIELDS, services=simplified)
        changes.append(audit.Change("create", obj=innovation, after=created))
        counts["innovations"] += 1

    if main and len(staff) >= 3:
        report = GratificationReport.objects.create(
            unit=unit,
            reporter=staff[2],
            offered_on=_day(period, 0.3),
            giver_description="Keluarga WBP",
            gift_description="Parsel makanan",
            value_estimate=Decimal(350000),
            refused=True,
            decision=GratificationDecision.REFUSED,
            decision_note="Ditolak di tempat; dicatat oleh UPG.",
        )
        changes.append(audit.Change("create", obj=report, after=audit.snapshot(report, GRATIFICATION_FIELDS)))
        conflict = ConflictOfInterest.objects.create(
            unit=unit,
            person=None,
            declared_on=_day(period, 0.2),
            situation="Petugas registrasi kunjungan dapat melayani kerabatnya sendiri.",
            mitigation="Rotasi petugas dan larangan melayani kerabat (dicatat dalam SOP).",
            status=ConflictStatus.MITIGATED,
        )
        changes.append(audit.Change("create", obj=conflict, after=audit.snapshot(conflict, CONFLICT_FIELDS)))
        for subject, days_ago in (("Dugaan pungli titipan barang", 50), ("Dugaan penyalahgunaan jadwal piket", 10)):
            whistle = WhistleReport.objects.create(
                unit=unit,
                received_at=_aware(anchor - dt.timedelta(days=days_ago)),
                subject=subject,
                description="Laporan anonim melalui saluran whistle-blowing.",
                tracking_hash=tracking.hash_code(tracking.new_code()),
            )
            changes.append(
                audit.Change(
                    "create",
                    obj=whistle,
                    after={**audit.snapshot(whistle, WHISTLE_FIELDS), "identity_given": False},
                )
            )
    return counts


# Which LKE questions the demo records are attached to as evidence (besides each activity's plan item codes).
RESOLVED_COMPLAINT_QUESTION = "A.I.5.iii.b"  # pengaduan masyarakat ditindaklanjuti
INNOVATION_QUESTION = "A.I.6.ii.f"  # terdapat inovasi pelayanan
SIMPLIFIED_SERVICE_QUESTION = "A.II.6.i.b"  # layanan telah dipermudah


@transaction.atomic
def seed_unit(unit: Unit, period: Period, *, main: bool = True) -> dict[str, int]:
    """The demo records of one unit (the full set with ``main``, a smaller one otherwise), audited, and — when the
    unit has a draft assessment in the period — attached as evidence to its LKE questions
    (:func:`attach_evidence`). Nothing when the unit already has a work plan in the period. Returns counts."""
    if WorkPlan.objects.filter(unit=unit, period=period).exists():
        return {}
    changes: list[audit.Change] = []
    counts = _seed_unit(unit, period, main=main, changes=changes)
    audit.record_many(ACTOR, changes)
    counts["evidence"] = attach_evidence(unit, period)
    return counts


def attach_evidence(unit: Unit, period: Period) -> int:
    """Attach the unit's records to the LKE questions they support on its draft assessment, through the same
    service the record pages use (``services.record_attach_as_evidence``): each activity to the questions of its
    work-plan item, each resolved complaint to A.I.5.iii.b, each innovation to A.I.6.ii.f and, when it simplified
    registered services, to A.II.6.i.b. Records already attached to a question are skipped. Returns how many
    evidence items were made (0 without a draft assessment)."""

    assessment = Assessment.objects.filter(unit=unit, period=period, state__in=DRAFT_STATES).first()
    if assessment is None:
        return 0
    wanted: list[tuple[Any, str]] = []
    for activity in Activity.objects.filter(unit=unit, period=period).select_related("plan_item").order_by("pk"):
        if activity.plan_item is not None:
            wanted += [(activity, code) for code in activity.plan_item.lke_codes or []]
    for complaint in Complaint.objects.filter(unit=unit, status=ComplaintStatus.RESOLVED).order_by("pk"):
        wanted.append((complaint, RESOLVED_COMPLAINT_QUESTION))
    for innovation in Innovation.objects.filter(unit=unit, started_on__lte=period.ends_on).order_by("pk"):
        wanted.append((innovation, INNOVATION_QUESTION))
        if innovation.services.exists():
            wanted.append((innovation, SIMPLIFIED_SERVICE_QUESTION))
    made = 0
    for record, code in wanted:
        kind = services.record_type_of(record)
        if AttachedEvidence.objects.filter(
            record_type=kind, record_id=record.pk, evidence__assessment=assessment, evidence__question__code=code
        ).exists():
            continue
        try:
            services.record_attach_as_evidence(actor=SYSTEM, record=record, assessment=assessment, question_code=code)
        except ValidationError:  # a code the period's template does not have
            continue
        made += 1
    return made


@transaction.atomic
def seed_programme(stdout: Any = None) -> dict[str, int]:
    period = Period.objects.filter(year=DEMO_YEAR).first()
    totals = dict.fromkeys(("units", "plans", "activities", "agents", "complaints", "innovations"), 0)
    if period is None:
        if stdout is not None:
            stdout.write(gettext("Demo program: periode %(year)s belum ada, dilewati.") % {"year": DEMO_YEAR})
        return totals
    units = {u.name: u for u in Unit.objects.filter(agency__code="KEMENKUMHAM", name__in=[MAIN_UNIT, *OTHER_UNITS])}
    for name in [MAIN_UNIT, *OTHER_UNITS]:
        unit = units.get(name)
        if unit is None:
            continue
        counts = seed_unit(unit, period, main=name == MAIN_UNIT)
        if not counts:
            continue
        totals["units"] += 1
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    if stdout is not None:
        labels = {
            "units": gettext("unit"),
            "plans": gettext("rencana kerja"),
            "activities": gettext("kegiatan"),
            "agents": gettext("agen perubahan"),
            "complaints": gettext("pengaduan"),
            "innovations": gettext("inovasi"),
            "evidence": gettext("data dukung"),
        }
        summary = ", ".join(f"{value} {labels.get(key, key)}" for key, value in totals.items())
        stdout.write(
            gettext("Demo program (%(period)s): %(summary)s; kode lacak demo %(code)s")
            % {"period": period.name, "summary": summary, "code": DEMO_TRACKING_CODE}
        )
    return totals


@transaction.atomic
def link_survey_findings(stdout: Any = None) -> Innovation | None:
    """Link one demo innovation to the weakest survey result of the demo units (after the survey demo).

    Among the demo units with innovations and survey results, take the scored element with the lowest mean and
    link the unit's first innovation to it (campaign + element; the service writes the finding out and audits).
    Idempotent: nothing when a demo unit's innovation already names a survey result, or without survey data.
    """

    period = Period.objects.filter(year=DEMO_YEAR).first()
    if period is None:
        return None
    names = [MAIN_UNIT, *OTHER_UNITS]
    innovations = Innovation.objects.filter(
        unit__agency__code="KEMENKUMHAM", unit__name__in=names, started_on__lte=period.ends_on
    ).order_by("pk")
    if innovations.filter(survey_item__isnull=False).exists():
        return None
    candidates = []
    for unit in Unit.objects.filter(pk__in=innovations.values("unit_id")).order_by("pk"):
        findings = selectors.survey_findings_for(unit, limit=1)
        if findings:
            candidates.append((findings[0]["mean"], unit.pk, findings[0]))
    if not candidates:
        return None
    _mean, unit_pk, finding = min(candidates, key=lambda c: (c[0], c[1]))
    innovation = innovations.filter(unit_id=unit_pk).first()
    assert innovation is not None  # the unit was picked among the innovations' units
    innovation = services.innovation_update(
        actor=SYSTEM, innovation=innovation, survey_campaign=finding["campaign"], survey_item=finding["item"]
    )
    if stdout is not None:
        stdout.write(
            gettext(
                "Demo program: inovasi '%(title)s' (%(unit)s) menjawab temuan survei %(code)s %(aspect)s "
                "(rata-rata %(mean)s)."
            )
            % {
                "title": innovation.title,
                "unit": innovation.unit.name,
                "code": finding["code"],
                "aspect": finding["aspect"],
                "mean": finding["mean"],
            }
        )
    return innovation
