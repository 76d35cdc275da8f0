"""Reads of the journey: scoped lists, the evaluator queue, side-by-side lanes, pipeline numbers.

``pipeline_counts`` / ``pipeline_reached`` / ``proposed_units`` are the interface other apps (insights, the
PortalRB API) call; keep their names and shapes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from zi.assessments.models import Answer, Assessment, Lane, LaneScore, Period
from zi.assessments.selectors import may_view as may_view_assessment
from zi.assessments.stages import UNREGISTERED_STATES
from zi.core.actors import Actor
from zi.core.deadlines import deadline_status
from zi.lke.formulas import zero_denominator, zero_denominator_text
from zi.lke.scoring.breakdown import stored_area_scores
from zi.lke.services import template_spec, with_template
from zi.organisations.access import ROLE_ACTIONS, Action, may, restrict, scope_filter
from zi.organisations.models import Agency, RoleAssignment, Unit
from zi.workflow.lanes import lane_visible
from zi.workflow.machine import CONFIRM_STATES, TRANSITIONS, coi_reasons, moves_from
from zi.workflow.models import Declaration, Journey, JourneyEvent, Predicate, State, TpiTeam


def registered() -> QuerySet[Journey]:
    """Journeys of registered participations: every assessment has its journey; unregistered ones ("started",
    "submitted") are listed as startable assessments instead (:func:`startable_assessments`)."""
    return Journey.objects.exclude(assessment__state__in=UNREGISTERED_STATES)


def journeys_visible(user: Actor) -> QuerySet[Journey]:
    return restrict(registered(), user, Action.UNIT_VIEW)


def journey_list(*, user: Actor, period: Period | None = None) -> QuerySet[Journey]:
    qs = journeys_visible(user).select_related("unit", "assessment", "period", "tpi_team")
    if period is not None:
        qs = qs.filter(period=period)
    return qs.order_by("-period__year", "unit__path")


def journeys_shown(user: Actor) -> QuerySet[Journey]:
    """The journeys ``user`` may open, with what their pages read (load one with ``get_scoped_or_404``)."""
    return with_template(
        journeys_visible(user).select_related("unit", "unit__agency", "assessment", "tpi_team"), "period__template"
    )


def journey_events(journey: Journey) -> QuerySet[JourneyEvent]:
    return journey.events.select_related("actor").order_by("version")


@dataclass
class Decision:
    to_state: str
    label: str
    needs_note: bool
    confirm: bool = False


def decisions_for(user: Actor, journey: Journey) -> list[Decision]:
    """The moves the user may try from here (permission only; guards speak when tried)."""
    result = []
    for to_state, rule in moves_from(journey.state):
        if may(user, rule.action, journey.unit):
            needs_note = to_state in (State.RETURNED, State.TPI_RETURNED, State.NOT_AWARDED, State.REVOKED)
            result.append(Decision(to_state, str(rule.label), needs_note, to_state in CONFIRM_STATES))
    return result


def declaration_share(declaration: Declaration) -> tuple[int, int, float]:
    """(signed, staff, percent) — all staff of the unit count, ASN and non-ASN alike."""
    staff = declaration.unit.staff.filter(is_active=True).count()
    signed = declaration.signatories.count()
    return signed, staff, round(100 * signed / staff, 1) if staff else 0.0


def may_compare(user: Actor, journey: Journey) -> bool:
    if may_view_assessment(user, journey.assessment):
        return True
    return journey.state not in (State.DECLARED, State.BUILDING) and may(
        user, Action.ASSESSMENT_VIEW_SUBMITTED, journey.unit
    )


def sees_lhe_pages(user: Actor, journey: Journey) -> bool:
    """The LHE pages: the TPI scorers and whoever may compare the lanes (403 for the others in scope)."""
    return may(user, Action.TPI_SCORE, journey.unit) or may_compare(user, journey)


# --- side by side ----------------------------------------------------------------------------------------------


@dataclass
class CompareRow:
    code: str
    text: str
    area: str
    values: dict[str, float | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    zero_notes: dict[str, str] = field(default_factory=dict)  # lane → the zero-denominator sentence, when it decided

    @property
    def gap(self) -> float | None:
        """Over-claim: self − TPI (positive = the unit claimed more than TPI found)."""
        own, tpi = self.values.get(Lane.SELF), self.values.get(Lane.TPI)
        if own is None or tpi is None:
            return None
        return round((own - tpi) * 100, 1)

    @property
    def over_claim(self) -> bool:
        return self.gap is not None and self.gap > 0


@dataclass
class CompareArea:
    name: str
    scores: dict[str, float | None]

    @property
    def gap(self) -> float | None:
        own, tpi = self.scores.get(Lane.SELF), self.scores.get(Lane.TPI)
        return None if own is None or tpi is None else round(own - tpi, 2)

    @property
    def over_claim(self) -> bool:
        return self.gap is not None and self.gap > 0


LANES = (Lane.SELF, Lane.REVIEW, Lane.TPI)


def side_by_side(journey: Journey, lanes: Any) -> tuple[list[CompareArea], list[CompareRow]]:
    """Areas and questions of the lanes in ``lanes`` (what :func:`zi.workflow.lanes.visible_lanes` gives the
    viewer); a lane not in it has no value, score or note here, so no page or report built on it can show one."""
    spec = template_spec(journey.period.template)
    shown = [lane for lane in LANES if lane in lanes]
    rows: dict[str, CompareRow] = {}
    for area in (*spec.lever, *spec.result):
        for indicator in area.indicators:
            for question in indicator.questions:
                rows[question.code] = CompareRow(question.code, question.text, area.name)
    for lane, code, value, note, inputs in Answer.objects.filter(
        assessment_id=journey.assessment_id, lane__in=shown
    ).values_list("lane", "question__code", "value", "note", "inputs"):
        if code in rows:
            rows[code].values[lane] = value
            if note:
                rows[code].notes[lane] = note
            zero = zero_denominator(spec.questions[code], inputs, spec.settings) if inputs else None
            if zero is not None:
                rows[code].zero_notes[lane] = zero_denominator_text(zero)
    scores = {s.lane: s for s in LaneScore.objects.filter(assessment_id=journey.assessment_id, lane__in=shown)}
    area_scores = {lane: stored_area_scores(s.breakdown, spec.area_names) for lane, s in scores.items()}
    areas = [
        CompareArea(name, {lane: area_scores[lane][i] if lane in scores else None for lane in LANES})
        for i, name in enumerate(spec.area_names)
    ]
    areas.append(CompareArea("Total", {lane: scores[lane].total if lane in scores else None for lane in LANES}))
    return areas, list(rows.values())


def returned_notes(journey: Journey, user: Actor) -> list[tuple[str, str, str]]:
    """(lane, question code, note) of the scorers, shown to the unit while its LKE is returned (to whoever may
    see that lane: :func:`zi.workflow.lanes.visible_lanes`)."""
    if journey.state not in (State.RETURNED, State.TPI_RETURNED):
        return []
    lane = Lane.REVIEW if journey.state == State.RETURNED else Lane.TPI
    if not lane_visible(user, journey.assessment, lane):
        return []
    return list(
        Answer.objects.filter(assessment_id=journey.assessment_id, lane=lane)
        .exclude(note="")
        .order_by("question__order", "question__code")
        .values_list("lane", "question__code", "note")
    )


# --- TPI -------------------------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    journey: Journey
    due: dt.date | None
    overdue: bool


def evaluator_queue(*, user: Actor, today: dt.date) -> list[QueueItem]:
    """Units assigned to the user's TPI teams that are with TPI (or about to be), soonest deadline first."""
    teams = TpiTeam.objects.filter(Q(members=user) | Q(leader=user) | Q(controller=user)).values("pk")
    qs = (
        restrict(Journey.objects.filter(tpi_team__in=teams), user, Action.TPI_SCORE)
        .filter(assessment__state__in=(State.SELF_SUBMITTED, State.REVIEWED, State.TPI_EVALUATION, State.TPI_RETURNED))
        .select_related("unit", "assessment", "period", "period__calendar", "tpi_team")
        .distinct()
    )
    items = [QueueItem(j, j.tpi_due, bool(j.tpi_due and deadline_status(j.tpi_due, today).overdue)) for j in qs]
    return sorted(items, key=lambda i: (i.due or dt.date.max, i.journey.unit.path))


