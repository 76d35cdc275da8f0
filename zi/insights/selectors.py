"""Reads for the dashboards, always scoped with ``access.restrict(…, Action.DASHBOARD_VIEW)`` and always a fixed
number of aggregate queries over :class:`UnitPeriodRollup`, whatever the number of units below the node.

Every number is a :class:`Cell` that may link to the filtered unit list behind it; every table is a
:class:`Table` that the page, the CSV and the XLSX download render alike (so they hold the same numbers).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, Max, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zi.assessments.models import AssessmentStatus, Period
from zi.insights.models import AREA_FIELDS, FUNNEL, PeriodSummary, UnitPeriodRollup
from zi.insights.rules import ORDER, TITLES
from zi.lke.services import template_spec
from zi.organisations.access import Action, may, scope_filter
from zi.organisations.models import Unit
from zi.workflow.models import State
from zi.workflow.monitoring import holders_at_risk

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
    return Period.objects.select_related("template").order_by("-year")


def period_for(year: Any) -> Period | None:
    qs = periods()
    try:
        return qs.filter(year=int(year)).first() if year else qs.first()
    except (TypeError, ValueError):
        return qs.first()


def scoped(user: Any, period: Period | None = None, node: Unit | None = None) -> QuerySet[UnitPeriodRollup]:
    """Rollup rows the user may see on dashboards, for one period (or all) and one node's subtree (or all)."""
    qs = UnitPeriodRollup.objects.filter(scope_filter(user, Action.DASHBOARD_VIEW, ""))
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


def sees_everything(user: Any) -> bool:
    """Whether the user's dashboard scope is every unit (a national grant or a superuser)."""
    return scope_filter(user, Action.DASHBOARD_VIEW, "") == EVERYTHING


def top_units(user: Any) -> QuerySet[Unit]:
    """The highest visible nodes: visible units whose parent the user may not see. For a viewer who sees every
    unit these are the roots (``parent IS NULL``, an index lookup); a scoped viewer's tops are computed against
    the scope (``parent NOT IN (visible)``, a scan of the units — 40–50 ms at 100,000 units)."""
    scope = scope_filter(user, Action.DASHBOARD_VIEW, "")
    if scope == EVERYTHING:
        return Unit.objects.filter(parent__isnull=True).order_by("path")
    visible = Unit.objects.filter(scope)
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


# --- aggregates ------------------------------------------------------------------------------------------------

_AREA_AVGS = {f"avg_{f}": Avg(f, filter=Q(participates=True, total__isnull=False)) for f in AREA_FIELDS}


def summary_aggregates() -> dict[str, Any]:
    """The aggregate expressions of :func:`summary` (also what the refresh stores in :class:`PeriodSummary`)."""
    zi = Q(builds_zi=True)
    return dict(
        units=Count("pk", filter=zi),
        building=Count("pk", filter=zi & Q(participates=True)),
        submitted=Count("pk", filter=Q(participates=True) & ~Q(status=AssessmentStatus.DRAFT)),
        wbk=Count("pk", filter=Q(eligible_wbk=True)),
        wbbm=Count("pk", filter=Q(eligible_wbbm=True)),
        with_warnings=Count("pk", filter=Q(warning_count__gt=0)),
        avg_total=Avg("total", filter=Q(participates=True, total__isnull=False)),
        avg_ikm=Avg("ikm"),
        avg_ipak=Avg("ipak"),
        avg_ipkp=Avg("ipkp"),
        n_ikm=Count("ikm"),
        n_ipak=Count("ipak"),
        n_ipkp=Count("ipkp"),
        complaints=Count("pk", filter=Q(complaints__gt=0)),
        pred_wbk=Count("pk", filter=Q(predicate="WBK")),
        pred_wbbm=Count("pk", filter=Q(predicate="WBBM")),
        refreshed_at=Max("refreshed_at"),
        **{
            f"warn_{code}": Count("pk", filter=Q(warning_count__gt=0, warnings__icontains=f'"{code}"'))
            for code in ORDER
        },
        **{f"stage{rank}": Count("pk", filter=Q(stage_rank__gte=rank)) for rank, _label in FUNNEL},
        **_AREA_AVGS,
    )


def summary(qs: QuerySet[UnitPeriodRollup]) -> dict[str, Any]:
    """The headline numbers of a scope, one query."""
    return _finish_summary(qs.aggregate(**summary_aggregates()))


