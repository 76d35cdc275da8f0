"""The one way a unit's record is created and changed, and the validation every such write shares.

Every write on a record that belongs to a unit (the programme's work records, the integrity registers) has the
same shape: a permission check on the record's unit, validation that is the same for a new record and for a
correction, the write, and one audit event with before/after in the same transaction. :func:`record_create` and
:func:`record_update` are that shape; the services only say what differs (fields, checks, extra rows). The
``clean_*`` helpers validate one value and raise ``ValidationError`` with an Indonesian message naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.access import Action, may
from zi.organisations.models import Unit

TEXT_MAX = 10_000
_R = TypeVar("_R", bound=models.Model)

# What an audit event keeps of a record: field names, or a function of the record.
Snapshot = tuple[str, ...] | Callable[[Any], dict[str, Any]]


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def actor_or_none(actor: Actor) -> Any:
    """The person to store as author: a logged-in user, else None (the public, or a seeding actor without a row)."""
    return actor_user(actor)


def take(snapshot: Snapshot, record: Any) -> dict[str, Any]:
    return snapshot(record) if callable(snapshot) else audit.snapshot(record, snapshot)


def record_create(
    *,
    actor: Actor,
    record: _R,
    snapshot: Snapshot,
    clean: Callable[[Any], None],
    allowed: Action | None,
    denied: str,
    then: Callable[[Any], dict[str, Any] | None] | None = None,
    audit_actor: Actor = None,
) -> _R:
    """Create ``record`` (unsaved): permission ``allowed`` on its unit (``None``: anyone, e.g. the public form),
    ``clean(record)`` validates and normalises it (the same function the update uses), save, ``then(record)`` writes
    dependent rows and returns extra audit values, one ``create`` event. ``audit_actor`` overrides who the trail
    names (``"public"`` for the web forms)."""
    require(allowed is None or may(actor, allowed, record), denied)
    clean(record)
    record.save()
    extra = then(record) if then is not None else None
    audit.record(audit_actor or actor, "create", record, after={**take(snapshot, record), **(extra or {})})
    return record


def record_update(
    *,
    actor: Actor,
    record: _R,
    snapshot: Snapshot,
    apply: Callable[[Any], dict[str, tuple[Any, Any]] | None],
    allowed: Action | None,
    denied: str,
    related: tuple[str, ...] = ("unit",),
    skip_unchanged: bool = False,
    update_fields: list[str] | None = None,
) -> _R:
    """Change a record under a row lock: permission ``allowed`` on its unit, ``apply(record)`` sets and validates
    the new values (it may write dependent rows and return ``{key: (old, new)}`` for the audit), save, one
    ``update`` event with before/after. With ``skip_unchanged`` nothing is written or audited when nothing
    changed."""
    record = type(record)._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=record.pk)
    require(allowed is None or may(actor, allowed, record), denied)
    before = take(snapshot, record)
    extra = apply(record) or {}
    after = take(snapshot, record)
    for key, (old, new) in extra.items():
        if old != new:
            before[key], after[key] = old, new
    if skip_unchanged and after == before:
        return record
    if update_fields:
        record.save(update_fields=update_fields)
    else:
        record.save()
    audit.record(actor, "update", record, before=before, after=after)
    return record


def set_fields(record: Any, changes: dict[str, Any], allowed: Iterable[str], foreign: Iterable[str] = ()) -> None:
    """Copy ``changes`` onto ``record``; unknown fields are refused, foreign keys take an object or an id."""
    allowed, foreign = set(allowed), set(foreign)
    for field, value in changes.items():
        if field not in allowed:
            raise ValidationError(_("Isian tidak dapat diubah: %(field)s") % {"field": field})
        if field in foreign:
            setattr(record, f"{field}_id", getattr(value, "pk", value))
        else:
            setattr(record, field, value)


# --- validation of one value ----------------------------------------------------------------------------------


def clean_text(
    value: Any, label: str, *, required: bool = False, max_length: int = TEXT_MAX, single_line: bool = False
) -> str:
    text = str(value or "").strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label})
    if len(text) > max_length:
        raise ValidationError(
            _("%(label)s terlalu panjang (maksimal %(n)s karakter).") % {"label": label, "n": max_length}
        )
    return text


def clean_choice(value: Any, choices: type[models.Choices], label: str) -> Any:
    if value not in choices.values:
        raise ValidationError(_("%(label)s tidak dikenal.") % {"label": label})
    return value


def clean_date(value: Any, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("%(label)s bukan tanggal yang valid.") % {"label": label}) from exc


def clean_staff_of(unit: Unit, person: Any, label: str) -> Any:
    """An active staff member registered at ``unit`` (a user or an id)."""
    User = get_user_model()
    person_id = getattr(person, "pk", person)
    found = User.objects.filter(pk=person_id, unit=unit, is_active=True).first() if person_id else None
    if found is None:
        raise ValidationError(
            _("%(label)s harus pegawai aktif yang terdaftar pada %(unit)s.") % {"label": label, "unit": unit.name}
        )
    return found


def _parse_decimal(value: Any, label: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label}) from exc


def clean_decimal(value: Any, label: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(_("%(label)s wajib diisi.") % {"label": label})
        return None
    number = _parse_decimal(value, label)
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ValidationError(_("%(label)s harus angka positif yang wajar.") % {"label": label})
    return number


def clean_percent(value: Any, label: str) -> Decimal | None:
    """A percentage from 0 to 100 (None when left empty)."""
    if value in (None, ""):
        return None
    number = _parse_decimal(value, label)
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationError(_("%(label)s harus antara 0 dan 100.") % {"label": label})
    return number
