"""Demo journeys for the demo assessments (run after :mod:`zi.assessments.demo`): varied states — building,
declared, one returned with reviewer notes, two in TPI evaluation, one proposed, one awarded WBK with a decree.

Idempotent: assessments that already have a journey are left alone. Moves go through the real
``transition`` service (guards included) with a system actor, so the audit chain and events are genuine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from zi.assessments.models import Assessment, Lane, Period
from zi.core import audit
from zi.organisations.models import Agency
from zi.workflow import services
from zi.workflow.models import Declaration, DocumentKind, Journey, PeriodCalendar, State, TpiTeam

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

# unit name → target state
PLAN = {
    "Lapas Kelas IIB Muara Enim": State.DECLARED,
    "Lapas Kelas I Palembang": State.BUILDING,
    "Rutan Kelas IIB Prabumulih": State.BUILDING,
    "Lapas Perempuan Kelas IIA Palembang": State.RETURNED,
    "LPKA Kelas I Palembang": State.TPI_EVALUATION,
    "Kanim Kelas II TPI Muara Enim": State.TPI_EVALUATION,
    "Bapas Kelas I Palembang": State.PROPOSED,
    "Kanim Kelas I TPI Palembang": State.AWARDED,
}
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


def _declare(journey: Journey, year: int) -> None:
    if Declaration.objects.filter(unit=journey.unit).exists():
        return
    declaration = services.declaration_record(
        actor=SYSTEM,
        unit=journey.unit,
        declared_on=dt.date(year - 1, 1, 20),
        place=f"Aula {journey.unit.name}",
        target_predicate=journey.target_predicate,
        signatories=list(journey.unit.staff.values_list("pk", flat=True)[:40]),
    )
    services.declaration_add_document(
        actor=SYSTEM, declaration=declaration, kind=DocumentKind.PACT, uploaded_file=_pdf("pakta-integritas.pdf")
    )
    if not declaration.signatories.exists():  # a unit without a staff list: record its head (no login) who signs
        User = get_user_model()  # noqa: N806
        head, made = User.objects.get_or_create(
            username=f"kepala.{journey.unit.code.lower()}",
            defaults={"full_name": f"Kepala {journey.unit.name}", "unit": journey.unit, "position": "Kepala"},
        )
        if made:
            head.set_unusable_password()
            head.save(update_fields=["password"])
            audit.record(SYSTEM, "create", head, after=audit.snapshot(head, ["username", "full_name", "unit"]))
        services.declaration_sign(actor=SYSTEM, declaration=declaration, users=[head])


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
            note = "Memenuhi" if state == State.TPI_MEETS else ""
            data = None
            if state == State.AWARDED:
                data = {
                    "decree_number": f"KEP-{journey.unit.code}/M.PANRB/12/{period.year}",
                    "decree_date": dt.date(period.year, 12, 10),
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
            journey = _move(journey, State.RETURNED, note="Lengkapi data dukung area 1 sebelum diteruskan ke TPI.")
    if stdout is not None:
        stdout.write(f"Demo journeys: {created} created in {period.name}")
    return {"journeys": created}