def _finish_summary(data: dict[str, Any]) -> dict[str, Any]:
    data["not_building"] = data["units"] - data["building"]
    data["predicates"] = data["pred_wbk"] + data["pred_wbbm"]
    for key in list(data):
        if key.startswith("avg_"):
            data[key] = _avg(data[key])
    return data


COVERAGE_AGGS = {"units": Count("pk"), "building": Count("pk", filter=Q(participates=True))}


def coverage_table(
    qs: QuerySet[UnitPeriodRollup], period: Period, node: Unit | None, rows: list[dict[str, Any]] | None = None
) -> Table:
    if rows is None:
        rows = list(
            qs.filter(builds_zi=True)
            .values("unit_type_id", "unit_type__name")
            .annotate(**COVERAGE_AGGS)
            .order_by("-units", "unit_type__name")
        )
    table = Table(
        "cakupan",
        _("Cakupan pembangunan ZI per jenis unit"),
        [_("Jenis unit"), _("Unit"), _("Membangun ZI"), _("Belum membangun")],
        chart={"kind": "bar", "label": 0, "values": [2, 3]},
    )
    for row in rows:
        t = row["unit_type_id"]
        table.rows.append(
            [
                Cell(row["unit_type__name"]),
                Cell(row["units"], list_url(period=period, node=node, jenis=t)),
                Cell(row["building"], list_url(period=period, node=node, jenis=t, f="building")),
                Cell(row["units"] - row["building"], list_url(period=period, node=node, jenis=t, f="not_building")),
            ]
        )
    return table


def funnel_table(data: dict[str, Any], period: Period, node: Unit | None) -> Table:
    """The pipeline of the period from the journeys (zi.workflow) in the rollup: units that reached each stage,
    then the predicates awarded (and still held) — every number links to its units."""
    table = Table(
        "tahapan",
        _("Tahapan pembangunan ZI"),
        [_("Tahap"), _("Unit")],
        chart={"kind": "bar", "label": 0, "values": [1]},
        note=_("Unit yang pernah mencapai tahap itu pada periode ini (dikembalikan untuk perbaikan tetap dihitung)."),
    )
    for rank, label in FUNNEL:
        table.rows.append(
            [Cell(str(label)), Cell(data[f"stage{rank}"], list_url(period=period, node=node, f=f"stage{rank}"))]
        )
    table.rows.append(
        [Cell(_("Predikat WBK")), Cell(data["pred_wbk"], list_url(period=period, node=node, f="pred_wbk"))]
    )
    table.rows.append(
        [Cell(_("Predikat WBBM")), Cell(data["pred_wbbm"], list_url(period=period, node=node, f="pred_wbbm"))]
    )
    return table


def summary_depth() -> int:
    """Deepest tree level whose nodes get their own summaries (``ZI_INSIGHTS_SUMMARY_DEPTH``, default 2: agency
    roots, Eselon I units, Kanwil). Deeper nodes have small subtrees and aggregate the rollup."""
    return max(-1, int(getattr(settings, "ZI_INSIGHTS_SUMMARY_DEPTH", 2)))


def summary_min_rows() -> int:
    """Subtrees with at least this many rollup rows in a period (``ZI_INSIGHTS_SUMMARY_MIN_ROWS``, default 500) get
    their coverage and ranking rows summarised too; smaller ones aggregate a few hundred rows in milliseconds."""
    return max(1, int(getattr(settings, "ZI_INSIGHTS_SUMMARY_MIN_ROWS", 500)))


def path_prefix(depth: int) -> Substr:
    """SQL for the path of a row's ancestor at ``depth`` (``"12/34/"`` of ``"12/34/56/"`` for depth 1), for rows at
    that depth or deeper; portable (SUBSTR/INSTR on SQLite, SUBSTRING/STRPOS on PostgreSQL)."""
    end: Any = StrIndex("path", Value("/"))
    for _level in range(depth):
        end = end + StrIndex(Substr("path", end + 1), Value("/"))
    return Substr("path", 1, end)


def _child_key(prefix_len: int) -> Substr:
    rest = Substr("path", prefix_len + 1)
    return Substr(rest, 1, StrIndex(rest, Value("/")) - 1)


