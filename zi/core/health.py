"""Readiness (``/readyz``): can this process serve real requests right now?

``/healthz`` (liveness) only proves the process answers and reaches the database. ``/readyz`` checks every
dependency a request may need — the database, the evidence storage (write, read back, delete), the cache
(set, get) and, when a broker is configured, the task queue — and answers 200 with each check's result, or
503 naming the failed checks, so a load balancer stops sending traffic to an instance that would fail.
Error details are the exception class only (no addresses or credentials in a public answer); the full
error is logged.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zi.core import tasks

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_storage() -> str:
    name = f"health/readyz-{uuid.uuid4().hex}"
    payload = b"zi-readyz"
    stored = default_storage.save(name, ContentFile(payload))
    try:
        with default_storage.open(stored, "rb") as handle:
            if handle.read() != payload:
                raise OSError("storage returned other bytes than written")
    finally:
        default_storage.delete(stored)
    return "ok"


def check_cache() -> str:
    key = f"zi:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    try:
        if cache.get(key) != "1":
            raise RuntimeError("cache did not return the value just set")
    finally:
        cache.delete(key)
    return "ok"


def check_tasks() -> str:
    if tasks.huey.immediate:
        return "immediate"
    if not tasks.queue_reachable():
        raise RuntimeError("task broker did not answer")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "storage": check_storage,
    "cache": check_cache,
    "tasks": check_tasks,
}


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    results: dict[str, dict[str, object]] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            status = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %r", name, exc)
            healthy = False
            status = f"error: {type(exc).__name__}"
        results[name] = {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return healthy, results


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    healthy, results = run_checks()
    failed = [name for name, result in results.items() if str(result["status"]).startswith("error")]
    body = {"status": "ok" if healthy else "fail", "checks": results, "failed": failed}
    return JsonResponse(body, status=200 if healthy else 503)
