"""Reads for the dashboards, always scoped with ``access.restrict(…, Action.DASHBOARD_VIEW)`` and always a fixed
number of aggregate queries over :class:`UnitPeriodRollup`, whatever the number of units below the node.

Every number is a :class:`Cell` that may link to the filtered unit list behind it; every table is a
:class:`Table` that the page, the CSV and the XLSX download render alike (so they hold the same numbers).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from zi.assessments.models import AssessmentStatus, Period
from zi.insights.models import AREA_FIELDS, UnitPeriodRollup
from zi.insights.rules import ORDER, TITLES
from zi.lke.services import template_spec
from zi.organisations.access import Action, may, scope_filter
from zi.organisations.models import Agency, Unit

LIST_FILTERS = ("all", "building", "not_building", "submitted", "wbk", "wbbm", "warnings")


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
    return qs


def top_units(user: Any) -> QuerySet[Unit]:
    """The highest visible nodes: visible units whose parent the user may not see."""
    visible = Unit.objects.filter(scope_filter(user, Action.DASHBOARD_VIEW, ""))
    return visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk"))).order_by("path")


def list_url(*, period: Period, node: Unit | None = None, **params: Any) -> str:
    query = {"periode": period.year, **({"unit": node.pk} if node else {}), **params}
    return reverse("insights:unit_list") + "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})


# --- aggregates ------------------------------------------------------------------------------------------------

_AREA_AVGS = {f"avg_{f}": Avg(f, filter=Q(participates=True, total__isnull=False)) for f in AREA_FIELDS}


def summary(qs: QuerySet[UnitPeriodRollup]) -> dict[str, Any]:
    """The headline numbers of a scope, one query."""
    zi = Q(builds_zi=True)
    data = qs.aggregate(
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
        **_AREA_AVGS,
    )
    data["not_building"] = data["units"] - data["building"]
    for key in list(data):
        if key.startswith("avg_"):
            data[key] = _avg(data[key])
    return data


def coverage_table(qs: QuerySet[UnitPeriodRollup], period: Period, node: Unit | None) -> Table:
    rows = (
        qs.filter(builds_zi=True)
        .values("unit_type_id", "unit_type__name")
        .annotate(units=Count("pk"), building=Count("pk", filter=Q(participates=True)))
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


def _workflow_pipeline(period: Period, node: Unit | None, agency: Agency | None) -> dict[str, int] | None:
    if importlib.util.find_spec("zi.workflow.selectors") is None:
        return None
    module = importlib.import_module("zi.workflow.selectors")
    func = getattr(module, "pipeline_counts", None)
    if func is None:
        return None
    return dict(func(root_unit=node, agency=agency, period=period))


def funnel_table(
    qs: QuerySet[UnitPeriodRollup], period: Period, node: Unit | None, agency: Agency | None = None
) -> Table:
    """The pipeline from the workflow app when it is installed (its states), else draft/submitted assessments."""
    table = Table(
        "tahapan",
        _("Tahapan"),
        [_("Tahap"), _("Unit")],
        chart={"kind": "bar", "label": 0, "values": [1]},
    )
    pipeline = _workflow_pipeline(period, node, agency) if (node is not None or agency is not None) else None
    if pipeline is not None:
        table.note = _("Dari alur kerja (pencanangan sampai predikat).")
        for state, count in pipeline.items():
            table.rows.append([Cell(str(state)), Cell(count)])
        return table
    table.note = _("Status LKE penilaian mandiri (alur kerja lengkap belum tersedia).")
    counts = dict(qs.filter(participates=True).values_list("status").annotate(n=Count("pk")))
    for status, label in AssessmentStatus.choices:
        n = counts.get(status, 0)
        table.rows.append([Cell(str(label)), Cell(n, list_url(period=period, node=node, status=status))])
    return table


def _child_key(prefix_len: int) -> Substr:
    rest = Substr("path", prefix_len + 1)
    return Substr(rest, 1, StrIndex(rest, Value("/")) - 1)


_GROUP_AGGS = {
    "units": Count("pk", filter=Q(builds_zi=True)),
    "building": Count("pk", filter=Q(builds_zi=True, participates=True)),
    "submitted": Count("pk", filter=Q(participates=True) & ~Q(status=AssessmentStatus.DRAFT)),
    "wbk": Count("pk", filter=Q(eligible_wbk=True)),
    "wbbm": Count("pk", filter=Q(eligible_wbbm=True)),
    "avg_total": Avg("total", filter=Q(participates=True, total__isnull=False)),
}


def groups(user: Any, qs: QuerySet[UnitPeriodRollup], node: Unit | None) -> list[dict[str, Any]]:
    """Per child region: the node's children; at the top, agencies (several visible) or the top visible nodes."""
    if node is not None:
        rows = list(
            qs.filter(depth__gt=node.depth)
            .annotate(child=_child_key(len(node.path)))
            .values("child")
            .annotate(**_GROUP_AGGS)
        )
        units = Unit.objects.in_bulk([int(r["child"]) for r in rows if r["child"]])
        return [
            {**r, "name": units[int(r["child"])].name, "unit": units[int(r["child"])]}
            for r in rows
            if r["child"] and int(r["child"]) in units
        ]
    agencies = list(qs.values("agency_id", "agency__name").annotate(**_GROUP_AGGS))
    if len(agencies) > 1:
        return [{**r, "name": r["agency__name"], "unit": None} for r in agencies]
    tops = list(top_units(user)[:200])
    if not tops:
        return []
    aggs = {}
    for top in tops:
        inside = Q(path__startswith=top.path)
        aggs.update(
            {
                f"{key}_{top.pk}": type(agg)(agg.source_expressions[0], filter=inside & agg.filter)
                for key, agg in _GROUP_AGGS.items()
            }
        )
    data = qs.aggregate(**aggs)
    return [{**{key: data[f"{key}_{top.pk}"] for key in _GROUP_AGGS}, "name": top.name, "unit": top} for top in tops]


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
    ]

    def build(key: str, title: str, order: Any, value_col: int) -> Table:
        table = Table(key, title, list(headers), chart={"kind": "bar", "label": 1, "values": [value_col]})
        for rank, g in enumerate(sorted(groups_, key=order), start=1):
            unit = g["unit"]

            def link(unit: Unit | None = unit, **kw: Any) -> str | None:
                return list_url(period=period, node=unit, **kw) if unit else None

            table.rows.append(
                [
                    Cell(rank),
                    Cell(
                        g["name"],
                        reverse("insights:node", args=[unit.pk]) + f"?periode={period.year}" if unit else None,
                    ),
                    Cell(g["units"], link()),
                    Cell(g["building"], link(f="building")),
                    Cell(g["submitted"], link(f="submitted")),
                    Cell(g["wbk"], link(f="wbk")),
                    Cell(g["wbbm"], link(f="wbbm")),
                    Cell(_avg(g["avg_total"]), link(f="building")),
                ]
            )
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


