"""Background tasks (Huey): thin wrappers around services, so the same work runs inline or on a worker.

Embedded default: ``HUEY`` is a ``MemoryHuey`` in immediate mode — calling a task runs it in the calling
process at once, no broker needed. Production: ``ZI_TASKS_REDIS_URL`` makes it a ``RedisHuey`` and
``zi run_huey`` starts the workers (deploy/systemd/zi-worker.service). Tasks take ids, never model
instances (they are pickled onto the queue), and look everything up again inside the worker.

``huey.contrib.djhuey`` imports the ``tasks.py`` of every installed app when the consumer starts (each app's
tasks live with the app: ``zi.assessments.tasks``, ``zi.insights.tasks`` …; this module keeps the shared ones);
``db_task`` closes the database connection after each task so workers never keep a broken one.
"""

from __future__ import annotations

import os
from typing import Any

from huey.contrib.djhuey import HUEY, task

huey = HUEY


@task()
def ping(value: Any = None) -> dict[str, Any]:
    """Round trip through the queue (readiness checks and tests): which process ran it."""
    return {"pong": value, "pid": os.getpid()}


@task()
def send_email(
    subject: str, body: str, recipients: list[str], html: str | None = None, from_email: str | None = None
) -> int:
    """Send one message through Django's e-mail backend (``EMAIL_*`` settings); returns the number sent."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject, body, from_email, list(recipients))
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def queue_reachable() -> bool:
    """True when the queue's broker answers (always true in immediate mode, which has none)."""
    if huey.immediate:
        return True
    conn = getattr(huey.storage, "conn", None)
    return bool(conn.ping()) if conn is not None else True
