"""What the dashboard reads share: cells and tables, the unit-list filters, periods, the scoped rollups and the
links from a number to the unit list behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse

from zi.assessments.models import Period
from zi.core.actors import Actor
from zi.insights.models import FUNNEL, UnitPeriodRollup
from zi.lke.services import with_template
from zi.organisations.access import Action, restrict, scope_filter, visible_units
from zi.organisations.models import Unit

EVERYTHING = Q(pk__isnull=False)  # what scope_filter returns for a viewer who sees every unit
RANKING_ROWS = 10  # ranking rows shown on a dashboard page (the downloads and the "all" view carry every row)
STAGE_FILTERS = tuple(f"stage{rank}" for rank, _label in FUNNEL)
LIST_FILTERS = (
    "all",
    "building",
    "not_building",
    "submitted",
    "wbk",
    "wbbm",
    "warnings",
    "pred_wbk",
    "pred_wbbm",
    "predicate",
    *STAGE_FILTERS,
)


@dataclass
class Cell:
    value: Any
    href: str | None = None

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: dict[str, Any] | None = None  # {"kind": "bar"|"line", "label": col, "values": [cols], "max": n}
    note: str = ""
    shown: int | None = None  # rows rendered on the page unless all are asked for (None: all); downloads carry all

    def page_rows(self, everything: bool = False) -> list[list[Cell]]:
        """The rows a page renders: the first :attr:`shown` ones, or all of them when ``everything``."""
        return self.rows if everything or self.shown is None else self.rows[: self.shown]

    def plain_rows(self) -> list[list[Any]]:
        return [[cell.value for cell in row] for row in self.rows]


def _avg(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def periods() -> QuerySet[Period]:
    return with_template(Period.objects.all()).order_by("-year")


def period_for(year: Any) -> Period | None:
    qs = periods()
    try:
        return qs.filter(year=int(year)).first() if year else qs.first()
    except (TypeError, ValueError):
        return qs.first()


def scoped(user: Actor, period: Period | None = None, node: Unit | None = None) -> QuerySet[UnitPeriodRollup]:
    """Rollup rows the user may see on dashboards, for one period (or all) and one node's subtree (or all)."""
    qs = restrict(UnitPeriodRollup.objects.all(), user, Action.DASHBOARD_VIEW)
    if period is not None:
        qs = qs.filter(period=period)
    if node is not None:
        qs = qs.filter(path__startswith=node.path)
        if connection.vendor == "sqlite" and node.path.endswith("/"):
            # SQLite's LIKE is case-insensitive, so it never uses the (period, path) index for a prefix; paths are
            # digits and "/" compared with BINARY collation, so the subtree is also the range [prefix, prefix
            # with its final "/" raised to "0"), which the index serves. (PostgreSQL: varchar_pattern_ops index.)
            qs = qs.filter(path__gte=node.path, path__lt=node.path[:-1] + "0")
    return qs


def sees_everything(user: Actor) -> bool:
    """Whether the user's dashboard scope is every unit (a national grant or a superuser)."""
    return scope_filter(user, Action.DASHBOARD_VIEW, "") == EVERYTHING


def top_units(user: Actor) -> QuerySet[Unit]:
    """The highest visible nodes: visible units whose parent the user may not see. For a viewer who sees every
    unit these are the roots (``parent IS NULL``, an index lookup); a scoped viewer's tops are computed against
    the scope (``parent NOT IN (visible)``, a scan of the units — 40–50 ms at 100,000 units)."""
    if sees_everything(user):
        return Unit.objects.filter(parent__isnull=True).order_by("path")
    visible = visible_units(user, Action.DASHBOARD_VIEW)
    return visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk"))).order_by("path")


def list_url(*, period: Period, node: Unit | None = None, **params: Any) -> str:
    query = {"periode": period.year, **({"unit": node.pk} if node else {}), **params}
    return reverse("insights:unit_list") + "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})


class _Links:
    """Links of one dashboard, built by string formatting from URL prefixes reversed once (a national page has
    thousands of linked numbers; ``reverse`` + ``urlencode`` per number was a third of its render time)."""

    def __init__(self, period: Period) -> None:
        self.year = period.year
        self.list_prefix = reverse("insights:unit_list") + f"?periode={period.year}"
        self.node_prefix = reverse("insights:node", args=[0]).removesuffix("0/")

    def unit_list(self, node: Unit | None = None, **params: Any) -> str:
        url = self.list_prefix + (f"&unit={node.pk}" if node else "")
        return url + "".join(f"&{k}={v}" for k, v in params.items() if v not in (None, ""))

    def node(self, unit: Unit) -> str:
        return f"{self.node_prefix}{unit.pk}/?periode={self.year}"
