"""Background refresh of the dashboard rollup (Huey; ``zi run_huey`` workers import this module).

Dashboards read only :class:`zi.insights.models.UnitPeriodRollup` (and its :class:`PeriodSummary`). They stay
current by events: a service that changes what a unit's row reads (a journey transition, an LKE rescore or
submission, a survey response batch, a complaint, a predicate award or revocation) calls
:func:`zi.core.events.on_unit_changed`; once its transaction commits, :func:`insights_units_changed` recomputes just
that unit's rows and the summaries they count in (on a worker; inline when the queue runs tasks immediately, as in
the demo and tests), so a decision shows on the dashboards within seconds.

The periodic rebuild of the newest period (every ``ZI_INSIGHTS_REFRESH_MINUTES`` minutes, default 15) stays as the
safety net for what no event announces: time passing (complaints becoming overdue, warnings that depend on today)
and an event lost with a broker outage. It is cheap when nothing changed: it skips the rebuild when no audit event
was written since its last rebuild and that rebuild is less than :data:`FULL_REBUILD_EVERY` old.
``zi insights refresh`` (all periods) stays the repair command.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from zi.assessments.models import Period
from zi.core.models import AuditEvent
from zi.insights.recap import national_recap_to_storage
from zi.insights.services import rollup_refresh, rollup_refresh_units

REFRESH_MINUTES = max(1, min(59, int(getattr(settings, "ZI_INSIGHTS_REFRESH_MINUTES", 15))))
FULL_REBUILD_EVERY = dt.timedelta(hours=1)  # time-dependent facts (overdue complaints, warnings) age at most this
PERIODIC_MARK_KEY = "zi:insights:periodic-mark"


def _newest_audit_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@db_periodic_task(crontab(minute=f"*/{REFRESH_MINUTES}"))
def insights_refresh_current_period() -> int:
    """Rebuild the rollup of the newest period (set-based, a fixed number of queries per 2,000 units), unless
    nothing was written since the last rebuild (no new audit event, one indexed query) and it is recent."""
    period = Period.objects.order_by("-year").first()
    if period is None:
        return 0
    mark = cache.get(PERIODIC_MARK_KEY)
    now = timezone.now()
    if mark is not None and mark["seq"] == _newest_audit_seq() and now - mark["at"] < FULL_REBUILD_EVERY:
        return 0
    count = rollup_refresh(period=period, actor="insights-periodic")
    cache.set(PERIODIC_MARK_KEY, {"seq": _newest_audit_seq(), "at": now}, None)  # after its own audit event
    return count


@db_task()
def insights_units_changed(unit_ids: list[int], period_id: int | None = None) -> int:
    """Refresh the rollup rows of units whose data changed (:func:`rollup_refresh_units`)."""
    return rollup_refresh_units(unit_ids=unit_ids, period_id=period_id)


def enqueue_units_changed(unit_ids: list[int], period_id: int | None = None) -> None:
    """The :mod:`zi.core.events` handler (registered by the app config): runs after the change committed."""
    insights_units_changed(unit_ids, period_id)


@db_task()
def insights_refresh(**kwargs: Any) -> Any:
    """Refresh the dashboard rollups (:func:`zi.insights.services.rollup_refresh`) on a worker."""
    return rollup_refresh(**kwargs)


@db_task()
def generate_national_recap(year: int | None = None) -> str:
    """Stream the national recap workbook (every unit's scores) into the default storage."""
    return national_recap_to_storage(year=year)
