"""Tamper-evident audit trail: record changes and verify the hash chain.

Services call :func:`record` (or :func:`record_many`) inside their transaction for every create, change
or delete of a domain record, passing before/after snapshots made by :func:`snapshot`; a service that validates and
saves one row ends with :func:`save_and_record`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from zi.core import labels
from zi.core.actors import Actor, actor_label
from zi.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return str(value)


def to_jsonable(value: Any) -> Any:
    """Round-trip through JSON so that what is hashed equals what the database gives back (key order is left as it
    is: the hash sorts keys, see :func:`_canonical`)."""
    return json.loads(json.dumps(value, default=_json_default))


def snapshot(obj: models.Model, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as plain JSON data (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = field.value_from_object(obj)
    return to_jsonable(data)


def snapshot_with(obj: models.Model, fields: Sequence[str] | None = None, **related: Iterable[Any]) -> dict[str, Any]:
    """The snapshot of ``obj`` with the sorted ids of its related rows under their names (an activity's attendees, a
    team's members): a record's many-to-many is part of what its "create" event says."""
    return {**snapshot(obj, fields), **{name: sorted(row.pk for row in rows) for name, rows in related.items()}}


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "scope_path": event.scope_path,
        "before": event.before,
        "after": event.after,
        "extra": event.extra,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(payload)).hexdigest()


@dataclass(frozen=True)
class Change:
    """One change to put in the trail."""

    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    scope_path: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    extra: dict[str, Any] | None = None


def _scope_path_of(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    getter = getattr(obj, "audit_scope_path", None)
    if callable(getter):
        return getter()  # a str: "" for a record outside the tree
    return ""


def record(actor: Actor, action: str, obj: models.Model | None = None, **kwargs: Any) -> AuditEvent:
    """Append one event; call inside the transaction that makes the change."""
    return record_many(actor, [Change(action=action, obj=obj, **kwargs)])[0]


def save_and_record(
    actor: Actor,
    obj: models.Model,
    fields: Sequence[str] | None = None,
    *,
    before: dict[str, Any] | None = None,
    action: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Validate and save one row, then record it with its snapshot after (``fields``, or every field): the end of
    a service that writes one row. The action is ``action``, else "update" when there was a ``before`` snapshot and
    "create" when there was none."""
    obj.full_clean()
    obj.save()
    after = snapshot(obj, fields)
    return record(actor, action or ("update" if before else "create"), obj, before=before, after=after, extra=extra)


def record_many(actor: Actor, changes: Iterable[Change]) -> list[AuditEvent]:
    """Append several events in one locked step (bulk imports, set-based rescoring)."""
    changes = list(changes)
    if not changes:
        return []
    # a user: its id and username; a stand-in without a row (zi.demo.workflow.SystemActor): its username and its pk
    # (None); a process (a string): its name; an anonymous visitor and the system (None): "system"
    actor_id = None if actor is None or isinstance(actor, str) else actor.pk
    label = actor_label(actor)
    with transaction.atomic():
        AuditHead.objects.get_or_create(id=1)
        head = AuditHead.objects.select_for_update().get(id=1)
        now = timezone.now()
        events: list[AuditEvent] = []
        seq, prev = head.seq, head.last_hash
        for change in changes:
            obj = change.obj
            seq += 1
            object_type = change.object_type or (obj._meta.label_lower if obj is not None else "")
            object_id = change.object_id or (str(obj.pk) if obj is not None else "")
            if labels.is_confidential(object_type):  # never store an integrity report's subject (see labels)
                object_repr = labels.stored_label_for(object_type, object_id)
            else:
                object_repr = change.object_repr or (str(obj) if obj is not None else "")
            event = AuditEvent(
                seq=seq,
                created_at=now,
                actor_id=actor_id,
                actor_label=label[:255],
                action=change.action,
                object_type=object_type,
                object_id=object_id,
                object_repr=object_repr[:255],
                scope_path=change.scope_path or _scope_path_of(obj),
                before=to_jsonable(change.before),
                after=to_jsonable(change.after),
                extra=to_jsonable(change.extra or {}),
                prev_hash=prev,
            )
            event.hash = compute_hash(event)
            prev = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=1000)  # pragma: no mutate - statement size, not content
        head.seq, head.last_hash = seq, prev
        head.save(update_fields=["seq", "last_hash"])  # pragma: no mutate - the head has no other field to write
    return events


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify(chunk_size: int = 5000) -> VerifyResult:  # pragma: no mutate - the chunk is memory, not the result
    """Walk the chain in order; report the first row whose hash, link or sequence is wrong."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):  # pragma: no mutate - as above
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, event.seq, "link to the previous event does not match")
        if compute_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, "content does not match its hash (row was edited)")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.seq != checked or head.last_hash != expected_prev):
        return VerifyResult(False, checked, checked + 1, "events after the last one were removed")
    return VerifyResult(True, checked)
