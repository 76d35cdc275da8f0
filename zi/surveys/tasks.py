"""Survey background work (Huey; found by ``huey.contrib.djhuey`` as the app's ``tasks`` module).

``surveys_apply_rollups`` folds submitted responses into the rollups (see :mod:`zi.surveys.rollups`); it is
enqueued by submits (debounced) and also runs every minute so nothing stays pending if an enqueue was missed.
"""

from __future__ import annotations

from huey import crontab

from zi.core.tasks import db_periodic_task_retried, db_task_retried


@db_task_retried()
def surveys_apply_rollups(campaign_id: int | None = None) -> int:
    from zi.surveys import rollups

    return rollups.apply_pending(campaign_id)


@db_periodic_task_retried(crontab(minute="*"))
def surveys_apply_rollups_periodic() -> int:
    from zi.surveys import rollups

    return rollups.apply_pending()
