"""Demo evaluation data: the 2026 period on the 90/2021 LKE and self-assessments for Kanwil Sumsel satker.

Called by ``zi seed_demo`` after the unit tree exists. Idempotent: a unit that already has an assessment in
the period is left alone. Answers are deterministic (``random.Random`` seeded per unit) and shaped so the
demo shows every state: Lapas Kelas I Palembang half-filled (the demo team's unit), several satker fully
answered and submitted with scores above and below the WBK line, and Kanim Muara Enim (already WBK)
aiming at WBBM.

The demo's history is simulated: :func:`spread_upload_times` (run at the end of the demo seeding) dates the
evidence uploads over the months before each unit's submission, as a team that built its evidence along the year
would have them, except :data:`PAPERWORK_EXAMPLE`, which keeps every upload in the last days: the worked example
of the "paperwork only" early warning on the dashboards.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zi.assessments import services as assessment_services
from zi.assessments.models import (
    Answer,
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceRevision,
    Lane,
    Period,
    Predicate,
)
from zi.assessments.scoring import lane_rescore
from zi.assessments.stages import State
from zi.core import audit
from zi.lke.formulas import normalize_answer
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.services import template_spec, templates_load_all
from zi.lke.spec import CHOICE_TYPES, Question, Settings
from zi.organisations.models import Unit
from zi.predicates.selectors import current_predicate

DEMO_YEAR = 2026


def answer_change(
    assessment: Assessment, lane: str, code: str, *, after: dict[str, Any], before: dict[str, Any] | None = None
) -> audit.Change:
    """The audit event of one demo answer written in bulk (``audit.record_many``), named and placed in the tree as
    the worksheet names its answers (``<assessment>:<lane>:<code>``)."""
    return audit.Change(
        action="answer",
        object_type="assessments.answer",
        object_id=f"{assessment.pk}:{lane}:{code}",
        object_repr=f"{assessment.unit.name} {code}",
        scope_path=assessment.unit.path,
        before=before,
        after=after,
    )


def _counts_for(code: str, quality: float, rng: random.Random) -> dict[str, int] | None:
    """Plausible inputs of the LKE's counted items: one head of the satker, complaints in process plus done no
    more than those to follow up, parts never above their whole. None for an item not listed here."""

    def part(whole: int) -> int:
        return max(0, min(whole, round(whole * min(1.0, quality + rng.uniform(-0.1, 0.05)))))

    if code == "A.II.1.i.a":
        agents = rng.randint(5, 10)
        return {"jumlah_agen_perubahan": agents, "jumlah_perubahan_dibuat": part(agents + 2)}
    if code == "A.II.1.i.b":
        made = rng.randint(6, 14)
        return {"jumlah_perubahan_dibuat": made, "jumlah_perubahan_terintegrasi": part(made)}
    if code == "A.II.3.iii.a":
        return {"pelanggaran_tahun_lalu": 4, "pelanggaran_tahun_ini": 4 - round(4 * quality), "pelanggaran_disanksi": 1}
    if code == "A.II.4.i.a":
        targets = rng.randint(8, 16)
        return {"jumlah_sasaran": targets, "jumlah_sasaran_tercapai": part(targets)}
    if code == "A.II.5.ii.a":
        total = rng.randint(12, 40)
        done = part(total)
        return {
            "pengaduan_harus_ditindaklanjuti": total,
            "pengaduan_sedang_diproses": rng.randint(0, total - done),
            "pengaduan_selesai": done,
        }
    if code == "A.II.5.iii.a":
        heads, officials, others = 1, rng.randint(3, 8), rng.randint(0, 6)
        return {
            "wajib_lhkpn_kepala_satker": heads,
            "wajib_lhkpn_pejabat": officials,
            "wajib_lhkpn_lainnya": others,
            "lhkpn_sudah_melaporkan": part(heads + officials + others),
        }
    if code == "A.II.5.iii.b":
        e3, e4, staff = rng.randint(1, 3), rng.randint(4, 10), rng.randint(20, 80)
        return {
            "wajib_lhkasn_eselon3": e3,
            "wajib_lhkasn_eselon4": e4,
            "wajib_lhkasn_fungsional_pelaksana": staff,
            "lhkasn_sudah_melaporkan": part(e3 + e4 + staff),
        }
    if code == "A.II.6.i.b":
        services_ = rng.randint(4, 12)
        return {"jumlah_layanan_terdaftar": services_, "jumlah_layanan_dipermudah": part(services_)}
    return None


def _answer_for(question: Question, quality: float, rng: random.Random) -> Any:
    """A plausible answer: better units choose better options more often."""
    if question.answer_type in CHOICE_TYPES:
        keys = list(question.option_keys)  # best first
        index = 0
        while index < len(keys) - 1 and rng.random() > quality:
            index += 1
        return keys[index]
    if question.answer_type == "index_0_4":
        return round(min(4.0, 2.9 + quality * 1.0 + rng.uniform(-0.15, 0.15)), 2)
    counts = _counts_for(question.code, quality, rng)
    if counts is not None:
        return counts
    keys = [item.key for item in question.inputs]
    base = rng.randint(8, 40)
    values = {key: base for key in keys}
    values[keys[-1]] = max(0, round(base * min(1.0, quality + rng.uniform(-0.1, 0.1))))
    return values


def self_answer(
    assessment: Assessment, question: Question, row: LkeQuestion, settings: Settings, quality: float, rng: random.Random
) -> Answer:
    """A plausible self-lane answer to ``question`` (:func:`_answer_for`), normalised, not yet saved."""
    normalized = normalize_answer(question, _answer_for(question, quality, rng), settings)
    return Answer(
        assessment=assessment,
        lane=Lane.SELF,
        question=row,
        choice=normalized.choice,
        inputs=normalized.inputs,
        value=normalized.value,
    )


# How many of a unit's own staff answer its LKE (the ZI team); the rest take part through activities (or not: the
# "few people" early warning). Units not listed: about two in five of their staff.
TEAM_SIZE = {"LPKA Kelas I Palembang": 2}
FEW_PEOPLE_EXAMPLE = "LPKA Kelas I Palembang"


def _team(unit: Unit) -> list[Any]:
    staff = list(get_user_model().objects.filter(unit=unit, is_active=True).order_by("pk")[1:])  # not the head
    size = TEAM_SIZE.get(unit.name, max(1, round(len(staff) * 0.4)))
    return staff[:size]


def _unit_profiles(units: dict[str, Unit]) -> list[tuple[Unit, float, float, bool, str]]:
    wanted = [
        # name, quality, answered, submitted, target (the predicate held comes from the register: WBK holders aim
        # at WBBM; Kanim Muara Enim, WBBM since 2022, has no self-assessment to make)
        ("Lapas Kelas I Palembang", 0.85, 0.55, False, Predicate.WBBM),
        ("Kanim Kelas I TPI Palembang", 0.93, 1.0, True, Predicate.WBK),
        ("Bapas Kelas I Palembang", 0.95, 1.0, True, Predicate.WBBM),
        ("Lapas Kelas IIA Banyuasin", 0.88, 1.0, True, Predicate.WBK),
        ("LPKA Kelas I Palembang", 0.8, 1.0, True, Predicate.WBK),
        ("Lapas Perempuan Kelas IIA Palembang", 0.7, 1.0, True, Predicate.WBK),
        ("Rutan Kelas IIB Prabumulih", 0.6, 0.9, False, Predicate.WBK),
        ("Lapas Kelas IIB Muara Enim", 0.75, 0.3, False, Predicate.WBK),
    ]
    found: list[tuple[Unit, float, float, bool, str]] = []
    for fragment, quality, answered, submitted, target in wanted:
        unit = units.get(fragment)
        if unit is not None:
            found.append((unit, quality, answered, submitted, target))
    return found


@transaction.atomic
def seed_assessments(stdout: Any = None) -> dict[str, int]:
    templates_load_all()
    template = LkeTemplate.objects.get(code="permenpanrb-90-2021")
    period, _ = Period.objects.get_or_create(
        year=DEMO_YEAR,
        defaults={
            "name": f"Evaluasi ZI {DEMO_YEAR}",
            "template": template,
            "starts_on": dt.date(DEMO_YEAR, 1, 2),
            "ends_on": dt.date(DEMO_YEAR, 12, 31),
            "self_assessment_deadline": dt.date(DEMO_YEAR, 12, 15),
        },
    )
    spec = template_spec(template)
    question_rows = {q.code: q for q in template.questions.all()}
    units = {u.name: u for u in Unit.objects.filter(agency__code="KEMENKUMHAM")}
    created = 0
    answers_created = 0
    for unit, quality, answered, submitted, target in _unit_profiles(units):
        if Assessment.objects.filter(unit=unit, period=period).exists():
            continue
        rng = random.Random(f"{DEMO_YEAR}-{unit.code}")
        (assessment,) = assessment_services.assessments_open(
            [
                Assessment(
                    unit=unit,
                    period=period,
                    target_predicate=target,
                    current_predicate=current_predicate(unit),  # from the predicate register (zi.demo.predicates)
                    state=State.SUBMITTED if submitted else State.STARTED,
                    submitted_at=timezone.now() if submitted else None,
                )
            ]
        )
        rows: list[Answer] = []
        changes = [audit.Change(action="create", obj=assessment, after=audit.snapshot(assessment))]
        codes = sorted(spec.questions, key=lambda c: spec.questions[c].order)
        team = _team(unit)
        for code in codes:
            if rng.random() > answered:
                continue
            question = spec.questions[code]
            if question.answer_type == "index_0_4":
                continue  # IPAK/IPKP come from the unit's surveys (zi.demo.surveys.align_lke_with_surveys)
            answer = self_answer(assessment, question, question_rows[code], spec.settings, quality, rng)
            answer.note = "" if rng.random() > 0.3 else "Dokumen tersedia pada folder data dukung tim kerja."
            answer.updated_by = team[len(rows) % len(team)] if team else None
            rows.append(answer)
        Answer.objects.bulk_create(rows)
        for row in rows:
            after = {"choice": row.choice, "inputs": row.inputs, "value": row.value}
            changes.append(answer_change(assessment, row.lane, row.question.code, after=after))
        for row in rows[:: max(1, len(rows) // 12) or 1]:
            evidence = Evidence.objects.create(
                assessment=assessment,
                question=row.question,
                title=f"Data dukung {row.question.code}",
                kind=EvidenceKind.LINK,
            )
            EvidenceRevision.objects.create(
                evidence=evidence, number=1, url=f"https://intranet.example.go.id/zi/{unit.code}/{row.question.code}"
            )
            changes.append(audit.Change(action="create", obj=evidence, after=audit.snapshot(evidence)))
        audit.record_many("seed_demo", changes)
        lane_rescore(assessment=assessment, lane=Lane.SELF)
        created += 1
        answers_created += len(rows)
    if stdout is not None:
        stdout.write(
            gettext("Demo penilaian mandiri: %(created)d dibuat (%(answers)d jawaban) di %(period)s")
            % {"created": created, "answers": answers_created, "period": period.name}
        )
    return {"assessments": created, "answers": answers_created}


PAPERWORK_EXAMPLE = "Rutan Kelas IIB Prabumulih"
_QUIET_DAYS = 21  # the spread uploads end this long before the unit's reference date (the warning looks at 14)


def spread_upload_times(period: Period | None = None, *, keep_burst: str = PAPERWORK_EXAMPLE) -> int:
    """Date each demo unit's evidence uploads (revisions and their evidence items) evenly between three weeks
    after the period starts and three weeks before the unit's submission (or today), in upload order. Only
    uploads still inside those last three weeks move, so a second run changes nothing. Returns how many moved."""
    period = period or Period.objects.filter(year=DEMO_YEAR).first()
    if period is None:
        return 0
    now = timezone.now()
    start = timezone.make_aware(dt.datetime.combine(period.starts_on + dt.timedelta(days=_QUIET_DAYS), dt.time(9)))
    moved = 0
    for assessment in Assessment.objects.filter(period=period).exclude(unit__name=keep_burst).order_by("pk"):
        end = min(assessment.submitted_at or now, now) - dt.timedelta(days=_QUIET_DAYS)
        if end <= start:
            continue  # seeded early in the year: nothing to spread over
        revisions = list(
            EvidenceRevision.objects.filter(evidence__assessment=assessment).select_related("evidence").order_by("pk")
        )
        if not revisions or all(r.uploaded_at <= end for r in revisions):
            continue
        step = (end - start) / len(revisions)
        evidence: dict[int, Evidence] = {}
        for i, revision in enumerate(revisions):
            revision.uploaded_at = start + step * (i + 0.5)
            first = evidence.setdefault(revision.evidence_id, revision.evidence)
            first.created_at = min(first.created_at, revision.uploaded_at)
        EvidenceRevision.objects.bulk_update(revisions, ["uploaded_at"])
        Evidence.objects.bulk_update(list(evidence.values()), ["created_at"])
        moved += len(revisions)
    return moved
