"""Every stored field of an audit event is covered: editing any one of them in the database breaks the chain.

A mutation run (issue #25) showed that ``actor_id`` could be left out of the event hash without a test failing:
no test edited it. Here each field of ``AuditEvent`` has its own tamper, applied with ``update()`` on the
queryset (as someone with database access would), and both ``zi audit verify`` and ``audit.verify()`` must fail
and name the edited event. The field list comes from the model, so a field added to ``AuditEvent`` without a
tamper here (and so, likely, without a place in the hash) fails ``test_every_stored_field_has_a_tamper``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from zi.core import audit
from zi.core.models import AuditEvent, AuditHead
from zi.organisations import services

# Stored fields that are not part of the hash, and why.
NOT_HASHED = {
    "id": "surrogate key: verify walks the chain by seq, nothing refers to an event by its id",
    "hash": "the digest itself (tampered separately below)",
}


def _other_user_id(event: AuditEvent) -> int:
    return factories.UserFactory(username="orang-lain").pk


# field -> function giving a different value for the target event (the target has an actor, before and after)
TAMPERS: dict[str, Callable[[AuditEvent], Any]] = {
    "seq": lambda e: e.seq + 1000,
    "created_at": lambda e: e.created_at + dt.timedelta(microseconds=1),
    "actor_id": _other_user_id,
    "actor_label": lambda e: e.actor_label + "-x",
    "action": lambda e: "delete",
    "object_type": lambda e: "organisations.agency",
    "object_id": lambda e: str(int(e.object_id) + 1),
    "object_repr": lambda e: e.object_repr + " (diubah)",
    "scope_path": lambda e: "999/",
    "before": lambda e: {**e.before, "name": "nama lama yang lain"},
    "after": lambda e: {**e.after, "name": "nama baru yang lain"},
    "extra": lambda e: {**e.extra, "catatan": "ditambahkan"},
    "prev_hash": lambda e: "f" * 64,
}

# a few more edits of the same fields that a forger would try: erase who acted, drop the before image, ...
ERASURES: dict[str, Callable[[AuditEvent], Any]] = {
    "actor_id": lambda e: None,
    "actor_label": lambda e: "",
    "object_repr": lambda e: "",
    "scope_path": lambda e: "",
    "before": lambda e: None,
    "after": lambda e: None,
    "extra": lambda e: {},
    "created_at": lambda e: e.created_at - dt.timedelta(days=1),
}


def run_command() -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def assert_broken_at(seq: int) -> audit.VerifyResult:
    result = audit.verify()
    assert not result.ok, f"verify passed after tampering event #{seq}"
    assert result.broken_seq == seq, result
    ok, output = run_command()
    assert not ok
    assert f"RUSAK pada peristiwa #{seq}:" in output, output
    assert f"rantai audit rusak pada peristiwa #{seq}" in output, output
    return result


@pytest.fixture
def target(tree) -> AuditEvent:
    """An event in the middle of a chain, with an actor, a before and an after image and an extra."""
    actor = factories.UserFactory(username="admin-tamper")
    services.unit_update(actor=actor, unit=tree["rutan"], name="Rutan Kelas IIA Prabumulih")
    before = audit.snapshot(tree["lapas"])
    event = audit.record(
        actor, "update", tree["lapas"], before=before, after={**before, "name": "Lapas IIA"}, extra={"alasan": "uji"}
    )
    audit.record(actor, "note", tree["rutan"], extra={"alasan": "penutupan"})
    assert audit.verify().ok
    event = AuditEvent.objects.get(seq=event.seq)
    assert event.actor_id and event.before and event.after and event.extra
    assert 1 < event.seq < AuditEvent.objects.count()
    return event


def test_every_stored_field_has_a_tamper():
    stored = {field.attname for field in AuditEvent._meta.concrete_fields}
    assert stored - set(NOT_HASHED) == set(TAMPERS), "give each new AuditEvent field a tamper here (and hash it)"


@pytest.mark.parametrize("field", sorted(TAMPERS))
@pytest.mark.django_db
def test_editing_one_field_is_found_and_named(target, field):
    new_value = TAMPERS[field](target)
    assert new_value != getattr(target, field)
    AuditEvent.objects.filter(pk=target.pk).update(**{field: new_value})
    assert_broken_at(target.seq)


@pytest.mark.parametrize("field", sorted(ERASURES))
@pytest.mark.django_db
def test_erasing_one_field_is_found_and_named(target, field):
    new_value = ERASURES[field](target)
    assert new_value != getattr(target, field)
    AuditEvent.objects.filter(pk=target.pk).update(**{field: new_value})
    result = assert_broken_at(target.seq)
    assert "edited" in result.reason


@pytest.mark.parametrize("field", sorted(TAMPERS))
@pytest.mark.django_db
def test_every_field_changes_the_hash(target, field):
    """The hash itself covers each field, even where another check (order of seq, the link) would also notice."""
    edited = copy.copy(target)
    setattr(edited, field, TAMPERS[field](target))
    assert audit.compute_hash(edited) != target.hash == audit.compute_hash(target)


@pytest.mark.django_db
def test_editing_the_stored_hash_is_found(target):
    AuditEvent.objects.filter(pk=target.pk).update(hash="0" * 64)
    result = assert_broken_at(target.seq)
    assert "edited" in result.reason


@pytest.mark.django_db
def test_changing_the_surrogate_id_changes_nothing_verified(target):
    """``id`` is outside the hash on purpose: it carries no meaning, verify orders by ``seq``."""
    AuditEvent.objects.filter(pk=target.pk).update(id=target.pk + 10_000)
    assert audit.verify().ok


@pytest.mark.django_db
def test_deleting_a_row_and_relinking_the_next_is_found(target):
    """Remove an event, point the next one at its predecessor and close the gap in the numbering: the next event's
    hash still covers its old ``prev_hash`` and ``seq``, so the forgery shows there."""
    AuditEvent.objects.filter(pk=target.pk).delete()
    previous = AuditEvent.objects.get(seq=target.seq - 1)
    for event in AuditEvent.objects.filter(seq__gt=target.seq).order_by("seq"):
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq - 1)
    AuditEvent.objects.filter(seq=target.seq).update(prev_hash=previous.hash)
    AuditHead.objects.filter(id=1).update(seq=AuditEvent.objects.count())
    result = assert_broken_at(target.seq)
    assert "edited" in result.reason


@pytest.mark.parametrize("field", ["actor_id", "object_type", "object_repr", "before", "extra"])
@pytest.mark.django_db
def test_resealing_an_edited_row_breaks_at_the_head(target, field):
    """A forger who re-seals the edited row and every later one still leaves the head row's tip behind."""
    AuditEvent.objects.filter(pk=target.pk).update(**{field: TAMPERS[field](target)})
    prev = AuditEvent.objects.get(seq=target.seq - 1).hash
    for event in AuditEvent.objects.filter(seq__gte=target.seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = audit.compute_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
    result = audit.verify()
    last = AuditEvent.objects.count()
    assert (result.ok, result.broken_seq) == (False, last + 1)
    assert "removed" in result.reason


def test_deleting_a_user_keeps_the_chain_intact(db):
    """The actor of an event is kept as it was when the user is deleted (no SET NULL rewriting the event)."""
    user = factories.UserFactory(username="akan-dihapus")
    user_pk = user.pk
    event = audit.record(user, "login", None)
    user.delete()
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label) == (user_pk, "akan-dihapus")
    assert audit.verify().ok


