"""Workflow background work (Huey; found by ``huey.contrib.djhuey`` as the app's ``tasks`` module).

``workflow_send_reminders`` runs every day at 00:00 UTC (07:00 WIB) and e-mails the deadline reminders that are
due (:func:`zi.workflow.reminders.send_reminders`). It is idempotent: a ``ReminderLog`` row per journey, kind and
deadline means a second run (a retried task, a manual ``zi workflow remind``) sends nothing new. In the
embedded default (immediate mode, no worker) nothing runs periodically: schedule ``zi workflow remind`` with cron
or run a worker (``zi run_huey``, docs/operations.md).
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab

from zi.core.tasks import db_periodic_task_retried
from zi.workflow.reminders import send_reminders


@db_periodic_task_retried(crontab(minute="0", hour="0"))
def workflow_send_reminders() -> int:
    """Send today's due reminders (local date, ``TIME_ZONE``); returns the number of e-mails sent."""
    return send_reminders(today=timezone.localdate())
