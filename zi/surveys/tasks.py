"""Survey background work (Huey; found by ``huey.contrib.djhuey`` as the app's ``tasks`` module).

``surveys_apply_rollups`` folds submitted responses into the rollups (see :mod:`zi.surveys.rollups`); it is
enqueued by submits (debounced, :func:`after_submit`) and also runs every minute so nothing stays pending if an
enqueue was missed. The dependency runs one way: this module calls the rollups, the rollups know nothing of tasks.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from huey import crontab

from zi.core.tasks import db_periodic_task_retried, db_task_retried
from zi.surveys import rollups

SCHEDULED_KEY = "zi:sv:rollups-scheduled"


@db_task_retried()
def surveys_apply_rollups(campaign_id: int | None = None) -> int:
    return rollups.apply_pending(campaign_id)


@db_periodic_task_retried(crontab(minute="*"))
def surveys_apply_rollups_periodic() -> int:
    return rollups.apply_pending()


def tasks_run_inline() -> bool:
    return bool(getattr(settings, "HUEY", {}).get("immediate", False))


def after_submit(campaign_id: int) -> None:
    """Called after a submit's own transaction: in immediate task mode fold it in now (inside the caller's
    transaction if there is one), otherwise have a worker do it once the submit is committed."""
    if tasks_run_inline():
        rollups.apply_pending(campaign_id)
    else:
        # robust: a broker outage must not turn a stored response into an error page; the every-minute task
        # above folds in whatever is still pending once the broker is back.
        transaction.on_commit(schedule, robust=True)


_ENQUEUED_UNTIL = 0.0  # this process enqueued a run starting at about this time.monotonic()


def schedule() -> None:
    """Make sure a task will apply pending responses soon: enqueued at most once per delay (debounced through the
    shared cache). Called after the response is committed, so while a run this process enqueued has not started
    yet, that run will see it: no shared-cache round trip then (most submits of a busy process)."""
    global _ENQUEUED_UNTIL
    delay = int(getattr(settings, "ZI_SURVEY_ROLLUP_DELAY", 2))
    now = time.monotonic()
    if now < _ENQUEUED_UNTIL:
        return
    if cache.add(SCHEDULED_KEY, 1, timeout=max(delay, 1)):
        surveys_apply_rollups.schedule(delay=delay)
        _ENQUEUED_UNTIL = now + delay * 0.9  # a margin: the run starts `delay` seconds after the enqueue, not before
