"""The one place that answers "may this person do this on that object" and "which objects may they see".

A role is held at a node (a unit's subtree, a whole agency, or nationally). Each role grants a set of
actions. :func:`may` checks one object; :func:`scope_filter` turns the same rule into a queryset filter so
lists, exports and the API never load what the person may not see.

Objects are placed in the tree by their unit, declared once per model: the class attribute ``unit_field`` names the
path to the unit (``"unit"`` by default, ``"assessment__unit"``, ``""`` for the Unit model itself;
:class:`zi.organisations.scoped.ScopedModel` derives ``scope_unit()``, the audit scope and
``Model.objects.restrict(user, action)`` from it). :func:`may` accepts a :class:`Unit`, an :class:`Agency` or any
such object; :func:`restrict` reads the queryset model's ``unit_field`` unless one is passed.

Domain actions (``programme.manage``, ``survey.evaluate``, …) are not granted role by role: each is held wherever
one of its source actions is held (``DERIVED_ACTIONS``), so ``may(user, Action.SURVEY_EVALUATE, campaign)`` is
exactly "may review-score or TPI-score it" and its queryset form is the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from zi.core.actors import Actor, acting_person
from zi.organisations.models import Agency, Role, RoleAssignment, Unit


class Action(StrEnum):
    UNIT_VIEW = "unit.view"
    UNIT_MANAGE = "unit.manage"
    PEOPLE_MANAGE = "people.manage"
    ASSESSMENT_VIEW_DRAFT = "assessment.view_draft"
    ASSESSMENT_VIEW_SUBMITTED = "assessment.view_submitted"
    ASSESSMENT_ANSWER = "assessment.answer"
    EVIDENCE_UPLOAD = "evidence.upload"
    ASSESSMENT_SUBMIT = "assessment.submit"
    REVIEW_SCORE = "review.score"
    TPI_SCORE = "tpi.score"
    DASHBOARD_VIEW = "dashboard.view"
    AUDIT_VIEW = "audit.view"
    INTEGRITY_HANDLE = "integrity.handle"  # whistle-blowing, gratification and conflict-of-interest reports
    PORTALRB_MANAGE = "portalrb.manage"  # PortalRB API tokens, fetch log and "what PortalRB will see"
    PARTICIPATION_MANAGE = "workflow.participation"  # declaration, performance agreement, unit preconditions
    TPI_TEAM_MANAGE = "workflow.tpi_team"  # TPI teams and assignment of units to them
    PROPOSAL_SUBMIT = "workflow.propose"  # agency preconditions, proposal to TPN
    TPN_RESULT_RECORD = "workflow.tpn_result"  # the Menteri's decree (predicate, not awarded, revocation)
    CALENDAR_MANAGE = "workflow.calendar"  # national period deadlines: no role grants it, only superusers
    # Survey instruments: new versions and periods; an agency's own internal surveys. National (standard)
    # instruments need the grant without agency scope (or a superuser); an agency's own, the agency's grant.
    SURVEY_INSTRUMENT_MANAGE = "survey.instrument"
    # Domain actions, derived from the actions above (DERIVED_ACTIONS): held wherever one of their sources is held.
    ASSESSMENT_START = "assessment.start"  # open a unit's assessment: its ZI team, or whoever manages the unit
    PROGRAMME_MANAGE = "programme.manage"  # the unit's building work (plans, activities, complaints, …): its ZI team
    PROGRAMME_READ = "programme.read"  # read the building work: whoever sees submitted assessments, and the team
    REGISTER_WRITE = "programme.register"  # gratification/conflict-of-interest registers: the team or a handler
    SURVEY_VIEW = "survey.view"  # campaigns and their results: whoever sees the unit's draft or submitted assessment
    SURVEY_MANAGE = "survey.manage"  # campaigns, service points, one-time codes, devices: the unit's ZI team
    # Judge survey answers (exclude, rescan) and record an external IPAK/IPKP value: evaluators only; the unit team
    # must not be able to drop its own unfavourable answers or replace its own result.
    SURVEY_EVALUATE = "survey.evaluate"
    MONITORING_VIEW = "monitoring.view"  # the post-predicate watch list: leaders (dashboards) and the TPI


_UNIT_TEAM = {
    Action.UNIT_VIEW,
    Action.ASSESSMENT_VIEW_DRAFT,
    Action.ASSESSMENT_VIEW_SUBMITTED,
    Action.ASSESSMENT_ANSWER,
    Action.EVIDENCE_UPLOAD,
}

_GRANTED: dict[str, frozenset[Action]] = {  # what each role grants; ROLE_ACTIONS adds the derived
    Role.AGENCY_ADMIN: frozenset(
        {
            Action.UNIT_VIEW,
            Action.UNIT_MANAGE,
            Action.PEOPLE_MANAGE,
            Action.ASSESSMENT_VIEW_SUBMITTED,
            Action.DASHBOARD_VIEW,
            Action.AUDIT_VIEW,
            Action.PORTALRB_MANAGE,
            Action.TPI_TEAM_MANAGE,
            Action.PROPOSAL_SUBMIT,
            Action.TPN_RESULT_RECORD,
            Action.SURVEY_INSTRUMENT_MANAGE,
        }
    ),
    Role.UNIT_TEAM_MEMBER: frozenset(_UNIT_TEAM),
    Role.UNIT_TEAM_LEADER: frozenset(_UNIT_TEAM | {Action.ASSESSMENT_SUBMIT, Action.PARTICIPATION_MANAGE}),
    Role.UNIT_HEAD: frozenset(
        {
            Action.UNIT_VIEW,
            Action.ASSESSMENT_VIEW_DRAFT,
            Action.ASSESSMENT_VIEW_SUBMITTED,
            Action.ASSESSMENT_SUBMIT,
            Action.DASHBOARD_VIEW,
            Action.PARTICIPATION_MANAGE,
        }
    ),
    Role.REVIEWER: frozenset(
        {Action.UNIT_VIEW, Action.ASSESSMENT_VIEW_SUBMITTED, Action.REVIEW_SCORE, Action.DASHBOARD_VIEW}
    ),
    Role.TPI_EVALUATOR: frozenset(
        {
            Action.UNIT_VIEW,
            Action.ASSESSMENT_VIEW_SUBMITTED,
            Action.TPI_SCORE,
            Action.DASHBOARD_VIEW,
            Action.AUDIT_VIEW,
            Action.INTEGRITY_HANDLE,
        }
    ),
    Role.LEADER: frozenset({Action.UNIT_VIEW, Action.ASSESSMENT_VIEW_SUBMITTED, Action.DASHBOARD_VIEW}),
    Role.NATIONAL_VIEWER: frozenset(
        {Action.UNIT_VIEW, Action.ASSESSMENT_VIEW_SUBMITTED, Action.DASHBOARD_VIEW, Action.AUDIT_VIEW}
    ),
}


# Domain action -> the actions that grant it. One derived action is the union of its sources, role by role.
DERIVED_ACTIONS: dict[Action, frozenset[Action]] = {
    Action.ASSESSMENT_START: frozenset({Action.ASSESSMENT_ANSWER, Action.UNIT_MANAGE}),
    Action.PROGRAMME_MANAGE: frozenset({Action.ASSESSMENT_ANSWER}),
    Action.PROGRAMME_READ: frozenset({Action.ASSESSMENT_VIEW_SUBMITTED, Action.ASSESSMENT_ANSWER}),
    Action.REGISTER_WRITE: frozenset({Action.ASSESSMENT_ANSWER, Action.INTEGRITY_HANDLE}),
    Action.SURVEY_VIEW: frozenset({Action.ASSESSMENT_VIEW_DRAFT, Action.ASSESSMENT_VIEW_SUBMITTED}),
    Action.SURVEY_MANAGE: frozenset({Action.ASSESSMENT_ANSWER}),
    Action.SURVEY_EVALUATE: frozenset({Action.REVIEW_SCORE, Action.TPI_SCORE}),
    Action.MONITORING_VIEW: frozenset({Action.DASHBOARD_VIEW, Action.TPI_SCORE}),
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    role: frozenset(actions | {derived for derived, sources in DERIVED_ACTIONS.items() if actions & sources})
    for role, actions in _GRANTED.items()
}


@dataclass(frozen=True)
class Grant:
    """One role assignment reduced to what scoping needs."""

    role: str
    agency_id: int | None
    unit_path: str | None

    @property
    def is_global(self) -> bool:
        return self.agency_id is None and self.unit_path is None

    def covers(self, unit: Unit) -> bool:
        if self.is_global:
            return True
        if self.unit_path is not None:
            return unit.path.startswith(self.unit_path)
        return unit.agency_id == self.agency_id


def grants_for(user: Actor) -> list[Grant]:
    """The user's role grants, loaded once per user object (one query)."""
    person = acting_person(user)
    if person is None:
        return []
    cached: list[Grant] | None = getattr(person, "_zi_grants", None)
    if cached is None:
        cached = [
            Grant(role=role, agency_id=agency_id, unit_path=unit_path)
            for role, agency_id, unit_path in RoleAssignment.objects.filter(user_id=person.pk).values_list(
                "role", "agency_id", "unit__path"
            )
        ]
        setattr(person, "_zi_grants", cached)  # noqa: B010  # a cache on the object, not a declared attribute
    return cached


