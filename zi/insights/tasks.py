"""Background refresh of the dashboard rollup (Huey; ``zi run_huey`` workers import this module).

Dashboards read only :class:`zi.insights.models.UnitPeriodRollup`; a worker rebuilds the newest period every
``ZI_INSIGHTS_REFRESH_MINUTES`` minutes (a Django setting, default 15) so leaders see numbers at most that old.
Older periods change rarely: ``zi insights refresh`` (all periods) after corrections. In the embedded default (tasks run
inline, no worker) nothing runs periodically; the first view of a period builds its rollup when the tree is small.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from zi.assessments.models import Period
from zi.insights.recap import national_recap_to_storage
from zi.insights.services import rollup_refresh

REFRESH_MINUTES = max(1, min(59, int(getattr(settings, "ZI_INSIGHTS_REFRESH_MINUTES", 15))))


@db_periodic_task(crontab(minute=f"*/{REFRESH_MINUTES}"))
def insights_refresh_current_period() -> int:
    """Rebuild the rollup of the newest period (set-based, a fixed number of queries per 2,000 units)."""
    period = Period.objects.order_by("-year").first()
    return rollup_refresh(period=period, actor="insights-periodic") if period is not None else 0


@db_task()
def insights_refresh(**kwargs: Any) -> Any:
    """Refresh the dashboard rollups (:func:`zi.insights.services.rollup_refresh`) on a worker."""
    return rollup_refresh(**kwargs)


@db_task()
def generate_national_recap(year: int | None = None) -> str:
    """Stream the national recap workbook (every unit's scores) into the default storage."""
    return national_recap_to_storage(year=year)
