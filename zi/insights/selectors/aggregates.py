"""The aggregates: the summary, coverage, funnel, region groups and rankings, areas, indices, trend and warnings,
each a fixed number of queries over the scoped rollups."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Max, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr
from django.utils.translation import gettext as _

from zi.assessments.models import AssessmentStatus, Period
from zi.core.actors import Actor
from zi.insights.models import AREA_FIELDS, FUNNEL, UnitPeriodRollup
from zi.insights.rules import ORDER, TITLES
from zi.insights.selectors.common import RANKING_ROWS, Cell, Table, _avg, _Links, list_url, top_units
from zi.lke.content_names import content_name
from zi.lke.services import template_spec
from zi.organisations.models import Unit

_AREA_AVGS = {f"avg_{f}": Avg(f, filter=Q(participates=True, total__isnull=False)) for f in AREA_FIELDS}


def value_rows(qs: QuerySet[Any, Any]) -> list[dict[str, Any]]:
    """The rows of a ``values()`` queryset as dicts (typed loosely: the plugin cannot see ``annotate(**…)`` keys)."""
    return list(qs)


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
        rows = value_rows(
            qs.filter(builds_zi=True)
            .values("unit_type_id", "unit_type__name")
            .annotate(**COVERAGE_AGGS)
            .order_by("-units", "unit_type__name")  # type: ignore[misc]  # "units" comes from COVERAGE_AGGS
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
    user: Actor, qs: QuerySet[UnitPeriodRollup], node: Unit | None, aggs: dict[str, Any] | None = None
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
                Cell(content_name(name)),
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
        rows = value_rows(
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