# Submitted (Pemda and units without a review go straight to TPI) or forwarded by the reviewer: TPI's turn.
WAITING_FOR_TPI = (State.SELF_SUBMITTED, State.REVIEWED)


@dataclass
class UnassignedItem:
    journey: Journey
    team: TpiTeam | None  # a team of the same agency and period (its page has the assignment form), or None


def without_tpi_team(*, user: Actor) -> list[UnassignedItem]:
    """LKEs waiting for TPI whose unit has no TPI team: they are in no evaluator's queue, so those who assign teams
    (``workflow.tpi_team``) see them, oldest submission first, each with a team to assign it to when one exists."""
    qs = (
        restrict(
            Journey.objects.filter(assessment__state__in=WAITING_FOR_TPI, tpi_team__isnull=True),
            user,
            Action.TPI_TEAM_MANAGE,
        )
        .select_related("unit", "unit__agency", "period", "period__calendar", "assessment")
        .order_by("assessment__submitted_at", "unit__path")
    )
    journeys = list(qs)
    teams: dict[tuple[int, int], TpiTeam] = {}
    if journeys:
        rows = TpiTeam.objects.filter(
            agency_id__in={j.unit.agency_id for j in journeys}, period_id__in={j.period_id for j in journeys}
        ).order_by("-name")
        teams = {(t.agency_id, t.period_id): t for t in rows}  # the first team by name wins
    return [UnassignedItem(j, teams.get((j.unit.agency_id, j.period_id))) for j in journeys]


