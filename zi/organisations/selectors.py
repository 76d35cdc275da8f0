"""Reads of the organisation model, always cut to what the person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from zi.organisations.access import Action, restrict
from zi.organisations.models import Unit


def unit_list(*, user: Any, query: str = "", root: Unit | None = None) -> QuerySet[Unit]:
    units = restrict(Unit.objects.all(), user, Action.UNIT_VIEW, unit_field="")
    if root is not None:
        units = units.filter(path__startswith=root.path)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return units.select_related("unit_type", "agency", "parent").order_by("agency__name", "path")


def unit_children(*, user: Any, unit: Unit) -> QuerySet[Unit]:
    children = restrict(unit.children.all(), user, Action.UNIT_VIEW, unit_field="")
    return children.select_related("unit_type").annotate(n_children=Count("children")).order_by("name")
