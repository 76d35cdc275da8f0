"""Demo journeys for the demo assessments (run after :mod:`zi.demo.assessments`): varied states — building,
declared, one returned with reviewer notes, two in TPI evaluation, one proposed, one awarded WBK with a decree —
and one building unit (Lapas Kelas I Palembang) that started from last year's answers: a closed previous-year period
holds its earlier self-assessment and the carry-over left its questions "jawaban bawaan — konfirmasi".

Idempotent: assessments that already have a journey are left alone. Moves go through the real
``transition`` service (guards included) with a system actor, so the audit chain and events are genuine.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zi.assessments import services as assessment_services
from zi.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceKind,
    EvidenceRevision,
    Lane,
    Period,
)
from zi.assessments.scoring import lane_rescore
from zi.core import audit
from zi.demo.assessments import _answer_for
from zi.lke.formulas import normalize_answer
from zi.lke.services import template_spec
from zi.organisations.models import Agency
from zi.workflow import carryover, returns, services
from zi.workflow.models import CarriedQuestion, Declaration, DocumentKind, Journey, PeriodCalendar, State, TpiTeam

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
    from zi.organisations.access import Action, may
    from zi.organisations.models import Role, RoleAssignment

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


def _team(agency: Agency, period: Period) -> TpiTeam | None:
    team = TpiTeam.objects.filter(agency=agency, period=period, name="Tim TPI 1").first()
    if team is not None:
        return team
    evaluator = get_user_model().objects.filter(username="demo-tpi").first()
    if evaluator is None:
        return None
    return services.tpi_team_create(
        actor=SYSTEM, agency=agency, period=period, name="Tim TPI 1", leader=evaluator, controller=evaluator
    )


def _move(journey: Journey, to_state: str, **kwargs: Any) -> Journey:
    return services.transition(
        actor=SYSTEM, journey=journey, to_state=to_state, expected_version=journey.version, **kwargs
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
    created = 0
    for assessment in Assessment.objects.filter(period=period, unit__name__in=PLAN).select_related("unit"):
        if Journey.objects.filter(assessment=assessment).exists():
            continue
        target = PLAN[assessment.unit.name]
        journey = services.participation_create(actor=SYSTEM, assessment=assessment)
        created += 1
        _declare(journey, period.year)
        agency = assessment.unit.agency
        for state in PATH[: PATH.index(target) + 1] if target in PATH else []:
            if state == State.TPI_EVALUATION:
                team = _team(agency, period)
                if team is None:
                    break
                services.tpi_assign(actor=SYSTEM, journey=journey, team=team, due=dt.date(period.year, 5, 20))
            if state == State.TPI_MEETS and target in (State.PROPOSED, State.AWARDED):
                if not services.AgencyProfile.objects.filter(agency=agency, year=period.year).exists():
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
            note = "Memenuhi" if state == State.TPI_MEETS else ""
            data = None
            if state == State.AWARDED:
                data = {
                    "decree_number": f"B/{400 + journey.pk}/M.RB.06/{period.year}",
                    "decree_date": min(timezone.localdate(), dt.date(period.year, 11, 28)),  # never in the future
                }
            journey = _move(journey, state, note=note, data=data)
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


def _previous_period(period: Period) -> Period:
    previous = Period.objects.filter(year=period.year - 1).first()
    if previous is not None:
        return previous
    year = period.year - 1
    return assessment_services.period_create(
        actor=SYSTEM,
        year=year,
        name=f"Evaluasi ZI {year}",
        template=period.template,
        starts_on=dt.date(year, 1, 2),
        ends_on=dt.date(year, 12, 31),
        is_open=False,
    )


def _previous_assessment(journey: Journey, previous: Period, quality: float = 0.75) -> Assessment:
    """Last year's submitted self-assessment of the unit, every question answered, a few with link evidence;
    bulk-created and audited the way :mod:`zi.demo.assessments` seeds the current year."""

    existing = Assessment.objects.filter(unit=journey.unit, period=previous).first()
    if existing is not None:
        return existing
    unit = journey.unit
    assessment = Assessment.objects.create(
        unit=unit,
        period=previous,
        target_predicate=journey.target_predicate,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=dt.datetime(previous.year, 11, 28, 9, 0, tzinfo=dt.UTC),
    )
    spec = template_spec(previous.template)
    rows = {q.code: q for q in previous.template.questions.all()}
    rng = random.Random(f"{previous.year}-{unit.code}")
    answers = []
    for code in sorted(spec.questions, key=lambda c: spec.questions[c].order):
        question = spec.questions[code]
        normalized = normalize_answer(question, _answer_for(question, quality, rng), spec.settings)
        answers.append(
            Answer(
                assessment=assessment,
                lane=Lane.SELF,
                question=rows[code],
                choice=normalized.choice,
                inputs=normalized.inputs,
                value=normalized.value,
                note=f"Sesuai data dukung {previous.year}.",
            )
        )
    Answer.objects.bulk_create(answers)
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
        Journey.objects.filter(period=period, unit__name=unit_name, state=State.BUILDING)
        .select_related("unit", "period", "assessment")
        .first()
    )
    if actor is None or journey is None or CarriedQuestion.objects.filter(journey=journey).exists():
        return 0
    _previous_assessment(journey, _previous_period(period))
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
    spec = template_spec(assessment.period.template)
    rows = {q.code: q for q in assessment.period.template.questions.all()}
    rng = random.Random(f"{assessment.period.year}-{assessment.unit.code}")
    answers = []
    for code in sorted(spec.questions, key=lambda c: spec.questions[c].order):
        question = spec.questions[code]
        normalized = normalize_answer(question, _answer_for(question, quality, rng), spec.settings)
        answers.append(
            Answer(
                assessment=assessment,
                lane=Lane.SELF,
                question=rows[code],
                choice=normalized.choice,
                inputs=normalized.inputs,
                value=normalized.value,
            )
        )
    Answer.objects.bulk_create(answers)
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
    from zi.organisations.models import Unit

    created = 0
    for code, with_team in INBOX_EXAMPLES:
        unit = Unit.objects.filter(agency__code=INBOX_AGENCY, code=code).first()
        if unit is None or Journey.objects.filter(unit=unit, period=period).exists():
            continue
        assessment = Assessment.objects.filter(unit=unit, period=period).first()
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