@dataclass
class TeamLoad:
    team: TpiTeam
    load: int
    capacity: int
    minutes: int

    @property
    def overloaded(self) -> bool:
        return self.load > self.capacity

    @property
    def full(self) -> bool:
        return self.load >= self.capacity


def team_loads(*, user: Actor, period: Period) -> list[TeamLoad]:
    minutes_per_unit = int(getattr(settings, "ZI_TPI_MINUTES_PER_UNIT", 240))
    agencies = [a.pk for a in Agency.objects.all() if may(user, Action.TPI_TEAM_MANAGE, a)]
    teams = (
        TpiTeam.objects.filter(period=period, agency_id__in=agencies)
        .annotate(
            load=Count(
                "journeys", filter=~Q(journeys__assessment__state__in=(State.DECLARED, State.BUILDING)), distinct=True
            )
        )
        .select_related("leader", "controller")
        .order_by("agency__name", "name")
    )
    return [TeamLoad(t, t.load, t.effective_capacity(), t.load * minutes_per_unit) for t in teams]


def manageable_agencies(user: Actor, action: Action) -> list[Agency]:
    """Agencies on which the user holds ``action`` agency-wide (TPI teams, agency preconditions)."""
    return [a for a in Agency.objects.order_by("name") if may(user, action, a)]


def tpi_candidates(agency: Agency) -> QuerySet[Any]:
    """Active users whose role in this agency (or nationally) grants ``tpi.score``: who may sit in a TPI team."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if Action.TPI_SCORE in actions]
    holders = RoleAssignment.objects.filter(role__in=roles).filter(
        Q(agency=agency) | Q(unit__agency=agency) | Q(agency__isnull=True, unit__isnull=True)
    )
    return get_user_model().objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by("username")


def teams_shown() -> QuerySet[TpiTeam]:
    """TPI teams with what their pages read; which of them a person may manage is :func:`manages_team`."""
    return TpiTeam.objects.select_related("agency", "period", "leader", "controller")


def manages_team(user: Actor, team: TpiTeam) -> bool:
    """A team is placed at its agency (no unit): the agency's ``workflow.tpi_team`` grant."""
    return may(user, Action.TPI_TEAM_MANAGE, team.agency)


