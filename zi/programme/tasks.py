"""Programme background work (Huey; found by ``huey.contrib.djhuey`` as the app's ``tasks`` module).

``programme_erase_complainant_emails`` runs every day at 18:30 UTC (01:30 WIB) and erases the notification
addresses of complaints closed longer than ``ZI_COMPLAINT_EMAIL_RETENTION_DAYS``
(:func:`zi.programme.services.complaints.complainant_emails_erase`). In the embedded default (immediate mode, no worker)
nothing runs periodically: schedule ``zi programme erase-emails`` with cron or run a worker (docs/operations.md).
"""

from __future__ import annotations

from huey import crontab

from zi.core.tasks import db_periodic_task_retried
from zi.programme.services.complaints import complainant_emails_erase


@db_periodic_task_retried(crontab(minute="30", hour="18"))
def programme_erase_complainant_emails() -> int:
    """Erase the expired complainant notification addresses; returns how many."""
    return complainant_emails_erase()