@pytest.mark.django_db
def test_each_kind_of_break_is_reported_whole(target):
    """What verify() returns for each kind of break: not ok, how many events checked out before it, where, why."""
    seq = target.seq
    AuditEvent.objects.filter(pk=target.pk).update(object_repr="diubah")
    assert audit.verify() == audit.VerifyResult(False, seq - 1, seq, "content does not match its hash (row was edited)")
    AuditEvent.objects.filter(pk=target.pk).update(object_repr=target.object_repr, prev_hash="f" * 64)
    assert audit.verify() == audit.VerifyResult(False, seq - 1, seq, "link to the previous event does not match")
    AuditEvent.objects.filter(pk=target.pk).delete()
    assert audit.verify() == audit.VerifyResult(False, seq - 1, seq, f"event #{seq} is missing")


@pytest.mark.django_db
def test_values_are_stored_as_plain_json():
    """Decimals and UUIDs as their text, sets sorted, anything else as its text."""
    import decimal
    import uuid

    from django.db import models
    from django.db.models.fields.files import FieldFile

    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    stored, empty = FieldFile(None, models.FileField(), "bukti/sk.pdf"), FieldFile(None, models.FileField(), "")
    assert audit.to_jsonable(
        {"d": decimal.Decimal("1.50"), "u": key, "s": {"b", "a"}, "o": range(2), "f": stored, "e": empty}
    ) == {"d": "1.50", "u": str(key), "s": ["a", "b"], "o": "range(0, 2)", "f": "bukti/sk.pdf", "e": None}


@pytest.mark.django_db
def test_long_names_are_cut_to_the_stored_255_characters():
    """The actor's label and the object's name are stored cut to their column's 255 characters (PostgreSQL would
    refuse one more), and the hash covers what is stored."""
    event = audit.record("p" * 300, "note", None, object_type="x", object_id="1", object_repr="n" * 300)
    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.actor_label, stored.object_repr) == ("p" * 255, "n" * 255)
    assert audit.verify().ok


@pytest.mark.django_db
def test_an_auditor_can_recompute_every_hash_from_the_documented_recipe(tree):
    """docs/architecture.md gives the recipe so that anyone with a copy of the table can check the chain without this
    code: SHA-256 of the UTF-8 JSON object of the thirteen named fields (every stored field but ``id`` and
    ``hash``, ``created_at`` in ISO 8601), keys sorted at every depth, no spaces, non-ASCII letters as they are.
    Recomputed here by hand for events with nested, unsorted and non-ASCII values."""
    import hashlib
    import json

    actor = factories.UserFactory(username="auditor-é")
    audit.record(
        actor,
        "update",
        tree["lapas"],
        before={"z": 1, "a": {"y": [1, 2], "b": "Kelas ⅡA"}},
        after={"name": "Lapas Perempuan Kelas IIA Palembang — Sumsel"},
        extra={"alasan": "ejaan", "catatan": None},
    )
    audit.record("sistem-ü", "note", None, object_type="x", object_id="7", object_repr="Ü", scope_path="1/")
    names = "seq actor_id actor_label action object_type object_id object_repr scope_path before after extra prev_hash"
    for event in AuditEvent.objects.order_by("seq"):
        fields = {name: getattr(event, name) for name in names.split()}
        fields["created_at"] = event.created_at.isoformat()
        text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == event.hash, event.seq