GROUP_AGGS = {
    "units": Count("pk", filter=Q(builds_zi=True)),
    "building": Count("pk", filter=Q(builds_zi=True, participates=True)),
    "submitted": Count("pk", filter=Q(participates=True) & ~Q(status=AssessmentStatus.DRAFT)),
    "wbk": Count("pk", filter=Q(eligible_wbk=True)),
    "wbbm": Count("pk", filter=Q(eligible_wbbm=True)),
    "avg_total": Avg("total", filter=Q(participates=True, total__isnull=False)),
    "proposed": Count("pk", filter=Q(stage_rank__gte=6)),
    "pred_wbk": Count("pk", filter=Q(predicate="WBK")),
    "pred_wbbm": Count("pk", filter=Q(predicate="WBBM")),
}


# The survey indices of a region: the mean of its units' rollup values (units without a value are left out).
INDEX_AGGS = {"avg_ikm": Avg("ikm"), "avg_ipak": Avg("ipak"), "avg_ipkp": Avg("ipkp")}


def groups(
    user: Any, qs: QuerySet[UnitPeriodRollup], node: Unit | None, aggs: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Per child region: the node's children; at the top, agencies (several visible) or the top visible nodes.
    ``aggs``: the aggregates per region (default :data:`GROUP_AGGS`; the leaders' report adds :data:`INDEX_AGGS`)."""
    aggs = GROUP_AGGS if aggs is None else aggs
    if node is not None:
        rows = list(
            qs.filter(depth__gt=node.depth).annotate(child=_child_key(len(node.path))).values("child").annotate(**aggs)
        )
        units = Unit.objects.in_bulk([int(r["child"]) for r in rows if r["child"]])
        return [
            {**r, "name": units[int(r["child"])].name, "unit": units[int(r["child"])]}
            for r in rows
            if r["child"] and int(r["child"]) in units
        ]
    agencies = list(qs.values("agency_id", "agency__name").annotate(**aggs))
    if len(agencies) > 1:
        return [{**r, "name": r["agency__name"], "unit": None} for r in agencies]
    tops = list(top_units(user)[:200])
    if not tops:
        return []
    per_top = {}
    for top in tops:
        inside = Q(path__startswith=top.path)
        per_top.update(
            {
                f"{key}_{top.pk}": type(agg)(
                    agg.source_expressions[0], filter=inside & agg.filter if agg.filter is not None else inside
                )
                for key, agg in aggs.items()
            }
        )
    data = qs.aggregate(**per_top)
    return [{**{key: data[f"{key}_{top.pk}"] for key in aggs}, "name": top.name, "unit": top} for top in tops]


def ranking_tables(groups_: list[dict[str, Any]], period: Period) -> list[Table]:
    headers = [
        _("Peringkat"),
        _("Wilayah/unit"),
        _("Unit"),
        _("Membangun ZI"),
        _("Dikirim"),
        _("Layak WBK"),
        _("Layak WBBM"),
        _("Rata-rata nilai"),
        _("Diusulkan ke TPN"),
        _("Predikat WBK"),
        _("Predikat WBBM"),
    ]

    links = _Links(period)
    cells: dict[int, list[Cell]] = {}
    for index, g in enumerate(groups_):  # the cells of a group, shared by the four rankings
        unit = g["unit"]

        def link(unit: Unit | None = unit, **kw: Any) -> str | None:
            return links.unit_list(unit, **kw) if unit else None

        cells[index] = [
            Cell(g["name"], links.node(unit) if unit else None),
            Cell(g["units"], link()),
            Cell(g["building"], link(f="building")),
            Cell(g["submitted"], link(f="submitted")),
            Cell(g["wbk"], link(f="wbk")),
            Cell(g["wbbm"], link(f="wbbm")),
            Cell(_avg(g["avg_total"]), link(f="building")),
            Cell(g["proposed"], link(f="stage6")),
            Cell(g["pred_wbk"], link(f="pred_wbk")),
            Cell(g["pred_wbbm"], link(f="pred_wbbm")),
        ]

    def build(key: str, title: str, order: Any, value_col: int) -> Table:
        table = Table(
            key, title, list(headers), chart={"kind": "bar", "label": 1, "values": [value_col]}, shown=RANKING_ROWS
        )
        ordered = sorted(range(len(groups_)), key=lambda i: order(groups_[i]))
        table.rows = [[Cell(rank), *cells[i]] for rank, i in enumerate(ordered, start=1)]
        return table

    return [
        build(
            "peringkat_partisipasi",
            _("Peringkat menurut jumlah unit yang membangun ZI"),
            lambda g: (-g["building"], -(g["avg_total"] or 0), g["name"]),
            3,
        ),
        build(
            "peringkat_nilai",
            _("Peringkat menurut rata-rata nilai penilaian mandiri"),
            lambda g: (-(g["avg_total"] or -1), -g["building"], g["name"]),
            7,
        ),
        build(
            "peringkat_usulan",
            _("Peringkat menurut jumlah unit yang diusulkan ke TPN"),
            lambda g: (-g["proposed"], -(g["pred_wbk"] + g["pred_wbbm"]), g["name"]),
            8,
        ),
        build(
            "peringkat_predikat",
            _("Peringkat menurut predikat yang ditetapkan (WBBM, lalu WBK)"),
            lambda g: (-g["pred_wbbm"], -g["pred_wbk"], -g["proposed"], g["name"]),
            9,
        ),
    ]


def area_table(data: dict[str, Any], period: Period, node: Unit | None) -> Table:
    spec = template_spec(period.template)
    wbk, wbbm = spec.thresholds.get("WBK"), spec.thresholds.get("WBBM")
    table = Table(
        "area",
        _("Rata-rata nilai per area perubahan (penilaian mandiri)"),
        [_("Area"), _("Bobot"), _("Rata-rata"), _("Minimum WBK"), _("Minimum WBBM")],
        chart={"kind": "bar", "label": 0, "values": [2, 1]},
    )
    for index, name in enumerate(spec.area_names):
        weight = float(spec.area_weights[index])
        table.rows.append(
            [
                Cell(name),
                Cell(round(weight, 2)),
                Cell(data.get(f"avg_{AREA_FIELDS[index]}"), list_url(period=period, node=node, f="building")),
                Cell(round(weight * wbk.per_area_min_fraction, 2) if wbk else None),
                Cell(round(weight * wbbm.per_area_min_fraction, 2) if wbbm else None),
            ]
        )
    if spec.settings.per_area_minimum != "area":
        table.note = _("Template ini memeriksa minimum per aspek (%(mode)s).") % {
            "mode": spec.settings.per_area_minimum
        }
    return table


def index_table(data: dict[str, Any], period: Period, node: Unit | None) -> Table:
    table = Table(
        "indeks",
        _("Indeks survei (rata-rata unit yang memiliki nilai)"),
        [_("Indeks"), _("Rata-rata"), _("Unit dengan nilai"), _("Skala")],
    )
    for key, label, scale in (("ikm", "IKM", "25–100"), ("ipak", "IPAK", "0–4"), ("ipkp", "IPKP", "0–4")):
        table.rows.append(
            [
                Cell(label),
                Cell(data[f"avg_{key}"]),
                Cell(data[f"n_{key}"], list_url(period=period, node=node, f="building", urut=key)),
                Cell(scale),
            ]
        )
    return table


def trend_table(
    qs_all_periods: QuerySet[UnitPeriodRollup],
    node: Unit | None,
    rows: list[dict[str, Any]] | None = None,
    years: dict[int, Period] | None = None,
) -> Table:
    if rows is None:
        rows = list(
            qs_all_periods.values("period__year")
            .annotate(**GROUP_AGGS, avg_ikm=Avg("ikm"), avg_ipkp=Avg("ipkp"))
            .order_by("period__year")
        )
    table = Table(
        "tren",
        _("Tren antartahun"),
        [
            _("Tahun"),
            _("Membangun ZI"),
            _("Dikirim"),
            _("Layak WBK"),
            _("Layak WBBM"),
            _("Rata-rata nilai"),
            _("Rata-rata IKM"),
            _("Rata-rata IPKP"),
            _("Diusulkan ke TPN"),
            _("Predikat WBK"),
            _("Predikat WBBM"),
        ],
        chart={"kind": "line", "label": 0, "values": [1, 3, 4, 9, 10]},
    )
    if years is None:
        years = {p.year: p for p in Period.objects.filter(year__in=[r["period__year"] for r in rows])}
    for r in rows:
        period = years[r["period__year"]]
        table.rows.append(
            [
                Cell(r["period__year"]),
                Cell(r["building"], list_url(period=period, node=node, f="building")),
                Cell(r["submitted"], list_url(period=period, node=node, f="submitted")),
                Cell(r["wbk"], list_url(period=period, node=node, f="wbk")),
                Cell(r["wbbm"], list_url(period=period, node=node, f="wbbm")),
                Cell(_avg(r["avg_total"])),
                Cell(_avg(r["avg_ikm"])),
                Cell(_avg(r["avg_ipkp"])),
                Cell(r["proposed"], list_url(period=period, node=node, f="stage6")),
                Cell(r["pred_wbk"], list_url(period=period, node=node, f="pred_wbk")),
                Cell(r["pred_wbbm"], list_url(period=period, node=node, f="pred_wbbm")),
            ]
        )
    return table


def warning_table(data: dict[str, Any], period: Period, node: Unit | None) -> Table:
    """Units per early-warning pattern (counted in :func:`summary`'s aggregate)."""
    table = Table(
        "peringatan",
        _("Peringatan dini"),
        [_("Pola kegagalan"), _("Unit")],
        chart={"kind": "bar", "label": 0, "values": [1]},
    )
    for code in ORDER:
        table.rows.append(
            [
                Cell(str(TITLES[code])),
                Cell(data[f"warn_{code}"], list_url(period=period, node=node, f="warnings", pola=code)),
            ]
        )
    return table


@dataclass
class Dashboard:
    period: Period
    node: Unit | None
    summary: dict[str, Any]
    tables: list[Table]
    refreshed_at: Any

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


ROLLUP_VERSION_KEY = "zi:insights:rollup-version"


def rollup_version() -> str:
    """A token that changes whenever a rollup refresh finishes (:func:`bump_rollup_version`): part of every cached
    dashboard's key, so a refresh makes all cached dashboards stale at once."""
    version = cache.get(ROLLUP_VERSION_KEY)
    if version is None:
        cache.add(ROLLUP_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(ROLLUP_VERSION_KEY) or "none"
    return version


def bump_rollup_version() -> None:
    cache.set(ROLLUP_VERSION_KEY, uuid.uuid4().hex, None)


def _cache_key(user: Any, period: Period, node: Unit | None) -> str:
    """Same rows visible (the scope filter of the user's dashboard grants), period, node, language, rollup."""
    scope = str(scope_filter(user, Action.DASHBOARD_VIEW, ""))
    raw = f"{rollup_version()}|{scope}|{period.pk}|{node.pk if node else ''}|{get_language()}"
    return "zi:insights:dash:" + hashlib.sha256(raw.encode()).hexdigest()


def _top_groups_from_summaries(user: Any, period: Period) -> list[dict[str, Any]] | None:
    """The ranking rows of a national overview over one agency (its top nodes) from the top nodes' summaries, or
    None when one of them has none in this period (a leaf, or summaries written before node summaries)."""
    tops = list(top_units(user)[:200])
    found = {
        r.path: r.data
        for r in PeriodSummary.objects.filter(
            level=PeriodSummary.NODE, period=period, path__in=[top.path for top in tops]
        )
    }
    if not tops or any(top.path not in found for top in tops):
        return None
    return [{**{key: found[top.path][key] for key in GROUP_AGGS}, "name": top.name, "unit": top} for top in tops]


def _from_summaries(user: Any, period: Period) -> Dashboard | None:
    """The national dashboard of a viewer who sees every unit, from :class:`PeriodSummary` (one query for the
    period's rows and the trend, one to check every period has been summarised). None when the summaries cannot
    stand in for the rollup: a narrower scope, or a period summarised by no refresh yet (then the rollup is read)."""
    if not sees_everything(user):
        return None
    rows = list(
        PeriodSummary.objects.filter(
            Q(period=period, level__in=(PeriodSummary.AGENCY, PeriodSummary.TYPE)) | Q(level=PeriodSummary.ALL)
        )
        .select_related("period", "agency", "unit_type")
        .order_by("level", "-units", "unit_type__name", "agency_id")
    )
    totals = {r.period_id: r for r in rows if r.level == PeriodSummary.ALL}
    current = totals.get(period.pk)
    if current is None or not current.data["rows"] or len(totals) != Period.objects.count():
        return None
    data = {key: current.data[key] for key in summary_aggregates()}
    data = _finish_summary({**data, "refreshed_at": parse_datetime(data["refreshed_at"])})
    qs = scoped(user, period, None)
    agencies = [
        {**r.data, "agency_id": r.agency_id, "name": r.agency.name, "unit": None}
        for r in rows
        if r.level == PeriodSummary.AGENCY and r.period_id == period.pk
    ]
    groups_ = agencies if len(agencies) > 1 else _top_groups_from_summaries(user, period) or groups(user, qs, None)
    coverage = [
        {**r.data, "unit_type_id": r.unit_type_id, "unit_type__name": r.unit_type.name}
        for r in rows
        if r.level == PeriodSummary.TYPE and r.period_id == period.pk
    ]
    trend = [
        {**r.data, "period__year": r.period.year}
        for r in sorted(totals.values(), key=lambda r: r.period.year)
        if r.data["rows"]
    ]
    tables = [
        coverage_table(qs, period, None, coverage),
        funnel_table(data, period, None),
        *ranking_tables(groups_, period),
        area_table(data, period, None),
        index_table(data, period, None),
        warning_table(data, period, None),
        trend_table(qs, None, trend, {r.period.year: r.period for r in totals.values()}),
    ]
    return Dashboard(period, None, data, tables, data["refreshed_at"])


def _sees_whole_subtree(user: Any, node: Unit) -> bool:
    """Whether the viewer's dashboard scope holds every row under ``node`` (then the node's summaries, computed over
    all those rows, are what the rollup would give them): a global grant, a grant on the node's agency, or a subtree
    grant at or above the node. Any other shape of scope answers False (the rollup is read)."""
    scope = scope_filter(user, Action.DASHBOARD_VIEW, "")
    if scope == EVERYTHING:
        return True
    if scope.negated or scope.connector != Q.OR:
        return False
    for child in scope.children:
        if isinstance(child, tuple):
            key, value = child
            if key == "path__startswith" and node.path.startswith(value):
                return True
            if key == "agency_id" and value == node.agency_id:
                return True
    return False


def _node_from_summaries(user: Any, period: Period, node: Unit) -> Dashboard | None:
    """A node's dashboard from its :class:`PeriodSummary` rows (one query, plus ``in_bulk`` for the children's
    names), when the node is summarised (depth ≤ :func:`summary_depth`, ``detail`` in this period), the viewer sees
    its whole subtree and every period was summarised with node rows. Else None: the rollup is read."""
    if node.depth > summary_depth() or not _sees_whole_subtree(user, node):
        return None
    rows = list(
        PeriodSummary.objects.filter(
            Q(level=PeriodSummary.ALL)
            | Q(path=node.path, level=PeriodSummary.NODE)
            | Q(path=node.path, period=period, level__in=(PeriodSummary.NODE_TYPE, PeriodSummary.NODE_CHILD))
        )
        .select_related("period", "unit_type")
        .order_by("level", "-units", "unit_type__name", "pk")
    )
    totals = {r.period_id: r for r in rows if r.level == PeriodSummary.ALL}
    if len(totals) != Period.objects.count() or any(r.data.get("node_depth", -1) < node.depth for r in totals.values()):
        return None  # some period summarised before node summaries existed (or not at all)
    own = {r.period_id: r for r in rows if r.level == PeriodSummary.NODE}
    current = own.get(period.pk)
    if current is None or not current.data.get("detail"):
        return None
    missing = [pk for pk, r in totals.items() if pk not in own and r.data["rows"]]
    if missing and UnitPeriodRollup.objects.filter(path=node.path, period_id__in=missing).exists():
        return None  # a period where the node was a leaf with its own row: its trend point needs the rollup
    data = {key: current.data[key] for key in summary_aggregates()}
    data = _finish_summary({**data, "refreshed_at": parse_datetime(data["refreshed_at"])})
    qs = scoped(user, period, node)
    coverage = [
        {**r.data, "unit_type_id": r.unit_type_id, "unit_type__name": r.unit_type.name}
        for r in rows
        if r.level == PeriodSummary.NODE_TYPE
    ]
    child_rows = [r.data for r in rows if r.level == PeriodSummary.NODE_CHILD]
    units = Unit.objects.in_bulk([r["child"] for r in child_rows])
    groups_ = [
        {**r, "name": units[r["child"]].name, "unit": units[r["child"]]} for r in child_rows if r["child"] in units
    ]
    trend = [{**r.data, "period__year": r.period.year} for r in sorted(own.values(), key=lambda r: r.period.year)]
    tables = [
        coverage_table(qs, period, node, coverage),
        funnel_table(data, period, node),
        *ranking_tables(groups_, period),
        area_table(data, period, node),
        index_table(data, period, node),
        warning_table(data, period, node),
        trend_table(qs, node, trend, {r.period.year: r.period for r in own.values()}),
    ]
    return Dashboard(period, node, data, tables, data["refreshed_at"])


def _build_dashboard(user: Any, period: Period, node: Unit | None) -> Dashboard:
    fast = _from_summaries(user, period) if node is None else _node_from_summaries(user, period, node)
    if fast is not None:
        return fast
    qs = scoped(user, period, node)
    data = summary(qs)
    tables = [
        coverage_table(qs, period, node),
        funnel_table(data, period, node),
        *ranking_tables(groups(user, qs, node), period),
        area_table(data, period, node),
        index_table(data, period, node),
        warning_table(data, period, node),
        trend_table(scoped(user, None, node), node),
    ]
    return Dashboard(period, node, data, tables, data["refreshed_at"])


def dashboard(*, user: Any, period: Period, node: Unit | None = None) -> Dashboard:
    """Everything a dashboard shows, in a fixed number of queries (about ten) for any size of subtree.

    The result is cached for ``ZI_INSIGHTS_CACHE_SECONDS`` (default 600; 0 turns it off) under a key made of the
    user's dashboard scope, the period, the node, the language and :func:`rollup_version` — the rollup changes only
    when a refresh runs, and every refresh changes the version. Callers check access to the node first."""
    timeout = int(getattr(settings, "ZI_INSIGHTS_CACHE_SECONDS", 600))
    if timeout <= 0:
        return _build_dashboard(user, period, node)
    key = _cache_key(user, period, node)
    cached = cache.get(key)
    if cached is None:
        cached = _build_dashboard(user, period, node)
        cache.set(key, cached, timeout)
    return cached


def risk_rows(*, user: Any, period: Period, node: Unit | None = None, limit: int = 8) -> list[dict[str, Any]]:
    """Who is at risk and why, for the leader's first screen: the first ``limit`` units of the scope with early
    warnings (tree order) and the titles of their patterns, from the rollup in one query — cached like
    :func:`dashboard` (same key, so a refresh renews both). The explanations are on the warning list."""
    timeout = int(getattr(settings, "ZI_INSIGHTS_CACHE_SECONDS", 600))
    key = _cache_key(user, period, node) + ":risks" if timeout > 0 else ""
    cached = cache.get(key) if key else None
    if cached is None:
        rows = unit_rows(user=user, period=period, node=node, f="warnings")[:limit]
        cached = [
            {"unit_id": r.unit_id, "unit": r.unit.name, "titles": [str(TITLES[c]) for c in r.warnings if c in TITLES]}
            for r in rows
        ]
        if key:
            cache.set(key, cached, timeout)
    return cached


# --- the unit list behind every number ------------------------------------------------------------------------


def unit_rows(
    *, user: Any, period: Period, node: Unit | None = None, f: str = "all", params: dict[str, Any] | None = None
) -> QuerySet[UnitPeriodRollup]:
    params = params or {}
    qs = scoped(user, period, node).select_related("unit", "unit_type")
    if f in ("building", "not_building") or params.get("jenis"):
        qs = qs.filter(builds_zi=True)
    if f == "building":
        qs = qs.filter(participates=True)
    elif f == "not_building":
        qs = qs.filter(participates=False)
    elif f == "submitted":
        qs = qs.filter(participates=True).exclude(status=AssessmentStatus.DRAFT)
    elif f == "wbk":
        qs = qs.filter(eligible_wbk=True)
    elif f == "wbbm":
        qs = qs.filter(eligible_wbbm=True)
    elif f == "warnings":
        qs = qs.filter(warning_count__gt=0)
    elif f == "pred_wbk":
        qs = qs.filter(predicate="WBK")
    elif f == "pred_wbbm":
        qs = qs.filter(predicate="WBBM")
    elif f == "predicate":
        qs = qs.exclude(predicate="")
    elif f in STAGE_FILTERS:
        qs = qs.filter(stage_rank__gte=int(f.removeprefix("stage")))
    if params.get("jenis"):
        try:
            qs = qs.filter(unit_type_id=int(params["jenis"]))
        except (TypeError, ValueError):
            qs = qs.none()
    if params.get("status"):
        qs = qs.filter(status=params["status"], participates=True)
    if params.get("q"):
        qs = qs.filter(unit__name__icontains=params["q"])
    rows = qs.order_by("path")
    pattern = params.get("pola")
    if pattern in ORDER:
        # JSON containment differs per database; filter the (already narrowed) rows by code in Python is avoided
        # by matching the serialised list text, which both SQLite and PostgreSQL store as JSON.
        rows = rows.filter(warnings__icontains=f'"{pattern}"')
    return rows


UNIT_HEADERS = (
    gettext_lazy("Unit"),
    gettext_lazy("Jenis unit"),
    gettext_lazy("Status LKE"),
    gettext_lazy("Nilai"),
    gettext_lazy("Layak WBK"),
    gettext_lazy("Layak WBBM"),
    gettext_lazy("IKM"),
    gettext_lazy("IPAK"),
    gettext_lazy("IPKP"),
    gettext_lazy("Pengaduan"),
    gettext_lazy("Peringatan"),
    gettext_lazy("Tahap"),
    gettext_lazy("Predikat"),
)


def unit_table(rows: Any, period: Period) -> Table:
    status_labels = dict(AssessmentStatus.choices)
    stage_labels = dict(State.choices)
    table = Table("unit", _("Daftar unit"), [str(h) for h in UNIT_HEADERS])
    for r in rows:
        table.rows.append(
            [
                Cell(r.unit.name, reverse("insights:unit_page", args=[r.unit_id]) + f"?periode={period.year}"),
                Cell(r.unit_type.name),
                Cell(
                    str(status_labels.get(r.status, _("Belum membangun"))) if r.participates else _("Belum membangun")
                ),
                Cell(r.total),
                Cell(_("Ya") if r.eligible_wbk else _("Tidak")),
                Cell(_("Ya") if r.eligible_wbbm else _("Tidak")),
                Cell(r.ikm),
                Cell(r.ipak),
                Cell(r.ipkp),
                Cell(r.complaints),
                Cell(", ".join(str(TITLES[c]) for c in r.warnings if c in TITLES)),
                Cell(str(stage_labels.get(r.stage, "")) if r.stage else ""),
                Cell(r.predicate),
            ]
        )
    return table


def node_for(user: Any, pk: int) -> Unit | None:
    """A node the user may see dashboards of (None when out of scope)."""
    unit = Unit.objects.select_related("agency", "unit_type").filter(pk=pk).first()
    if unit is None or not may(user, Action.DASHBOARD_VIEW, unit):
        return None
    return unit


def at_risk_rows(user: Any, period: Period, node: Unit | None) -> list[dict[str, Any]]:
    """The post-predicate "holders at risk" of the dashboard (``insights/partials/at_risk.html``) as plain data,
    cached like the dashboard (``ZI_INSIGHTS_CACHE_SECONDS``): a monitoring record, complaint or survey refreshes the
    rollup, which changes the key; what only time changes (a report falling overdue) shows the next day at the latest
    (the key holds the date) or when the cache expires."""
    timeout = int(getattr(settings, "ZI_INSIGHTS_CACHE_SECONDS", 600))
    scope = f"{scope_filter(user, Action.DASHBOARD_VIEW, '')}|{scope_filter(user, Action.TPI_SCORE, '')}"
    raw = f"{rollup_version()}|{scope}|{period.pk}|{node.pk if node else ''}|{get_language()}|{timezone.localdate()}"
    key = "zi:insights:at-risk:" + hashlib.sha256(raw.encode()).hexdigest()
    rows = cache.get(key) if timeout > 0 else None
    if rows is None:
        rows = [
            {
                "award": {"pk": r.award.pk, "year": r.award.year},
                "unit": {"name": r.unit.name},
                "predicate": r.predicate,
                "reasons": [{"code": reason.code, "text": reason.text} for reason in r.reasons],
            }
            for r in holders_at_risk(user, period, under=node)
        ]
        if timeout > 0:
            cache.set(key, rows, timeout)
    return rows
