"""Demo journeys for the demo assessments (run after :mod:`zi.demo.assessments`): varied states — building,
declared, one returned with reviewer notes, two in TPI evaluation, one proposed, one awarded WBK with a decree —
the agencies' letterheads and, for the two journeys the TPI concluded, the LHE its team leader issued (notes and
recommendations per area, number, place and date; :mod:`zi.workflow.lhe`), and one building unit (Lapas Kelas I
Palembang) that started from last year's answers: a closed previous-year period holds its earlier self-assessment
and the carry-over left its questions "jawaban bawaan — konfirmasi".

Idempotent: assessments that already have a journey are left alone. Moves go through the real
``transition`` service (guards included) with a system actor, so the audit chain and events are genuine.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image, ImageDraw

from zi.assessments import services as assessment_services
from zi.assessments.models import (
    Answer,
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceRevision,
    Lane,
    Period,
)
from zi.assessments.scoring import lane_rescore
from zi.assessments.stages import UNREGISTERED_STATES
from zi.core import audit
from zi.core.actors import Actor
from zi.demo.assessments import self_answer
from zi.lke.services import template_spec
from zi.organisations import services as org_services
from zi.organisations.access import Action, may
from zi.organisations.models import Agency, AgencyLetterhead, Role, RoleAssignment, Unit
from zi.workflow import carryover, lhe, returns, services
from zi.workflow.machine import TRANSITIONS, coi_reasons
from zi.workflow.models import (
    AgencyProfile,
    CarriedQuestion,
    Declaration,
    DocumentKind,
    IssuedLhe,
    Journey,
    LheNote,
    PeriodCalendar,
    State,
    TpiTeam,
)

DEMO_PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


class SystemActor:
    """The seeding process acting with full rights; audited as "seed_demo", stored as no user."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    username = "seed_demo"
    unit = None


SYSTEM = SystemActor()

