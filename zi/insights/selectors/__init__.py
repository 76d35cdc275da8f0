"""Reads for the dashboards, always scoped with ``access.restrict(…, Action.DASHBOARD_VIEW)`` and always a fixed
number of aggregate queries over :class:`UnitPeriodRollup`, whatever the number of units below the node.

Every number is a :class:`Cell` that may link to the filtered unit list behind it; every table is a
:class:`Table` that the page, the CSV and the XLSX download render alike (so they hold the same numbers).

Modules: :mod:`.common` (cells, tables, the scoped rollups, periods, links), :mod:`.aggregates` (the summary
and the dashboard's tables), :mod:`.rollup_cache` (the rollup version in every cache key), :mod:`.dashboards`
(the dashboard, built from the stored summaries when it can) and :mod:`.units` (the unit list behind every
number). The package re-exports every public name."""

from zi.insights.selectors.aggregates import (
    COVERAGE_AGGS,
    GROUP_AGGS,
    INDEX_AGGS,
    area_table,
    coverage_table,
    funnel_table,
    groups,
    index_table,
    path_prefix,
    ranking_tables,
    summary,
    summary_aggregates,
    summary_depth,
    summary_min_rows,
    trend_table,
    warning_table,
)
from zi.insights.selectors.common import (
    EVERYTHING,
    LIST_FILTERS,
    RANKING_ROWS,
    STAGE_FILTERS,
    Cell,
    Table,
    list_url,
    period_for,
    periods,
    scoped,
    sees_everything,
    top_units,
)
from zi.insights.selectors.dashboards import Dashboard, dashboard, risk_rows
from zi.insights.selectors.rollup_cache import ROLLUP_VERSION_KEY, bump_rollup_version, rollup_version
from zi.insights.selectors.units import UNIT_HEADERS, at_risk_rows, unit_rows, unit_table

__all__ = [
    "EVERYTHING",
    "RANKING_ROWS",
    "sees_everything",
    "COVERAGE_AGGS",
    "Cell",
    "Dashboard",
    "GROUP_AGGS",
    "INDEX_AGGS",
    "LIST_FILTERS",
    "ROLLUP_VERSION_KEY",
    "STAGE_FILTERS",
    "Table",
    "UNIT_HEADERS",
    "area_table",
    "at_risk_rows",
    "bump_rollup_version",
    "coverage_table",
    "dashboard",
    "funnel_table",
    "groups",
    "index_table",
    "list_url",
    "path_prefix",
    "period_for",
    "periods",
    "ranking_tables",
    "risk_rows",
    "rollup_version",
    "scoped",
    "summary",
    "summary_aggregates",
    "summary_depth",
    "summary_min_rows",
    "top_units",
    "trend_table",
    "unit_rows",
    "unit_table",
    "warning_table",
]
