"""The leaders' report (laporan pimpinan): an A4 PDF through the one PDF path (:func:`zi.core.pdf.render_pdf`,
``insights/documents/report.html``).

It ranks with the numbers that matter: per region and per unit the LKE total of the self-assessment (the rollup),
the survey indices IKM, IPAK and IPKP (the rollup), the review and TPI totals and the gap between the unit's own
total and theirs (the stored lane scores, only of lanes the reader may see: :func:`zi.workflow.lanes.lane_filter`).
Wide tables sit on landscape pages; every column of the ranking fits the page (``tests/test_documents.py``).
The other tables are the dashboard's own (:func:`zi.insights.selectors.dashboards.dashboard`), so the report and
the page hold the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from zi.assessments.models import Lane, LaneScore, Period
from zi.core.actors import Actor
from zi.core.pdf import render_pdf
from zi.insights import selectors
from zi.insights.models import UnitPeriodRollup
from zi.organisations.letterhead import document_context
from zi.organisations.models import Unit
from zi.organisations.timezones import format_local
from zi.workflow.lanes import lane_filter
from zi.workflow.models import State

# How many units the unit ranking lists (the best first); a national report names the rest by count only.
UNIT_RANKING_LIMIT = 100
GAP_LANES = (Lane.REVIEW, Lane.TPI)
# Dashboard tables the report leaves out: the four rankings by counts, replaced by the ranking with the values.
REPLACED_TABLES = ("peringkat_partisipasi", "peringkat_nilai", "peringkat_usulan", "peringkat_predikat")
LANDSCAPE_TABLES = ("tren",)


@dataclass
class LaneFigures:
    """Mean lane totals of a set of units, and the mean gap self − lane over the units scored in both."""

    totals: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    gaps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, scores: dict[str, float]) -> None:
        for lane in GAP_LANES:
            if lane in scores:
                self.totals[lane].append(scores[lane])
                if Lane.SELF in scores:
                    self.gaps[lane].append(scores[Lane.SELF] - scores[lane])

    @staticmethod
    def _mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 2) if values else None

    def total(self, lane: str) -> float | None:
        return self._mean(self.totals.get(lane, []))

    def gap(self, lane: str) -> float | None:
        return self._mean(self.gaps.get(lane, []))


@dataclass
class RankRow:
    rank: int
    name: str
    units: int | None  # units that build ZI (regions) / None (a unit row)
    building: int | None
    total: float | None  # LKE total, self-assessment
    review: float | None
    tpi: float | None
    gap_review: float | None  # self − review
    gap_tpi: float | None  # self − TPI
    ikm: float | None
    ipak: float | None
    ipkp: float | None
    proposed: int | None = None
    pred_wbk: int | None = None
    pred_wbbm: int | None = None
    detail: str = ""  # unit rows: the unit type; region rows: ""
    stage: str = ""
    predicate: str = ""


def _lane_scores(user: Actor, qs: Any, period: Period) -> dict[int, tuple[str, int, dict[str, float]]]:
    """unit id → (path, agency id, {lane: total}) for the units of ``qs`` with a review or TPI total the reader may
    see (two queries: those lanes, then the self lane of just those assessments — a national report does not load
    every self-assessment)."""
    visible = LaneScore.objects.filter(lane_filter(user), assessment__period=period)
    fields = ("assessment_id", "assessment__unit_id", "assessment__unit__path", "assessment__unit__agency_id")
    scored = visible.filter(lane__in=GAP_LANES, assessment__unit_id__in=qs.values("unit_id"))
    out: dict[int, tuple[str, int, dict[str, float]]] = {}
    assessments = set()
    for assessment_id, uid, path, agency_id, lane, total in scored.values_list(*fields, "lane", "total"):
        out.setdefault(uid, (path, agency_id, {}))[2][lane] = total
        assessments.add(assessment_id)
    for uid, total in visible.filter(lane=Lane.SELF, assessment_id__in=assessments).values_list(
        "assessment__unit_id", "total"
    ):
        out[uid][2][Lane.SELF] = total
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def region_ranking(user: Actor, period: Period, node: Unit | None) -> list[RankRow]:
    """The regions below ``node`` (its children; at the top the agencies, or the top visible nodes) ranked by the
    mean LKE total of their units, then by how many build ZI."""
    qs = selectors.scoped(user, period, node)
    groups_ = selectors.groups(user, qs, node, aggs={**selectors.GROUP_AGGS, **selectors.INDEX_AGGS})
    by_path = {g["unit"].path: i for i, g in enumerate(groups_) if g["unit"] is not None}
    by_agency = {g["agency_id"]: i for i, g in enumerate(groups_) if g["unit"] is None and "agency_id" in g}
    figures = [LaneFigures() for _g in groups_]
    for path, agency_id, scores in _lane_scores(user, qs, period).values():
        index = by_agency.get(agency_id)
        if index is None:
            parts = path.split("/")[:-1]
            index = next(
                (by_path[p] for p in ("/".join(parts[: i + 1]) + "/" for i in range(len(parts))) if p in by_path), None
            )
        if index is not None:
            figures[index].add(scores)
    ordered = sorted(
        range(len(groups_)),
        key=lambda i: (groups_[i]["avg_total"] is None, -(groups_[i]["avg_total"] or 0), -groups_[i]["building"]),
    )
    rows = []
    for rank, i in enumerate(ordered, start=1):
        g, f = groups_[i], figures[i]
        rows.append(
            RankRow(
                rank=rank,
                name=g["name"],
                units=g["units"],
                building=g["building"],
                total=_round(g["avg_total"]),
                review=f.total(Lane.REVIEW),
                tpi=f.total(Lane.TPI),
                gap_review=f.gap(Lane.REVIEW),
                gap_tpi=f.gap(Lane.TPI),
                ikm=_round(g["avg_ikm"]),
                ipak=_round(g["avg_ipak"]),
                ipkp=_round(g["avg_ipkp"]),
                proposed=g["proposed"],
                pred_wbk=g["pred_wbk"],
                pred_wbbm=g["pred_wbbm"],
            )
        )
    return rows


def unit_ranking(user: Actor, period: Period, node: Unit | None) -> tuple[list[RankRow], int]:
    """The units with an LKE total, best first (at most :data:`UNIT_RANKING_LIMIT`), and how many there are."""
    qs = selectors.scoped(user, period, node).filter(participates=True, total__isnull=False)
    count = qs.count()
    top: list[UnitPeriodRollup] = list(
        qs.select_related("unit", "unit_type").order_by("-total", "path")[:UNIT_RANKING_LIMIT]
    )
    scores = _lane_scores(user, qs.filter(pk__in=[r.pk for r in top]), period)
    stages = dict(State.choices)
    rows = []
    for rank, r in enumerate(top, start=1):
        f = LaneFigures()
        f.add({**(scores[r.unit_id][2] if r.unit_id in scores else {}), Lane.SELF: r.total})  # type: ignore[dict-item]  # total__isnull=False
        rows.append(
            RankRow(
                rank=rank,
                name=r.unit.name,
                units=None,
                building=None,
                total=_round(r.total),
                review=f.total(Lane.REVIEW),
                tpi=f.total(Lane.TPI),
                gap_review=f.gap(Lane.REVIEW),
                gap_tpi=f.gap(Lane.TPI),
                ikm=_round(r.ikm),
                ipak=_round(r.ipak),
                ipkp=_round(r.ipkp),
                detail=r.unit_type.name,
                stage=str(stages.get(r.stage, "")) if r.stage else "",
                predicate=r.predicate,
            )
        )
    return rows, count


def report_context(user: Actor, period: Period, node: Unit | None) -> dict[str, Any]:
    """Everything the report shows; times in the zone of the node, else of the reader's unit (with abbreviation)."""
    dash = selectors.dashboard(user=user, period=period, node=node)
    units, unit_count = unit_ranking(user, period, node)
    place = node if node is not None else getattr(user, "unit", None)
    tables = [t for t in dash.tables if t.key not in REPLACED_TABLES]
    return {
        **document_context(getattr(place, "agency", None)),
        "dash": dash,
        "node": node,
        "period": period,
        "regions": region_ranking(user, period, node),
        "units": units,
        "unit_count": unit_count,
        "unit_limit": UNIT_RANKING_LIMIT,
        "tables": [t for t in tables if t.key not in LANDSCAPE_TABLES],
        "wide_tables": [t for t in tables if t.key in LANDSCAPE_TABLES],
        "refreshed_at": format_local(dash.refreshed_at, place),
        "printed_at": format_local(timezone.now(), place),
    }


def report_pdf(*, user: Actor, period: Period, node: Unit | None, request: HttpRequest | None = None) -> bytes:
    return render_pdf("insights/documents/report.html", report_context(user, period, node), request=request)