def team_journeys(team: TpiTeam) -> QuerySet[Journey]:
    """Journeys of the team's agency and period that a team could still evaluate (not concluded yet)."""
    return (
        Journey.objects.filter(unit__agency_id=team.agency_id, period_id=team.period_id)
        .exclude(assessment__state__in=(State.TPI_MEETS, State.TPI_NOT_MEETS, State.PROPOSED, State.AWARDED))
        .exclude(assessment__state__in=(State.NOT_AWARDED, State.MONITORED, State.REVOKED))
        .select_related("unit", "assessment", "tpi_team")
        .order_by("unit__path")
    )


def team_conflicts(team: TpiTeam, journeys: Any) -> dict[int, list[Any]]:
    """Journey pk → the team's people who may not evaluate it (their own unit is it or below it)."""
    people = [team.leader, team.controller, *team.members.select_related("unit")]
    return {j.pk: [p for p in people if coi_reasons(p, j)] for j in journeys}


def proposal_list(*, user: Actor, year: int) -> QuerySet[Journey]:
    """The proposal list of a year: units TPI found meeting the thresholds and those proposed since, per agency,
    within the user's ``workflow.propose`` scope."""
    states = (State.TPI_MEETS, State.PROPOSED, State.AWARDED, State.NOT_AWARDED, State.MONITORED, State.REVOKED)
    return (
        restrict(Journey.objects.filter(period__year=year, assessment__state__in=states), user, Action.PROPOSAL_SUBMIT)
        .select_related("unit", "assessment", "unit__agency", "period")
        .order_by("unit__agency__name", "unit__path")
    )


def unit_staff(unit: Unit) -> QuerySet[Any]:
    return unit.staff.filter(is_active=True).order_by("username")


# --- pipeline numbers (insights, PortalRB) ---------------------------------------------------------------------


def _scoped(period: Period, root_unit: Unit | None, agency: Agency | None, user: Actor) -> QuerySet[Journey]:
    qs = registered().filter(period=period)
    if root_unit is not None:
        qs = qs.filter(unit__path__startswith=root_unit.path)
    if agency is not None:
        qs = qs.filter(unit__agency=agency)
    if user is not None:
        qs = qs.filter(scope_filter(user, Action.DASHBOARD_VIEW))
    return qs


def pipeline_counts(
    *, root_unit: Unit | None = None, agency: Agency | None = None, period: Period, user: Actor = None
) -> dict[str, int]:
    """Journeys per current state within a subtree (or agency) and period; every state present (0 if none).
    One grouped query. Pass ``user`` to cut to what they may see on dashboards."""
    counts = {state.value: 0 for state in State if state not in UNREGISTERED_STATES}
    for state, n in _scoped(period, root_unit, agency, user).values_list("assessment__state").annotate(n=Count("pk")):
        counts[state] = n
    return counts


def pipeline_reached(
    *, root_unit: Unit | None = None, agency: Agency | None = None, period: Period, user: Actor = None
) -> dict[str, int]:
    """Journeys that ever entered each state (from the event log): "20 submitted, 11 passed to TPI"."""
    journeys = _scoped(period, root_unit, agency, user)
    counts = {state.value: 0 for state in State if state not in UNREGISTERED_STATES}
    rows = (
        JourneyEvent.objects.filter(journey__in=journeys.values("pk"))
        .values_list("to_state")
        .annotate(n=Count("journey", distinct=True))
    )
    for state, n in rows:
        counts[state] = n
    counts[State.DECLARED] = journeys.count()
    return counts


@dataclass(frozen=True)
class ProposedUnit:
    unit: Unit
    category: str  # "WBK" | "WBK-AFIRMASI" | "WBBM"
    afirmasi: bool


def proposed_units(*, agency: Agency, year: int) -> list[ProposedUnit]:
    """Units the agency proposed to TPN for ``year`` (whatever the result since), in tree order."""
    qs = (
        Journey.objects.filter(unit__agency=agency, period__year=year, proposed_at__isnull=False)
        .select_related("unit", "assessment")
        .order_by("unit__path")
    )
    return [ProposedUnit(unit=j.unit, category=j.category, afirmasi=j.afirmasi) for j in qs]


