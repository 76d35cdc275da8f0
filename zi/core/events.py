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
from functools import partial

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
    period the caller does not know). Handlers run after the current transaction commits (at once without one)."""
    ids = sorted({int(pk) for pk in unit_ids if pk is not None})
    if not ids or not _handlers:
        return
    transaction.on_commit(partial(_dispatch, ids, period_id))


def on_unit_changed(unit_id: int | None, period_id: int | None = None) -> None:
    """:func:`on_units_changed` for one unit."""
    on_units_changed([unit_id], period_id)


def _dispatch(unit_ids: list[int], period_id: int | None) -> None:
    for handler in list(_handlers):
        try:
            handler(unit_ids, period_id)
        except Exception:  # a dashboard refresh (or its broker) failing must never fail a committed decision
            logger.exception("unit-changed handler %r failed for units %s", handler, unit_ids)
