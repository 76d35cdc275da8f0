"""Which lanes of an assessment a person may see: one rule, two forms (like :mod:`zi.organisations.access`).

:func:`visible_lanes` answers for one assessment (pages, exports, the LHE, the dossier); :func:`lane_filter` is the
same rule as a queryset filter for rows that carry a ``lane`` and reach an assessment (answers and lane scores in
the API). Every surface that shows a lane's values, scores or notes asks one of them; nothing else decides.

The rule (also in ``docs/security.md``):

* nobody sees any lane of an assessment they may not see (drafts: the unit's own team and head only);
* everyone who may see the assessment sees the self lane;
* a lane's scorers see their lane whenever they see the assessment (the reviewers of the unit for the review lane;
  the members, leader and controller of the assigned TPI team, without a conflict of interest, for the TPI lane;
  nobody scores the TPN lane in the application);
* everyone else who sees the assessment (the unit's team and head, leaders, national viewers, agency admins, other
  reviewers or evaluators) sees a lane only once it is released: the review lane once the review is returned or
  forwarded, the TPI lane once the TPI returned it (LHE 1) or concluded, the TPN lane once TPN decided.

The state read is ``Assessment.state`` (its one owner). An assessment whose participation is not registered has no
lane state and no team: only the holders of ``review.score`` / ``tpi.score`` on its unit (who may write those lanes
then) see its review and TPI lanes.
"""

from __future__ import annotations

from django.db.models import Q

from zi.assessments.models import Assessment, Lane
from zi.assessments.selectors import may_view, visibility_filter
from zi.assessments.stages import UNREGISTERED_STATES
from zi.core.actors import Actor, acting_person
from zi.organisations.access import Action, may, scope_filter
from zi.workflow.models import Journey, State, TpiTeam

ALL_LANES = frozenset(Lane.values)

# The journey states in which a lane is released to every viewer of the assessment (returned or concluded).
_AFTER_TPI = frozenset(
    {
        State.TPI_MEETS,
        State.TPI_NOT_MEETS,
        State.PROPOSED,
        State.AWARDED,
        State.NOT_AWARDED,
        State.MONITORED,
        State.REVOKED,
    }
)
RELEASED_IN = {
    Lane.REVIEW: frozenset({State.RETURNED, State.REVIEWED, State.TPI_EVALUATION, State.TPI_RETURNED}) | _AFTER_TPI,
    Lane.TPI: frozenset({State.TPI_RETURNED}) | _AFTER_TPI,
    Lane.TPN: frozenset({State.AWARDED, State.NOT_AWARDED, State.MONITORED, State.REVOKED}),
}


def released_lanes(journey: Journey) -> frozenset[str]:
    """Lanes every viewer of the assessment sees in the journey's state (the self lane always)."""
    return frozenset({Lane.SELF} | {lane for lane, states in RELEASED_IN.items() if journey.state in states})


def _home_path(user: Actor) -> str | None:
    unit = getattr(user, "unit", None)
    return unit.path if unit is not None else None


def _conflicted(user: Actor, unit_path: str) -> bool:
    """The evaluator's own unit is the evaluated unit or inside its subtree (``machine.coi_reasons``)."""
    home = _home_path(user)
    return home is not None and home.startswith(unit_path)


def scores_lane(user: Actor, assessment: Assessment, journey: Journey, lane: str) -> bool:
    """Is ``user`` a scorer of ``lane`` on this assessment (state aside: the author keeps seeing their lane)?"""
    if lane == Lane.REVIEW:
        return may(user, Action.REVIEW_SCORE, assessment.unit)
    if lane != Lane.TPI or not may(user, Action.TPI_SCORE, assessment.unit):
        return False
    person = acting_person(user)  # a person: ``may`` granted the action
    if person is None or journey.state in UNREGISTERED_STATES or person.is_superuser:
        return person is not None
    if _conflicted(person, assessment.unit.path):
        return False
    return journey.tpi_team is not None and person.pk in journey.tpi_team.member_ids()


def visible_lanes(user: Actor, assessment: Assessment) -> frozenset[str]:
    """The lanes of ``assessment`` whose values, scores and notes ``user`` may see (empty: not even the
    assessment)."""
    if not may_view(user, assessment):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return ALL_LANES
    journey = Journey.of(assessment)
    lanes = set(released_lanes(journey))
    for lane in (Lane.REVIEW, Lane.TPI):
        if lane not in lanes and scores_lane(user, assessment, journey, lane):
            lanes.add(lane)
    return frozenset(lanes)


def lane_visible(user: Actor, assessment: Assessment, lane: str) -> bool:
    return lane in visible_lanes(user, assessment)


def _ancestor_paths(path: str) -> list[str]:
    """``"1/2/3/"`` → ``["1/", "1/2/", "1/2/3/"]``: the units whose subtree holds this one."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def lane_filter(user: Actor, prefix: str = "assessment__", lane_field: str = "lane") -> Q:
    """:func:`visible_lanes` as a filter for rows with a ``lane_field`` that reach their assessment through
    ``prefix`` (``Answer`` and ``LaneScore``: ``"assessment__"``). Matches nothing for an anonymous user."""
    seen = visibility_filter(user, prefix)
    person = acting_person(user)
    if person is None:
        return Q(pk__in=[])
    if person.is_superuser:
        return seen
    state = f"{prefix}state"
    released = Q(**{lane_field: Lane.SELF})
    for lane, states in RELEASED_IN.items():
        released |= Q(**{lane_field: lane, f"{state}__in": sorted(states)})
    reviewer = Q(**{lane_field: Lane.REVIEW}) & scope_filter(user, Action.REVIEW_SCORE, f"{prefix}unit")
    teams = TpiTeam.objects.filter(Q(members=user) | Q(leader=user) | Q(controller=user)).values("pk")
    assigned = Q(**{f"{prefix}journey__tpi_team__in": teams})
    home = _home_path(user)
    if home is not None:
        assigned &= ~Q(**{f"{prefix}unit__path__in": _ancestor_paths(home)})
    unregistered = Q(**{f"{state}__in": sorted(UNREGISTERED_STATES)})
    evaluator = (
        Q(**{lane_field: Lane.TPI}) & scope_filter(user, Action.TPI_SCORE, f"{prefix}unit") & (unregistered | assigned)
    )
    return seen & (released | reviewer | evaluator)