# unit name → target state (Kanwil Sumsel's 2026: two WBK holders aim at WBBM — Lapas Kelas I Palembang builds,
# Bapas Palembang is proposed —, Kanim Palembang regains the WBK it lost in 2023, Kanim Muara Enim holds WBBM)
PLAN = {
    "Lapas Kelas IIB Muara Enim": State.DECLARED,
    "Lapas Kelas I Palembang": State.BUILDING,
    "Rutan Kelas IIB Prabumulih": State.BUILDING,
    "Lapas Perempuan Kelas IIA Palembang": State.RETURNED,
    "LPKA Kelas I Palembang": State.TPI_EVALUATION,
    "Lapas Kelas IIA Banyuasin": State.TPI_EVALUATION,
    "Bapas Kelas I Palembang": State.PROPOSED,
    "Kanim Kelas I TPI Palembang": State.AWARDED,
}
# The pencanangan of most demo units was in January of the year before; these declared later (month, day of the
# demo year): Banyuasin planned in June and submitted in August (the "rushed" early warning), Lapas Kelas IIB Muara
# Enim has just declared.
DECLARED_LATE = {"Lapas Kelas IIA Banyuasin": (6, 8), "Lapas Kelas IIB Muara Enim": (10, 5)}
# The building unit whose period starts from last year's answers, carried over by its team leader (the demo
# team's own unit, so the demo logins see "jawaban bawaan — konfirmasi" at once). Answers are written through the real
# answer service, which records a person as their author: the system actor cannot carry them.
CARRY_OVER_UNIT = "Lapas Kelas I Palembang"
CARRY_OVER_BY = "demo-ketua"
TPI_STEPS = frozenset({State.TPI_EVALUATION, State.TPI_MEETS})
PATH = [
    State.BUILDING,
    State.SELF_SUBMITTED,
    State.IN_REVIEW,
    State.REVIEWED,
    State.TPI_EVALUATION,
    State.TPI_MEETS,
    State.PROPOSED,
    State.AWARDED,
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def declared_on(unit_name: str, year: int) -> dt.date:
    """The demo unit's pencanangan date (never in the future)."""
    month_day = DECLARED_LATE.get(unit_name)
    day = dt.date(year, *month_day) if month_day else dt.date(year - 1, 1, 20)
    return min(day, timezone.localdate())


def _review_differs(journey: Journey, count: int = 6) -> None:
    """The reviewer does not simply agree: the first ``count`` "Ya" answers of the unit on yes/no questions without
    evidence of implementation become "Tidak" in the review lane, with a note (the lanes' gap is then real)."""
    reviewers = RoleAssignment.objects.filter(role=Role.REVIEWER).select_related("user").order_by("pk")
    reviewer = next((r.user for r in reviewers if may(r.user, Action.REVIEW_SCORE, journey.unit)), None)
    if reviewer is None:
        return
    spec = template_spec(journey.period.template)
    yes_no = [code for code, q in spec.questions.items() if q.answer_type == "ya_tidak"]
    changed = 0
    for code in yes_no:
        answer = journey.assessment.answers.filter(lane=Lane.REVIEW, question__code=code).first()
        if answer is None or answer.choice != "Ya" or changed >= count:
            continue
        assessment_services.answer_save(
            actor=reviewer,
            assessment=journey.assessment,
            question_code=code,
            raw="Tidak",
            note="Data dukung belum menunjukkan pelaksanaan.",
            lane=Lane.REVIEW,
            rescore=False,
        )
        changed += 1
    if changed:
        lane_rescore(assessment=journey.assessment, lane=Lane.REVIEW)


# who signs the pact in a demo unit without a staff list, beside its head
_SIGNING_STAFF = ("Siti Rahmawati", "Muhammad Rizki", "Dewi Lestari", "Agus Santoso")


def _declare(journey: Journey, year: int) -> None:
    if Declaration.objects.filter(unit=journey.unit).exists():
        return
    declaration = services.declaration_record(
        actor=SYSTEM,
        unit=journey.unit,
        declared_on=declared_on(journey.unit.name, year),
        place=f"Aula {journey.unit.name}",
        target_predicate=journey.target_predicate,
        signatories=list(journey.unit.staff.values_list("pk", flat=True)),  # the head and every member of staff
    )
    services.declaration_add_document(
        actor=SYSTEM, declaration=declaration, kind=DocumentKind.PACT, uploaded_file=_pdf("pakta-integritas.pdf")
    )
    if not declaration.signatories.exists():  # a unit without a staff list: record its head and staff (no logins)
        User = get_user_model()  # noqa: N806
        people = []
        for username, full_name, position in [
            (f"kepala.{journey.unit.code.lower()}", f"Kepala {journey.unit.name}", "Kepala"),
            *((f"staf{n}.{journey.unit.code.lower()}", name, "Pelaksana") for n, name in enumerate(_SIGNING_STAFF, 1)),
        ]:
            person, made = User.objects.get_or_create(
                username=username, defaults={"full_name": full_name, "unit": journey.unit, "position": position}
            )
            if made:
                person.set_unusable_password()
                person.save(update_fields=["password"])
                audit.record(SYSTEM, "create", person, after=audit.snapshot(person, ["username", "full_name", "unit"]))
            people.append(person)
        services.declaration_sign(actor=SYSTEM, declaration=declaration, users=people)


# The Itjen team's technical controller (pengendali teknis), who co-signs the LHE with its leader demo-tpi: a
# person without a login, like the demo's staff.
CONTROLLER = ("pt.itjen", "Dr. Hendra Gunawan, S.H., M.H.", "197203151998031002", "Auditor Madya")


def _controller(agency: Agency) -> Any:
    User = get_user_model()  # noqa: N806
    username, full_name, nip, position = CONTROLLER
    person = User.objects.filter(username=username).first()
    if person is None:
        home = agency.units.filter(code="ITJEN").first()
        person = User(username=username, full_name=full_name, nip=nip, position=position, unit=home)
        person.set_unusable_password()
        person.save()
        audit.record(SYSTEM, "create", person, after=audit.snapshot(person, ["username", "full_name", "nip", "unit"]))
    if not person.role_assignments.filter(role=Role.TPI_EVALUATOR, agency=agency).exists():
        org_services.role_assign(actor=SYSTEM, user=person, role=Role.TPI_EVALUATOR, agency=agency)
    return person


def _team(agency: Agency, period: Period) -> TpiTeam | None:
    team = TpiTeam.objects.filter(agency=agency, period=period, name="Tim TPI 1").first()
    if team is not None:
        return team
    evaluator = get_user_model().objects.filter(username="demo-tpi").first()
    if evaluator is None:
        return None
    return services.tpi_team_create(
        actor=SYSTEM,
        agency=agency,
        period=period,
        name="Tim TPI 1",
        leader=evaluator,
        controller=_controller(agency),
    )


def _move(journey: Journey, to_state: str, actor: Actor | None = None, **kwargs: Any) -> Journey:
    return services.transition(
        actor=actor or story_actor(journey, to_state),
        journey=journey,
        to_state=to_state,
        expected_version=journey.version,
        **kwargs,
    )


# The people of the story who take the journey's steps, in this order of preference: the Kanwil's reviewer
# reviews and returns, the team of Lapas Palembang builds it, the agency admin starts and proposes. A step none of
# them may take (the TPN's decision) stays the seeding process's, shown as "Sistem (data demo)".
STORY_PEOPLE = ("demo-reviewer", "demo-ketua", "demo-kepala", "demo-admin")


def story_actor(journey: Journey, to_state: str) -> Actor:
    """The first person of :data:`STORY_PEOPLE` the journey's transition rule lets take this step at the unit."""
    rule = TRANSITIONS.get((journey.state, to_state))
    if rule is None:
        return SYSTEM
    people = {u.username: u for u in get_user_model().objects.filter(username__in=STORY_PEOPLE, is_active=True)}
    for username in STORY_PEOPLE:
        person = people.get(username)
        if person is not None and may(person, rule.action, journey.unit) and not coi_reasons(person, journey):
            return person
    return SYSTEM


# The TPI's conclusion of the demo journeys it found meeting the thresholds (printed in the LHE's "Simpulan").
TPI_MEETS_NOTE = (
    "Unit kerja memenuhi nilai minimal komponen pengungkit, komponen hasil dan nilai total, serta seluruh syarat "
    "pengusulan; direkomendasikan untuk diusulkan ke TPN dengan memperhatikan rekomendasi per area."
)


@transaction.atomic
def seed_workflow(stdout: Any = None) -> dict[str, int]:
    period = Period.objects.filter(assessments__isnull=False).order_by("-year").first()
    if period is None:
        return {"journeys": 0}
    if not PeriodCalendar.objects.filter(period=period).exists():
        # Demo: TPN announced a later proposal date this year (P5 allows a yearly date set by TPN).
        services.calendar_save(
            actor=SYSTEM,
            period=period,
            proposal_deadline=period.ends_on,
            review_deadline=dt.date(period.year, 4, 30),
            tpi_deadline=dt.date(period.year, 5, 20),
        )
    seed_letterheads()
    created = 0
    for assessment in Assessment.objects.filter(period=period, unit__name__in=PLAN).select_related("unit"):
        if assessment.state not in UNREGISTERED_STATES:  # registered already
            continue
        target = PLAN[assessment.unit.name]
        journey = services.participation_create(actor=SYSTEM, assessment=assessment)
        created += 1
        _declare(journey, period.year)
        agency = assessment.unit.agency
        team = None
        for state in PATH[: PATH.index(target) + 1] if target in PATH else []:
            if state == State.TPI_EVALUATION:
                team = _team(agency, period)
                if team is None:
                    break
                services.tpi_assign(actor=SYSTEM, journey=journey, team=team, due=dt.date(period.year, 5, 20))
            if state == State.TPI_MEETS and target in (State.PROPOSED, State.AWARDED):
                if not AgencyProfile.objects.filter(agency=agency, year=period.year).exists():
                    services.agency_profile_save(
                        actor=SYSTEM,
                        agency=agency,
                        year=period.year,
                        bpk_opinion="WTP",
                        sakip="BB",
                        indeks_rb="BB",
                        spip_level=3,
                        source="Data demo",
                    )
                services.preconditions_record(
                    actor=SYSTEM, journey=journey, tlhp_percent=100, lhkpn_percent=100, sakip_internal="BB"
                )
                services.sptjm_upload(actor=SYSTEM, journey=journey, uploaded_file=_pdf("sptjm.pdf"))
            if state == State.REVIEWED:
                _review_differs(journey)
            note = TPI_MEETS_NOTE if state == State.TPI_MEETS else ""
            # the TPI's own steps are taken by the team leader (demo-tpi), as the LHE's history then shows
            actor = team.leader if state in TPI_STEPS and team is not None else None  # None: story_actor
            data = None
            if state == State.AWARDED:
                data = {
                    "decree_number": f"B/{400 + journey.pk}/M.RB.06/{period.year}",
                    "decree_date": min(timezone.localdate(), dt.date(period.year, 11, 28)),  # never in the future
                }
            journey = _move(journey, state, actor=actor, note=note, data=data)
            if state == State.TPI_MEETS:
                issue_demo_lhe(journey)
        if target == State.RETURNED:
            for state in (State.BUILDING, State.SELF_SUBMITTED, State.IN_REVIEW):
                journey = _move(journey, state)
            codes = list(
                assessment.answers.filter(lane=Lane.REVIEW)
                .order_by("question__order")
                .values_list("question__code", flat=True)[:3]
            )
            for code in codes:
                services.lane_note_save(
                    actor=SYSTEM,
                    journey=journey,
                    lane=Lane.REVIEW,
                    question_code=code,
                    text="Data dukung belum menunjukkan pelaksanaan; lampirkan laporan monev triwulan.",
                )
                # flagged "tandai untuk diperbaiki": the unit sees each note on its worksheet and marks it addressed
                returns.note_flag(
                    actor=SYSTEM,
                    journey=journey,
                    lane=Lane.REVIEW,
                    question_code=code,
                    note="Lampirkan laporan monev triwulan yang menunjukkan pelaksanaannya.",
                )
            journey = _move(journey, State.RETURNED, note="Lengkapi data dukung area 1 sebelum diteruskan ke TPI.")
    carried = seed_carry_over(period)
    created += seed_inbox_examples(period)
    if stdout is not None:
        stdout.write(
            gettext("Demo alur ZI: %(created)d alur dibuat di %(period)s; %(carried)d jawaban dibawa dari tahun lalu")
            % {"created": created, "period": period.name, "carried": carried}
        )
    return {"journeys": created, "carried": carried}


def previous_period(
    period: Period, *, actor: Actor | None = SYSTEM, self_assessment_deadline: dt.date | None = None
) -> Period:
    """The (closed) period of the year before ``period``, created by ``actor`` when the demo has none yet: the year
    the carried-over answers, the reward-chasing example and the falling survey indices look back to."""
    previous = Period.objects.filter(year=period.year - 1).first()
    if previous is not None:
        return previous
    year = period.year - 1
    return assessment_services.period_create(
        actor=actor,
        year=year,
        name=f"Evaluasi ZI {year}",
        template=period.template,
        starts_on=dt.date(year, 1, 2),
        ends_on=dt.date(year, 12, 31),
        self_assessment_deadline=self_assessment_deadline,
        is_open=False,
    )


def _self_answers(assessment: Assessment, quality: float, note: str = "") -> list[Answer]:
    """Every question of the assessment's template answered in the self lane (bulk-created; the caller audits),
    the same answers each run for a unit and year."""
    template = assessment.period.template
    spec = template_spec(template)
    rows = {q.code: q for q in template.questions.all()}
    rng = random.Random(f"{assessment.period.year}-{assessment.unit.code}")
    answers = []
    for code in sorted(spec.questions, key=lambda c: spec.questions[c].order):
        answer = self_answer(assessment, spec.questions[code], rows[code], spec.settings, quality, rng)
        answer.note = note
        answers.append(answer)
    Answer.objects.bulk_create(answers)
    return answers


def _previous_assessment(journey: Journey, previous: Period, quality: float = 0.75) -> Assessment:
    """Last year's submitted self-assessment of the unit, every question answered, a few with link evidence;
    bulk-created and audited the way :mod:`zi.demo.assessments` seeds the current year."""

    existing = Assessment.objects.filter(unit=journey.unit, period=previous).first()
    if existing is not None:
        return existing
    unit = journey.unit
    (assessment,) = assessment_services.assessments_open(
        [
            Assessment(
                unit=unit,
                period=previous,
                target_predicate=journey.target_predicate,
                state=State.SUBMITTED,
                submitted_at=dt.datetime(previous.year, 11, 28, 9, 0, tzinfo=dt.UTC),
            )
        ]
    )
    answers = _self_answers(assessment, quality, note=f"Sesuai data dukung {previous.year}.")
    changes = [audit.Change(action="create", obj=assessment, after=audit.snapshot(assessment))]
    answered_now = set(journey.assessment.answers.filter(lane=Lane.SELF).values_list("question__code", flat=True))
    for row in [a for a in answers if a.question.code not in answered_now][:6]:
        evidence = Evidence.objects.create(
            assessment=assessment,
            question=row.question,
            title=f"Laporan {row.question.code} {previous.year}",
            kind=EvidenceKind.LINK,
        )
        EvidenceRevision.objects.create(
            evidence=evidence,
            number=1,
            url=f"https://intranet.example.go.id/zi/{unit.code}/{previous.year}/{row.question.code}",
        )
        changes.append(audit.Change(action="create", obj=evidence, after=audit.snapshot(evidence)))
    changes.append(
        audit.Change(
            action="answer",
            object_type="assessments.assessment",
            object_id=str(assessment.pk),
            object_repr=f"{unit.name} {previous.year}",
            scope_path=unit.path,
            after={"answers": len(answers), "lane": Lane.SELF},
        )
    )
    audit.record_many("seed_demo", changes)
    lane_rescore(assessment=assessment, lane=Lane.SELF)
    return assessment


def seed_carry_over(period: Period, unit_name: str = CARRY_OVER_UNIT, username: str = CARRY_OVER_BY) -> int:
    """Give the unit's building journey a previous-year self-assessment and let ``username`` carry it over (once,
    through the real service); returns the number of questions carried (0 when already done, or without such a
    journey or person)."""
    actor = get_user_model().objects.filter(username=username, is_active=True).first()
    journey = (
        Journey.objects.filter(period=period, unit__name=unit_name, assessment__state=State.BUILDING)
        .select_related("unit", "period", "assessment")
        .first()
    )
    if actor is None or journey is None or CarriedQuestion.objects.filter(journey=journey).exists():
        return 0
    _previous_assessment(journey, previous_period(period))
    carryover.carry_over(actor=actor, journey=journey)
    return CarriedQuestion.objects.filter(journey=journey).count()


# --- inbox examples (the home page of every demo login lists something to act on) ------------------------------

# Two provincial units submitted straight to TPI (Pemda have no preliminary review, P90 Lampiran II stage 5): one
# without a TPI team (the Kalsel admin's "tanpa tim TPI" item), one assigned to the Kalsel evaluator's team (their
# "mulai evaluasi TPI" item). Both start empty: only the hand-off matters here.
INBOX_EXAMPLES = (("RSUD-ULIN", False), ("UPT-SAMSAT-BANJARMASIN-I", True))
INBOX_AGENCY = "PEMPROV-KALSEL"
INBOX_EVALUATOR = "demo-kalsel-tpi"


def _fill_self_lane(assessment: Assessment, quality: float = 0.8) -> None:
    """Every question answered in the self lane (bulk, audited as one change) and scored, like the other demo LKEs."""
    answers = _self_answers(assessment, quality)
    change = audit.Change(
        action="answer",
        object_type="assessments.assessment",
        object_id=str(assessment.pk),
        object_repr=str(assessment),
        scope_path=assessment.unit.path,
        after={"answers": len(answers), "lane": Lane.SELF},
    )
    audit.record_many("seed_demo", [change])
    lane_rescore(assessment=assessment, lane=Lane.SELF)


def seed_inbox_examples(period: Period) -> int:
    """Give the Kalsel admin and evaluator demo logins an item in their inbox; returns journeys created (0 when
    already done or without the units)."""
    created = 0
    for code, with_team in INBOX_EXAMPLES:
        unit = Unit.objects.filter(agency__code=INBOX_AGENCY, code=code).first()
        if unit is None:
            continue
        assessment = Assessment.objects.filter(unit=unit, period=period).first()
        if assessment is not None and assessment.state not in UNREGISTERED_STATES:
            continue
        if assessment is None:
            assessment = assessment_services.assessment_start(actor=SYSTEM, unit=unit, period=period)
            _fill_self_lane(assessment)
        journey = services.participation_create(actor=SYSTEM, assessment=assessment)
        created += 1
        _declare(journey, period.year)
        journey = _move(journey, State.BUILDING)
        journey = _move(journey, State.SELF_SUBMITTED)
        if with_team:
            evaluator = get_user_model().objects.filter(username=INBOX_EVALUATOR).first()
            if evaluator is None:
                continue
            team = TpiTeam.objects.filter(agency=unit.agency, period=period).first()
            team = team or services.tpi_team_create(
                actor=SYSTEM,
                agency=unit.agency,
                period=period,
                name="Tim TPI Inspektorat 1",
                leader=evaluator,
                controller=evaluator,
            )
            services.tpi_assign(actor=SYSTEM, journey=journey, team=team, due=dt.date(period.year, 12, 20))
    return created


# --- letterheads and issued LHEs (issue #19: an LHE a TPI could sign as it is) ---------------------------------

# agency code → (the admin login that configures it, name, second line, address, logo colours)
LETTERHEADS = {
    "KEMENKUMHAM": (
        "demo-admin",
        "Kementerian Hukum dan Hak Asasi Manusia Republik Indonesia",
        "Inspektorat Jenderal",
        "Jl. H.R. Rasuna Said Kav. 6-7, Kuningan, Jakarta Selatan 12940 · Telepon (021) 2525015 · "
        "itjen.kemenkumham.go.id",
        ((16, 42, 98), (212, 175, 55)),
    ),
    "PEMPROV-KALSEL": (
        "demo-kalsel-admin",
        "Pemerintah Provinsi Kalimantan Selatan",
        "Inspektorat Daerah",
        "Jl. Aneka Tambang No. 6, Banjarbaru, Kalimantan Selatan 70714 · inspektorat.kalselprov.go.id",
        ((0, 110, 60), (240, 200, 40)),
    ),
}


def logo_png(fill: tuple[int, int, int], ring: tuple[int, int, int], size: int = 160) -> bytes:
    """A small emblem drawn in code (no binary file in the repository): a disc, a ring and a five-pointed star."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=ring)
    draw.ellipse((16, 16, size - 16, size - 16), fill=fill)
    centre, outer, inner = size / 2, size * 0.32, size * 0.13
    points = [
        (
            centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            centre - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(points, fill=ring)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def seed_letterheads() -> int:
    """Each demo agency's letterhead, configured by its admin login through the real service (the logo checked
    like any upload); returns how many were created (0 on a re-run)."""
    created = 0
    User = get_user_model()  # noqa: N806
    for code, (username, name, subtitle, address, colours) in LETTERHEADS.items():
        agency = Agency.objects.filter(code=code).first()
        admin = User.objects.filter(username=username).first()
        if agency is None or admin is None or AgencyLetterhead.objects.filter(agency=agency).exists():
            continue
        logo = SimpleUploadedFile("logo.png", logo_png(*colours), content_type="image/png")
        org_services.letterhead_save(
            actor=admin, agency=agency, name=name, subtitle=subtitle, address=address, logo=logo
        )
        created += 1
    return created


# The TPI's notes and recommendations per area (1–6, then the komponen hasil), as an Itjen team writes them.
LHE_NOTES: dict[int, tuple[str, str]] = {
    1: (
        "Tim kerja ZI telah dibentuk dengan SK kepala unit dan rencana kerja pembangunan ZI dipantau setiap "
        "triwulan; agen perubahan telah ditetapkan, namun peran mereka belum terlihat dalam laporan monitoring.",
        "Tetapkan target kinerja agen perubahan dan laporkan capaiannya dalam monitoring triwulan berikutnya.",
    ),
    2: (
        "SOP layanan utama telah disusun dan dipublikasikan; sebagian SOP belum dievaluasi setelah perubahan "
        "proses bisnis. Keterbukaan informasi publik berjalan melalui laman dan media sosial unit.",
        "Lakukan evaluasi seluruh SOP layanan minimal sekali setahun dan dokumentasikan hasilnya.",
    ),
    3: (
        "Kebutuhan pegawai disusun berdasarkan analisis jabatan dan beban kerja; pengembangan kompetensi belum "
        "merata bagi pegawai non-ASN.",
        "Susun rencana pengembangan kompetensi yang mencakup seluruh pegawai, termasuk pegawai non-ASN.",
    ),
    4: (
        "Pimpinan terlibat dalam penyusunan perjanjian kinerja; pengelolaan akuntabilitas kinerja telah "
        "menggunakan aplikasi, namun reviu capaian kinerja belum dilakukan setiap bulan.",
        "Lakukan reviu capaian kinerja bulanan yang dipimpin kepala unit dan tindak lanjuti deviasinya.",
    ),
    5: (
        "Pengendalian gratifikasi, SPIP, pengaduan masyarakat dan whistle-blowing system telah berjalan; "
        "penanganan benturan kepentingan belum disosialisasikan ke seluruh pegawai.",
        "Sosialisasikan pedoman penanganan benturan kepentingan dan dokumentasikan pelaksanaannya.",
    ),
    6: (
        "Standar pelayanan telah ditetapkan dan dipublikasikan; survei kepuasan masyarakat dilakukan setiap "
        "semester dan hasilnya ditindaklanjuti.",
        "Publikasikan tindak lanjut hasil survei kepuasan masyarakat di ruang layanan dan laman unit.",
    ),
    LheNote.HASIL: (
        "Nilai IPAK dan IPKP bersumber dari survei persepsi yang dicatat pada platform (jumlah responden "
        "memenuhi batas minimal); capaian kinerja sesuai laporan kinerja unit.",
        "Pertahankan pelaksanaan survei persepsi secara berkala dengan jumlah responden yang memadai.",
    ),
}
LHE_PLACE = "Jakarta"


def lhe_number(journey: Journey, ordinal: int) -> str:
    """The demo's LHE number: ``LHE-<n>/IJ.ZI/<journey>/<year>`` (an Inspektorat numbers its own letters)."""
    return f"LHE-{ordinal}/IJ.ZI/{journey.pk:03d}/{journey.period.year}"


def issue_demo_lhe(journey: Journey) -> IssuedLhe | None:
    """The TPI team leader writes the notes, number, place and date and issues the LHE, through the real
    :mod:`zi.workflow.lhe` services (their permission checks included); None without a team or when issued."""
    team = journey.tpi_team
    if team is None or IssuedLhe.objects.filter(journey=journey).exists():
        return None
    leader = team.leader
    ordinal = IssuedLhe.objects.filter(journey=journey).count() + 1
    lhe.notes_save(
        actor=leader,
        journey=journey,
        notes=LHE_NOTES,
        number=lhe_number(journey, ordinal),
        place=LHE_PLACE,
        date=timezone.localdate(),  # the conclusion is recorded now; the LHE is dated the same day
    )
    return lhe.issue(actor=leader, journey=journey)
