"""Background tasks (Huey): thin wrappers around services, so the same work runs inline or on a worker.

Embedded default: ``HUEY`` is a ``MemoryHuey`` in immediate mode — calling a task runs it in the calling
process at once, no broker needed. Production: ``ZI_TASKS_REDIS_URL`` makes it a ``RedisHuey`` and
``zi run_huey`` starts the workers (deploy/systemd/zi-worker.service). Tasks take ids, never model
instances (they are pickled onto the queue), and look everything up again inside the worker.

``huey.contrib.djhuey`` imports the ``tasks.py`` of every installed app when the consumer starts (each app's
tasks live with the app: ``zi.assessments.tasks``, ``zi.insights.tasks`` …; this module keeps the shared ones);
``db_task`` closes the database connection after each task so workers never keep a broken one; the app's db tasks
use :func:`db_task_retried` / :func:`db_periodic_task_retried`, which also run a task again when it failed on a
dropped connection (and ``CONN_HEALTH_CHECKS`` replaces a dead persistent connection before it is reused).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, task

huey = HUEY
logger = logging.getLogger(__name__)

# A task that meets a dropped database connection (restart, failover, idle timeout) is run again this many times,
# after DB_RETRY_DELAYS seconds, on a fresh connection: every db task here is idempotent (rescoring, rebuilding a
# rollup or report, folding pending responses in one transaction, reminders logged per deadline), so running it
# again after a failure that rolled its transaction back is safe. Other errors are not retried.
DB_RETRY_DELAYS = (1.0, 5.0)


def retry_on_dropped_connection(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``fn`` again (at most ``len(DB_RETRY_DELAYS)`` times) when it fails with a database connection error.
    Never inside an atomic block (a task run inline from a request or a test): the caller's transaction is gone
    with the connection and only the caller may decide what to do."""

    @wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        for delay in (*DB_RETRY_DELAYS, None):
            try:
                return fn(*args, **kwargs)
            except (OperationalError, InterfaceError):
                if delay is None or connection.in_atomic_block:
                    raise
                logger.warning("task %s: database connection failed, retrying in %ss", fn.__name__, delay)
                connection.close()  # the next query connects afresh
                time.sleep(delay)
        raise AssertionError("unreachable")

    return inner


def db_task_retried(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """``huey.contrib.djhuey.db_task`` whose body survives a dropped database connection
    (:func:`retry_on_dropped_connection`)."""

    def decorator(fn: Callable[..., Any]) -> Any:
        return db_task(*args, **kwargs)(retry_on_dropped_connection(fn))

    return decorator


def db_periodic_task_retried(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """``huey.contrib.djhuey.db_periodic_task`` with the same retry on a dropped connection."""

    def decorator(fn: Callable[..., Any]) -> Any:
        return db_periodic_task(*args, **kwargs)(retry_on_dropped_connection(fn))

    return decorator


@task()
def ping(value: Any = None) -> dict[str, Any]:
    """Round trip through the queue (readiness checks and tests): which process ran it."""
    return {"pong": value, "pid": os.getpid()}


@task()
def send_email(
    subject: str, body: str, recipients: list[str], html: str | None = None, from_email: str | None = None
) -> int:
    """Send one message through Django's e-mail backend (``EMAIL_*`` settings); returns the number sent."""
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