def forget_grants(user: Actor) -> None:
    """Drop the per-object cache after the user's roles changed."""
    if hasattr(user, "_zi_grants"):
        delattr(user, "_zi_grants")


def roles_of(user: Actor) -> set[str]:
    return {grant.role for grant in grants_for(user)}


def _grants_with(user: Actor, action: Action | str) -> list[Grant]:
    return [g for g in grants_for(user) if action in ROLE_ACTIONS.get(g.role, frozenset())]


def unit_field_of(model: Any) -> str:
    """The lookup from ``model`` to its unit, as the model declares it (``unit_field``; ``""`` for :class:`Unit`)."""
    if isinstance(model, type) and issubclass(model, Unit):
        return ""
    return getattr(model, "unit_field", "unit")


def follow(obj: Any, field: str) -> Any:
    """``obj`` followed along a ``"a__b"`` lookup (``None`` where a link is empty)."""
    for name in field.split("__") if field else ():
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def unit_of(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    field = getattr(type(obj), "unit_field", None)
    if isinstance(field, str):
        return follow(obj, field)
    getter = getattr(obj, "scope_unit", None)
    if callable(getter):
        return getter()
    return getattr(obj, "unit", None)


def may(user: Actor, action: Action | str, obj: Any = None) -> bool:
    """May ``user`` do ``action`` on ``obj`` (or anywhere, when ``obj`` is None)?"""
    person = acting_person(user)
    if person is None:
        return False
    if person.is_superuser:
        return True
    grants = _grants_with(person, action)
    if obj is None:
        return bool(grants)
    if isinstance(obj, Agency):
        return any(g.is_global or (g.unit_path is None and g.agency_id == obj.pk) for g in grants)
    unit = unit_of(obj)
    if unit is None:
        return any(g.is_global for g in grants)
    return any(g.covers(unit) for g in grants)


def may_place_unit(user: Actor, parent: Unit | None, agency: Agency) -> bool:
    """May ``user`` put a unit directly below ``parent`` (``None``: at the top of ``agency``)?

    The same rule answers "may they move or close this unit" (asked for the unit's current parent): an admin
    restructures only below their own node, so an admin held at a unit can neither close nor move that unit.
    """
    return may(user, Action.UNIT_MANAGE, parent if parent is not None else agency)


def _grant_filter(user: Actor, action: Action | str, by_grants: Callable[[list[Grant]], Q]) -> Q:
    """The one shape of a scope filter: nothing for an actor who may hold no permission, everything for a superuser
    or a global grant ("everything" is ``pk IS NOT NULL``: a bare ``Q()`` would vanish when OR-ed with another Q),
    else ``by_grants`` of the user's grants for ``action`` (no grant: matches nothing)."""
    person = acting_person(user)
    if person is None:
        return Q(pk__in=[])
    if person.is_superuser:
        return Q(pk__isnull=False)
    grants = _grants_with(person, action)
    if any(grant.is_global for grant in grants):
        return Q(pk__isnull=False)
    return by_grants(grants)


def scope_filter(user: Actor, action: Action | str, unit_field: str = "unit") -> Q:
    """A filter selecting the rows (placed by ``unit_field``) on which ``user`` may do ``action``.

    Returns a Q that matches nothing when the user has no grant for the action.
    """
    prefix = f"{unit_field}__" if unit_field else ""

    def by_grants(grants: list[Grant]) -> Q:
        query = Q(pk__in=[])
        for grant in grants:
            if grant.unit_path is not None:
                query |= Q(**{f"{prefix}path__startswith": grant.unit_path})
            else:
                query |= Q(**{f"{prefix}agency_id": grant.agency_id})
        return query

    return _grant_filter(user, action, by_grants)


_M = TypeVar("_M", bound=Model)
_Row = TypeVar("_Row")


def restrict(
    queryset: QuerySet[_M, _Row], user: Actor, action: Action | str, unit_field: str | None = None
) -> QuerySet[_M, _Row]:
    """``queryset`` cut down to what ``user`` may ``action`` (placed by the model's ``unit_field`` unless given)."""
    field = unit_field if unit_field is not None else unit_field_of(queryset.model)
    return queryset.filter(scope_filter(user, action, field))


def visible_units(user: Actor, action: Action | str = Action.UNIT_VIEW) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user, action)


def path_scope_filter(user: Actor, action: Action | str, path_field: str) -> Q:
    """Like :func:`scope_filter` for rows that store a scope path string instead of a unit FK
    (audit events: a unit path, or ``"a<agency id>/"`` for agency-level records)."""

    def by_grants(grants: list[Grant]) -> Q:
        query = Q(pk__in=[])
        agency_ids = {grant.agency_id for grant in grants if grant.unit_path is None and grant.agency_id is not None}
        for grant in grants:
            if grant.unit_path is not None:
                query |= Q(**{f"{path_field}__startswith": grant.unit_path})
        if agency_ids:
            query |= Q(**{f"{path_field}__in": [f"a{pk}/" for pk in agency_ids]})
            for root_path in Unit.objects.filter(agency_id__in=agency_ids, depth=0).values_list("path", flat=True):
                query |= Q(**{f"{path_field}__startswith": root_path})
        return query

    return _grant_filter(user, action, by_grants)