def trend_table(qs_all_periods: QuerySet[UnitPeriodRollup], node: Unit | None) -> Table:
    rows = (
        qs_all_periods.values("period__year")
        .annotate(**_GROUP_AGGS, avg_ikm=Avg("ikm"), avg_ipkp=Avg("ipkp"))
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
        ],
        chart={"kind": "line", "label": 0, "values": [1, 3, 4]},
    )
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
            ]
        )
    return table


def warning_table(qs: QuerySet[UnitPeriodRollup], period: Period, node: Unit | None) -> Table:
    """Units per early-warning pattern (one query: the rows that have any warning, codes counted in Python)."""
    counts = dict.fromkeys(ORDER, 0)
    for codes in qs.filter(warning_count__gt=0).values_list("warnings", flat=True).iterator(chunk_size=5000):
        for code in codes:
            if code in counts:
                counts[code] += 1
    table = Table(
        "peringatan",
        _("Peringatan dini"),
        [_("Pola kegagalan"), _("Unit")],
        chart={"kind": "bar", "label": 0, "values": [1]},
    )
    for code in ORDER:
        table.rows.append(
            [Cell(str(TITLES[code])), Cell(counts[code], list_url(period=period, node=node, f="warnings", pola=code))]
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


def dashboard(*, user: Any, period: Period, node: Unit | None = None) -> Dashboard:
    """Everything a dashboard shows, in a fixed number of queries (about ten) for any size of subtree."""
    qs = scoped(user, period, node)
    data = summary(qs)
    agency = node.agency if node is not None and node.depth == 0 else None
    tables = [
        coverage_table(qs, period, node),
        funnel_table(qs, period, node, agency),
        *ranking_tables(groups(user, qs, node), period),
        area_table(data, period, node),
        index_table(data, period, node),
        warning_table(qs, period, node),
        trend_table(scoped(user, None, node), node),
    ]
    refreshed = qs.order_by("-refreshed_at").values_list("refreshed_at", flat=True).first()
    return Dashboard(period, node, data, tables, refreshed)


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
    "Unit",
    "Jenis unit",
    "Status LKE",
    "Nilai",
    "Layak WBK",
    "Layak WBBM",
    "IKM",
    "IPAK",
    "IPKP",
    "Pengaduan",
    "Peringatan",
)


def unit_table(rows: Any, period: Period) -> Table:
    status_labels = dict(AssessmentStatus.choices)
    table = Table("unit", _("Daftar unit"), [_(h) for h in UNIT_HEADERS])
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
            ]
        )
    return table


def node_for(user: Any, pk: int) -> Unit | None:
    """A node the user may see dashboards of (None when out of scope)."""
    unit = Unit.objects.select_related("agency", "unit_type").filter(pk=pk).first()
    if unit is None or not may(user, Action.DASHBOARD_VIEW, unit):
        return None
    return unit
