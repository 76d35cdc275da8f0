"""Background tasks (Huey): thin wrappers around services, so the same work runs inline or on a worker.

Embedded default: ``HUEY`` is a ``MemoryHuey`` in immediate mode — calling a task runs it in the calling
process at once, no broker needed. Production: ``ZI_TASKS_REDIS_URL`` makes it a ``RedisHuey`` and
``zi run_huey`` starts the workers (deploy/systemd/zi-worker.service). Tasks take ids, never model
instances (they are pickled onto the queue), and look everything up again inside the worker.

``huey.contrib.djhuey`` imports this module (``tasks.py`` of every installed app) when the consumer starts;
``db_task`` closes the database connection after each task so workers never keep a broken one.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from huey.contrib.djhuey import HUEY, db_task, task

huey = HUEY


@task()
def ping(value: Any = None) -> dict[str, Any]:
    """Round trip through the queue (readiness checks and tests): which process ran it."""
    return {"pong": value, "pid": os.getpid()}


@db_task()
def rescore_period(period_id: int, lane: str = "self", actor_id: int | None = None) -> int:
    """Rescore every assessment of a period for a lane (``zi.assessments.scoring.rescore_period``)."""
    from django.contrib.auth import get_user_model

    from zi.assessments.models import Period
    from zi.assessments.scoring import rescore_period as _rescore

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return _rescore(period=Period.objects.get(pk=period_id), lane=lane, actor=actor)


@db_task()
def insights_refresh(**kwargs: Any) -> Any:
    """Refresh the dashboard rollups when the insights app provides ``services.rollup_refresh``."""
    try:
        services = importlib.import_module("zi.insights.services")
    except ImportError:
        return None
    refresh = getattr(services, "rollup_refresh", None)
    if refresh is None:
        return None
    return refresh(**kwargs)


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


@db_task()
def generate_assessment_report(assessment_id: int, lane: str = "self") -> str:
    """Render one assessment's LKE workbook and keep it in the default storage; returns the stored name."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from zi.assessments.excel import export_assessment_xlsx
    from zi.assessments.models import Assessment

    assessment = Assessment.objects.select_related("unit", "period").get(pk=assessment_id)
    data = export_assessment_xlsx(assessment, lane)
    name = f"reports/assessment-{assessment_id}-{lane}.xlsx"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


@db_task()
def generate_national_recap(year: int | None = None) -> str:
    """Stream the national recap workbook (every unit's scores) into the default storage."""
    from zi.bench.exports import national_recap_to_storage

    return national_recap_to_storage(year=year)


def queue_reachable() -> bool:
    """True when the queue's broker answers (always true in immediate mode, which has none)."""
    if huey.immediate:
        return True
    conn = getattr(huey.storage, "conn", None)
    return bool(conn.ping()) if conn is not None else True
