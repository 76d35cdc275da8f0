"""The dashboard: cached per scope, period, node, language and rollup version; built from the stored period
summaries when they cover what the person sees, else from the rollups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from zi.assessments.models import Period
from zi.core.actors import Actor
from zi.insights.models import PeriodSummary, UnitPeriodRollup
from zi.insights.rules import TITLES
from zi.insights.selectors.aggregates import (
    GROUP_AGGS,
    _finish_summary,
    area_table,
    coverage_table,
    funnel_table,
    groups,
    index_table,
    ranking_tables,
    summary,
    summary_aggregates,
    summary_depth,
    trend_table,
    warning_table,
)
from zi.insights.selectors.common import Table, scoped, sees_everything, top_units
from zi.insights.selectors.rollup_cache import _cache_key
from zi.insights.selectors.units import unit_rows
from zi.organisations.access import Action, may
from zi.organisations.models import Unit


@dataclass
class Dashboard:
    period: Period
    node: Unit | None
    summary: dict[str, Any]
    tables: list[Table]
    refreshed_at: Any

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _top_groups_from_summaries(user: Actor, period: Period) -> list[dict[str, Any]] | None:
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


def _from_summaries(user: Actor, period: Period) -> Dashboard | None:
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
        {**r.data, "agency_id": r.agency_id, "name": r.agency.name, "unit": None}  # type: ignore[union-attr]  # AGENCY rows have one
        for r in rows
        if r.level == PeriodSummary.AGENCY and r.period_id == period.pk
    ]
    groups_ = agencies if len(agencies) > 1 else _top_groups_from_summaries(user, period) or groups(user, qs, None)
    coverage = [
        {**r.data, "unit_type_id": r.unit_type_id, "unit_type__name": r.unit_type.name}  # type: ignore[union-attr]  # TYPE rows have one
        for r in rows
        if r.level == PeriodSummary.TYPE and r.period_id == period.pk
    ]
    trend = [
        {**r.data, "period__year": r.period.year}
        for r in sorted(totals.values(), key=lambda r: r.period.year)
        if r.data["rows"]
    ]
    trend_periods = {r.period.year: r.period for r in totals.values()}
    return _assembled(period, None, qs, data, groups_, coverage, trend_table(qs, None, trend, trend_periods))


def _sees_whole_subtree(user: Actor, node: Unit) -> bool:
    """Whether the viewer's dashboard scope holds every row under ``node`` (then the node's summaries, computed over
    all those rows, are what the rollup would give them): a grant that covers the node — global, on the node's
    agency, or on a subtree at or above the node — covers its whole subtree (a subtree never leaves its agency), so
    this is :func:`~zi.organisations.access.may` on the node."""
    return may(user, Action.DASHBOARD_VIEW, node)


def _node_from_summaries(user: Actor, period: Period, node: Unit) -> Dashboard | None:
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
        {**r.data, "unit_type_id": r.unit_type_id, "unit_type__name": r.unit_type.name}  # type: ignore[union-attr]  # TYPE rows have one
        for r in rows
        if r.level == PeriodSummary.NODE_TYPE
    ]
    child_rows = [r.data for r in rows if r.level == PeriodSummary.NODE_CHILD]
    units = Unit.objects.in_bulk([r["child"] for r in child_rows])
    groups_ = [
        {**r, "name": units[r["child"]].name, "unit": units[r["child"]]} for r in child_rows if r["child"] in units
    ]
    trend = [{**r.data, "period__year": r.period.year} for r in sorted(own.values(), key=lambda r: r.period.year)]
    trend_periods = {r.period.year: r.period for r in own.values()}
    return _assembled(period, node, qs, data, groups_, coverage, trend_table(qs, node, trend, trend_periods))


def _assembled(
    period: Period,
    node: Unit | None,
    qs: Any,
    data: dict[str, Any],
    ranked: list[dict[str, Any]],
    coverage: list[dict[str, Any]] | None,
    trend: Table,
) -> Dashboard:
    """The dashboard's tables in their one order, whether the numbers came from the summaries or the rollup."""
    tables = [
        coverage_table(qs, period, node, coverage),
        funnel_table(data, period, node),
        *ranking_tables(ranked, period),
        area_table(data, period, node),
        index_table(data, period, node),
        warning_table(data, period, node),
        trend,
    ]
    return Dashboard(period, node, data, tables, data["refreshed_at"])


def _build_dashboard(user: Actor, period: Period, node: Unit | None) -> Dashboard:
    fast = _from_summaries(user, period) if node is None else _node_from_summaries(user, period, node)
    if fast is not None:
        return fast
    qs = scoped(user, period, node)
    data = summary(qs)
    return _assembled(period, node, qs, data, groups(user, qs, node), None, trend_table(scoped(user, None, node), node))


def dashboard(*, user: Actor, period: Period, node: Unit | None = None) -> Dashboard:
    """Everything a dashboard shows, in a fixed number of queries (about ten) for any size of subtree.

    The result is cached for ``ZI_INSIGHTS_CACHE_SECONDS`` (default 600; 0 turns it off) under a key made of the
    user's dashboard scope, the period, the node, the language and :func:`rollup_version` — the rollup changes only
    when a refresh runs, and every refresh changes the version. Callers check access to the node first."""
    timeout = int(getattr(settings, "ZI_INSIGHTS_CACHE_SECONDS", 600))
    if timeout <= 0:
        return _build_dashboard(user, period, node)
    key = _cache_key(user, period, node)
    cached: Dashboard | None = cache.get(key)
    if cached is None:
        cached = _build_dashboard(user, period, node)
        cache.set(key, cached, timeout)
    return cached


def risk_rows(*, user: Actor, period: Period, node: Unit | None = None, limit: int = 8) -> list[dict[str, Any]]:
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
