"""Reads of the organisation model, always cut to what the person may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from zi.core.actors import Actor
from zi.organisations.access import Action, restrict
from zi.organisations.models import RoleAssignment, Unit

if TYPE_CHECKING:
    from zi.accounts.models import User

PEOPLE_SHOWN = 20


def unit_list(*, user: Actor, query: str = "", root: Unit | None = None) -> QuerySet[Unit]:
    units = restrict(Unit.objects.all(), user, Action.UNIT_VIEW)
    if root is not None:
        units = units.filter(path__startswith=root.path)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return units.select_related("unit_type", "agency", "parent").order_by("agency__name", "path")


def unit_children(*, user: Actor, unit: Unit) -> QuerySet[Unit]:
    children = restrict(unit.children.all(), user, Action.UNIT_VIEW)
    return children.select_related("unit_type").annotate(n_children=Count("children")).order_by("name")


def people_for_roles(*, user: Actor, unit: Unit, query: str = "") -> QuerySet[User]:
    """Whom ``user`` may give a role at ``unit``: active people of the unit's agency whose own unit lies within
    the part of the tree ``user`` manages people in, matched by name, username or NIP; with their roles."""
    people = restrict(
        get_user_model().objects.filter(is_active=True, unit__agency_id=unit.agency_id),
        user,
        Action.PEOPLE_MANAGE,
    )
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(username__icontains=query) | Q(nip__icontains=query))
    in_agency = Q(unit__agency_id=unit.agency_id) | Q(agency_id=unit.agency_id)
    roles = RoleAssignment.objects.filter(in_agency).select_related("unit").order_by("role")
    return (
        people.select_related("unit")
        .prefetch_related(Prefetch("role_assignments", queryset=roles))
        .order_by("full_name", "username")
    )


def public_unit(pk: int) -> Unit | None:
    """The unit a public form (a complaint, a whistle-blowing report) is sent to: only an active one."""
    return Unit.objects.filter(pk=pk, is_active=True).select_related("agency").first()
