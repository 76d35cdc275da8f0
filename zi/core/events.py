"""“A unit's data changed”: the one event the lower apps announce so higher ones can keep derived data current.

Why a registry here and not Django signals or an import: the apps form layers (``docs/architecture.md``) and the
dashboards (:mod:`zi.insights`) sit above every app whose records they summarise, so workflow, predicates,
surveys, programme and assessments may not import them. Each service that changes what a unit's rollup reads
calls :func:`on_unit_changed` explicitly (easy to find, unlike a signal on ``save``); higher apps register their
handlers at start-up (``AppConfig.ready``). Handlers run once the caller's transaction commits (never for a
rolled-back change, and they see the committed data); a failing handler is logged, never the caller's error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[[list[int], int | None], None]
_handlers: list[Handler] = []


def register(handler: Handler) -> None:
    """Call ``handler(unit_ids, period_id)`` after every committed change (idempotent: registering twice is once)."""
    if handler not in _handlers:
        _handlers.append(handler)


def unregister(handler: Handler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def on_units_changed(unit_ids: Iterable[int | None], period_id: int | None = None) -> None:
    """The data of these units changed in ``period_id`` (None: in any period, e.g. a predicate or a complaint whose
    period the caller does not know). Handlers run after the current transaction commits (at once without one),
    once per period for all the units announced in the transaction: a transition that also records an award, or a
    demo seeded in one transaction, refreshes each unit once."""
    ids = {int(pk) for pk in unit_ids if pk is not None}
    if not ids or not _handlers:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _Pending({period_id: ids})()
        return
    _pending(connection).add(ids, period_id)


def on_unit_changed(unit_id: int | None, period_id: int | None = None) -> None:
    """:func:`on_units_changed` for one unit."""
    on_units_changed([unit_id], period_id)


class _Pending:
    """The units announced in one transaction, per period; called once, on commit."""

    def __init__(self, pending: dict[int | None, set[int]] | None = None) -> None:
        self.pending: dict[int | None, set[int]] = pending or {}
        self.done = False

    def add(self, ids: set[int], period_id: int | None) -> None:
        self.pending.setdefault(period_id, set()).update(ids)

    def __call__(self) -> None:
        self.done = True  # what is announced from now on belongs to a new collector
        for period_id, ids in sorted(self.pending.items(), key=lambda item: item[0] or 0):
            for handler in list(_handlers):
                try:
                    handler(sorted(ids), period_id)
                except Exception:  # a dashboard refresh (or its broker) failing must never fail a committed change
                    logger.exception("unit-changed handler %r failed for units %s", handler, sorted(ids))


def _pending(connection: Any) -> _Pending:
    """This transaction's collector, registered with ``on_commit`` when the first unit is announced. A rollback (of
    the transaction or of the savepoint it was registered in) drops it from ``run_on_commit`` with the changes it
    collected, so the next announcement starts a new one."""
    current = getattr(connection, "_zi_unit_events", None)
    if current is None or current.done or not any(entry[1] is current for entry in connection.run_on_commit):
        current = _Pending()
        connection._zi_unit_events = current
        transaction.on_commit(current)
    return current
