"""The browsable unit tree (the "Unit kerja" page): one level at a time, each node with what lies below it.

National scale is ~100,000 units, so the page never renders the tree: it shows the viewer's top nodes and each
node's children when the node is opened (a ``<details>`` whose children htmx loads once; without JavaScript the
node's link opens the page at that node). A level costs a fixed number of queries whatever its size: the nodes
(one), the units below each node (one, grouped by the node's path) and one per registered counter — apps above
this one (``zi.insights``: units building ZI, units holding a predicate) add theirs with
:func:`register_tree_counts`, grouped the same way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr

from zi.core.actors import Actor
from zi.organisations.access import Action, restrict, scope_filter
from zi.organisations.models import Unit

EVERYTHING = Q(pk__isnull=False)  # what scope_filter returns for a viewer who sees every unit
ROOTS_SHOWN = 100  # top nodes per page (a national viewer's agencies)

# counter(units of one level) -> [(label, {unit pk: count}), …]; shown beside the node ("membangun ZI: 3")
TreeCounter = Callable[[Sequence[Unit]], list[tuple[Any, dict[int, int]]]]
_COUNTERS: list[TreeCounter] = []


def register_tree_counts(counter: TreeCounter) -> None:
    if counter not in _COUNTERS:
        _COUNTERS.append(counter)


def ancestor_path(depth: int) -> Substr:
    """SQL for the path of a row's ancestor at ``depth`` ("12/34/" of "12/34/56/" for depth 1), for rows at that
    depth or deeper; portable (SUBSTR/INSTR on SQLite, SUBSTRING/STRPOS on PostgreSQL)."""
    end: Any = StrIndex("path", Value("/"))
    for _level in range(depth):
        end = end + StrIndex(Substr("path", end + 1), Value("/"))
    return Substr("path", 1, end)


def grouped_by_node(rows: QuerySet, units: Sequence[Unit], **aggregates: Any) -> dict[int, dict[str, Any]]:
    """``aggregates`` over ``rows`` (anything with ``path`` and ``depth``) per unit's subtree (the unit itself
    included): one query per depth among ``units`` — a level of the tree is one depth, so one query."""
    result: dict[int, dict[str, Any]] = {}
    by_depth: dict[int, list[Unit]] = {}
    for unit in units:
        by_depth.setdefault(unit.depth, []).append(unit)
    for depth, nodes in by_depth.items():
        by_path = {unit.path: unit.pk for unit in nodes}
        # one prefix for the level (siblings: their parent's path), not one LIKE per node: groups of other
        # nodes at that depth are computed and dropped, which costs less than an OR of a hundred LIKEs per row
        common = os.path.commonprefix(list(by_path))
        common = common[: common.rfind("/") + 1]
        data = (
            rows.filter(path__startswith=common, depth__gte=depth)
            .annotate(node_path=ancestor_path(depth))
            .values("node_path")
            .annotate(**aggregates)
        )
        for row in data:
            pk = by_path.get(row.pop("node_path"))
            if pk is not None:
                result[pk] = row
    return result


@dataclass
class Node:
    unit: Unit
    below: int = 0  # units under it, closed ones included (itself not counted)
    counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def has_children(self) -> bool:
        return self.below > 0


def tree_roots(user: Actor) -> QuerySet[Unit]:
    """The viewer's top nodes: visible units whose parent the viewer may not see (the roots for a viewer who sees
    everything, an index lookup)."""
    scope = scope_filter(user, Action.UNIT_VIEW, "")
    if scope == EVERYTHING:
        units = Unit.objects.filter(parent__isnull=True)
    else:
        visible = Unit.objects.filter(scope)
        units = visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk")))
    return units.select_related("unit_type", "agency").order_by("agency__name", "name")


def tree_children(user: Actor, unit: Unit) -> QuerySet[Unit]:
    children = restrict(Unit.objects.filter(parent=unit), user, Action.UNIT_VIEW, unit_field="")
    return children.select_related("unit_type", "agency").order_by("-is_active", "name")


def tree_nodes(units: Iterable[Unit]) -> list[Node]:
    """The nodes of one level with their counts: one query for the units below, and the counters' (insights: two)."""
    units = list(units)
    if not units:
        return []
    below = grouped_by_node(Unit.objects.all(), units, n=Count("pk"))
    counted = [(str(label), numbers) for counter in _COUNTERS for label, numbers in counter(units)]
    nodes = []
    for unit in units:
        nodes.append(
            Node(
                unit,
                max(0, below.get(unit.pk, {}).get("n", 1) - 1),
                [(label, numbers.get(unit.pk, 0)) for label, numbers in counted],
            )
        )
    return nodes


def ancestors(user: Actor, unit: Unit) -> list[Unit]:
    """The visible units above ``unit``, top first (the breadcrumb of a node opened without JavaScript)."""
    ids = unit.ancestor_ids
    if not ids:
        return []
    found = restrict(Unit.objects.filter(pk__in=ids), user, Action.UNIT_VIEW, unit_field="").in_bulk()
    return [found[i] for i in ids if i in found]