def startable_assessments(*, user: Actor) -> QuerySet[Assessment]:
    """Assessments whose participation is not registered yet where the user may register it."""
    return restrict(
        Assessment.objects.filter(state__in=UNREGISTERED_STATES), user, Action.PARTICIPATION_MANAGE
    ).select_related("unit", "period")


__all__ = ["TRANSITIONS", "ProposedUnit", "pipeline_counts", "pipeline_reached", "proposed_units"]


def public_predicates(*, q: str = "", year: int | None = None) -> list[dict[str, Any]]:
    """Predicates officially awarded (TPN decree recorded) and still held, for the public transparency page.

    A predicate is public once the journey reached ``awarded`` (or ``monitored`` after it) with its
    ``awarded_predicate``; proposed, not-awarded and revoked journeys and every draft stay out. Only public facts
    leave: unit and agency names, the predicate and the period's year. One query; ``q`` matches unit or agency
    name, ``year`` the period's year. Newest year first, then agency and unit name.
    """
    qs = Journey.objects.filter(
        assessment__state__in=(State.AWARDED, State.MONITORED),
        awarded_predicate__in=(Predicate.WBK, Predicate.WBBM),
        unit__is_active=True,
    )
    if year is not None:
        qs = qs.filter(period__year=year)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(unit__agency__name__icontains=q))
    rows = qs.order_by("-period__year", "unit__agency__name", "unit__name").values_list(
        "unit__name", "unit__agency__name", "awarded_predicate", "period__year"
    )
    return [{"unit": unit, "agency": agency, "predicate": predicate, "year": y} for unit, agency, predicate, y in rows]


@dataclass
class EarlierAnswer:
    """One earlier lane's answer to a question, shown beside the scorer's own inputs on the lane sheet."""

    lane: str
    label: str
    choice: str
    value: float | None
    note: str
    zero_note: str = ""  # the zero-denominator rule that decided ``value`` (zi.lke.formulas.zero_denominator_text)
    criteria: str = ""  # the LKE criterion of ``choice`` (the template's option text)


def lane_sheet_context(worksheet: Any, journey: Journey, lane: str, visible: Any) -> None:
    """Attach ``row.earlier`` (the self answer, and for the TPI lane the review answer when ``visible`` holds it)
    to each worksheet row: one query whatever the number of questions. The evidence is already on
    ``row.evidence`` (two queries). A worksheet loaded for one section (``worksheet.shown``) gets only that
    section's earlier answers."""
    earlier_lanes = [Lane.SELF] if lane == Lane.REVIEW else [Lane.SELF, Lane.REVIEW]
    earlier_lanes = [item for item in earlier_lanes if item in visible]
    labels = dict(Lane.choices)
    found: dict[str, dict[str, EarlierAnswer]] = {}

    shown_rows = worksheet.section(worksheet.shown).rows if worksheet.shown else list(worksheet.rows.values())
    earlier = Answer.objects.filter(assessment_id=journey.assessment_id, lane__in=earlier_lanes)
    if worksheet.shown:
        earlier = earlier.filter(question__code__in=[row.code for row in shown_rows])
    for answer_lane, code, choice, value, note, inputs in earlier.values_list(
        "lane", "question__code", "choice", "value", "note", "inputs"
    ):
        row = worksheet.rows.get(code)
        zero = zero_denominator(row.question, inputs, worksheet.spec.settings) if row is not None else None
        criteria = next((o.criteria for o in row.question.options if o.key == choice), "") if row is not None else ""
        found.setdefault(code, {})[answer_lane] = EarlierAnswer(
            answer_lane,
            str(labels.get(answer_lane, answer_lane)),
            choice,
            value,
            note,
            zero_denominator_text(zero) if zero is not None else "",
            criteria,
        )
    for row in shown_rows:
        code = row.code
        per_lane = found.get(code, {})
        row.earlier = [
            per_lane.get(item) or EarlierAnswer(item, str(labels.get(item, item)), "", None, "")
            for item in earlier_lanes
        ]
