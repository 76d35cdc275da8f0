"""The one place that answers "may this person do this on that object" and "which objects may they see".

A role is held at a node (a unit's subtree, a whole agency, or nationally). Each role grants a set of
actions. :func:`may` checks one object; :func:`scope_filter` turns the same rule into a queryset filter so
lists, exports and the API never load what the person may not see.

Objects are placed in the tree by their unit: pass a :class:`Unit`, or any object whose ``unit``
attribute (or ``scope_unit()`` method) gives one. Querysets name the path to their unit with
``unit_field`` (``"unit"``, ``"assessment__unit"``, or ``""`` for the Unit model itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

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


_UNIT_TEAM = {
    Action.UNIT_VIEW,
    Action.ASSESSMENT_VIEW_DRAFT,
    Action.ASSESSMENT_VIEW_SUBMITTED,
    Action.ASSESSMENT_ANSWER,
    Action.EVIDENCE_UPLOAD,
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
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


def grants_for(user: Any) -> list[Grant]:
    """The user's role grants, loaded once per user object (one query)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_zi_grants", None)
    if cached is None:
        cached = [
            Grant(role=role, agency_id=agency_id, unit_path=unit_path)
            for role, agency_id, unit_path in RoleAssignment.objects.filter(user=user).values_list(
                "role", "agency_id", "unit__path"
            )
        ]
        user._zi_grants = cached
    return cached


def forget_grants(user: Any) -> None:
    """Drop the per-object cache after the user's roles changed."""
    if hasattr(user, "_zi_grants"):
        del user._zi_grants


def roles_of(user: Any) -> set[str]:
    return {grant.role for grant in grants_for(user)}


def _grants_with(user: Any, action: Action | str) -> list[Grant]:
    return [g for g in grants_for(user) if action in ROLE_ACTIONS.get(g.role, frozenset())]


def unit_of(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    getter = getattr(obj, "scope_unit", None)
    if callable(getter):
        return getter()
    return getattr(obj, "unit", None)


def may(user: Any, action: Action | str, obj: Any = None) -> bool:
    """May ``user`` do ``action`` on ``obj`` (or anywhere, when ``obj`` is None)?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = _grants_with(user, action)
    if obj is None:
        return bool(grants)
    if isinstance(obj, Agency):
        return any(g.is_global or (g.unit_path is None and g.agency_id == obj.pk) for g in grants)
    unit = unit_of(obj)
    if unit is None:
        return any(g.is_global for g in grants)
    return any(g.covers(unit) for g in grants)


def may_place_unit(user: Any, parent: Unit | None, agency: Agency) -> bool:
    """May ``user`` put a unit directly below ``parent`` (``None``: at the top of ``agency``)?

    The same rule answers "may they move or close this unit" (asked for the unit's current parent): an admin
    restructures only below their own node, so an admin held at a unit can neither close nor move that unit.
    """
    return may(user, Action.UNIT_MANAGE, parent if parent is not None else agency)


def scope_filter(user: Any, action: Action | str, unit_field: str = "unit") -> Q:
    """A filter selecting the rows (placed by ``unit_field``) on which ``user`` may do ``action``.

    Returns a Q that matches nothing when the user has no grant for the action.
    """
    nothing = Q(pk__in=[])
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return nothing
    if user.is_superuser:
        return Q(pk__isnull=False)
    prefix = f"{unit_field}__" if unit_field else ""
    query = nothing
    for grant in _grants_with(user, action):
        if grant.is_global:
            return Q(pk__isnull=False)  # "everything"; a bare Q() would vanish when OR-ed with another Q
        if grant.unit_path is not None:
            query |= Q(**{f"{prefix}path__startswith": grant.unit_path})
        else:
            query |= Q(**{f"{prefix}agency_id": grant.agency_id})
    return query


_M = TypeVar("_M", bound=Model)
_Row = TypeVar("_Row")


def restrict(
    queryset: QuerySet[_M, _Row], user: Any, action: Action | str, unit_field: str = "unit"
) -> QuerySet[_M, _Row]:
    """``queryset`` cut down to what ``user`` may ``action``."""
    return queryset.filter(scope_filter(user, action, unit_field))


def visible_units(user: Any, action: Action | str = Action.UNIT_VIEW) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user, action, unit_field="")


def path_scope_filter(user: Any, action: Action | str, path_field: str) -> Q:
    """Like :func:`scope_filter` for rows that store a scope path string instead of a unit FK
    (audit events: a unit path, or ``"a<agency id>/"`` for agency-level records)."""
    nothing = Q(pk__in=[])
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return nothing
    if user.is_superuser:
        return Q(pk__isnull=False)
    query = nothing
    agency_ids: set[int] = set()
    for grant in _grants_with(user, action):
        if grant.is_global:
            return Q(pk__isnull=False)  # "everything"; a bare Q() would vanish when OR-ed with another Q
        if grant.unit_path is not None:
            query |= Q(**{f"{path_field}__startswith": grant.unit_path})
        elif grant.agency_id is not None:
            agency_ids.add(grant.agency_id)
    if agency_ids:
        query |= Q(**{f"{path_field}__in": [f"a{pk}/" for pk in agency_ids]})
        for root_path in Unit.objects.filter(agency_id__in=agency_ids, depth=0).values_list("path", flat=True):
            query |= Q(**{f"{path_field}__startswith": root_path})
    return query
