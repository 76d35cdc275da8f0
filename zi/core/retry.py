"""A request that meets a dropped database connection is answered again, once, when it had written nothing.

A database restart, a failover or an idle-timeout kill drops the connection a request is using; health checks
(``CONN_HEALTH_CHECKS``) only catch a connection that was already dead when the request began. Without a retry the
user gets a 503 page for a read that would simply work on a fresh connection.

:class:`RetryDroppedConnectionMiddleware` (near the top of ``MIDDLEWARE``) watches every statement the request
sends (``connection.execute_wrapper``): anything but a read (``SELECT``, ``SHOW``, transaction control) marks the
request as *written*, before it is sent, so a write whose outcome is unknown counts as written. When the request
failed because a connection dropped (:func:`note_dropped_connection`, called from Django's
``got_request_exception`` signal and from the API's exception handler, which answers 503 itself) and nothing was
written, the middleware closes the broken connections and runs the rest of the chain again with the same request
object (its body was already read, so a POST that wrote nothing is replayed from memory). At most once: a second
failure is answered with the usual 503 (``zi.api.errors``). The task worker has its own retry
(``zi.core.tasks.retry_on_dropped_connection``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

_READS = ("SELECT", "SHOW", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "SET ", "WITH", "EXPLAIN", "PRAGMA")
_STATE = "_zi_db_retry"


class _Attempt:
    __slots__ = ("dropped", "wrote")

    def __init__(self) -> None:
        self.dropped = False
        self.wrote = False

    def watch(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        head = sql.lstrip()[:10].upper()
        if not head.startswith(_READS) or (head.startswith("WITH") and " INSERT " in sql.upper()):
            self.wrote = True
        return execute(sql, params, many, context)


def connection_dropped(exc: BaseException | None) -> bool:
    """True when ``exc`` is a database error and one of this thread's connections is no longer usable."""
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.is_usable():
            return True
    return isinstance(exc, InterfaceError) and "closed" in str(exc).lower()


def note_dropped_connection(request: Any, exc: BaseException | None) -> None:
    """Tell the retry middleware that ``request`` (a Django or DRF request) failed on a dropped connection."""
    request = getattr(request, "_request", request)  # DRF wraps the Django request
    attempt = getattr(request, _STATE, None)
    if attempt is not None and connection_dropped(exc):
        attempt.dropped = True


@receiver(got_request_exception)
def _on_request_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None:
        note_dropped_connection(request, sys.exc_info()[1])


class RetryDroppedConnectionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _attempt(self, request: HttpRequest) -> tuple[HttpResponse, _Attempt]:
        attempt = _Attempt()
        setattr(request, _STATE, attempt)
        wrappers = [conn.execute_wrapper(attempt.watch) for conn in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            return self.get_response(request), attempt
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response, attempt = self._attempt(request)
        if not attempt.dropped or attempt.wrote:
            return response
        logger.warning(
            "database connection dropped during %s %s; nothing written, answering again", request.method, request.path
        )
        for conn in connections.all(initialized_only=True):
            conn.close()
        if hasattr(request, "_cached_user"):
            del request._cached_user  # loaded (or failed to load) on the dropped connection
        response, attempt = self._attempt(request)
        return response
