"""What every programme write shares: the permission helpers, the one way records are created and changed
(permission, validation, write, audit event in one transaction) and the validation helpers."""

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
from django.utils.translation import gettext_noop

from zi.accounts.actors import actor_user
from zi.assessments.models import Period
from zi.core import audit
from zi.core.actors import Actor
from zi.lke.models import LkeQuestion
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.programme.models import WhistleReport

TEXT_MAX = 10_000
_R = TypeVar("_R", bound=models.Model)


# --- permission helpers ---------------------------------------------------------------------------------------


def may_see_whistle_identity(user: Any, report: WhistleReport) -> bool:
    """Only integrity handlers who are not themselves staff of the reported unit see the reporter's identity."""
    if not may(user, Action.INTEGRITY_HANDLE, report.unit):
        return False
    return getattr(user, "unit_id", None) != report.unit_id


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


MANAGE_DENIED = gettext_noop("Anda tidak berwenang mencatat kegiatan pembangunan ZI unit ini.")


def _require_manage(actor: Actor, unit: Unit) -> None:
    _require(may(actor, Action.PROGRAMME_MANAGE, unit), _(MANAGE_DENIED))


def _actor_or_none(actor: Actor) -> Any:
    """The person to store as author: a logged-in user, else None (the public, or a seeding actor without a row)."""
    return actor_user(actor)


# --- the one way records are created and changed --------------------------------------------------------------
# Every write of this app has the same shape: a permission check on the record's unit, validation that is the
# same for a new record and for a correction, the write, and one audit event with before/after in the same
# transaction. These two helpers are that shape; the services only say what differs (fields, checks, extra rows).

Snapshot = tuple[str, ...] | Callable[[Any], dict[str, Any]]


def _take(snapshot: Snapshot, record: Any) -> dict[str, Any]:
    return snapshot(record) if callable(snapshot) else audit.snapshot(record, snapshot)


def _record_create(
    *,
    actor: Actor,
    record: _R,
    snapshot: Snapshot,
    clean: Callable[[Any], None],
    then: Callable[[Any], dict[str, Any] | None] | None = None,
    allowed: Action | None = Action.PROGRAMME_MANAGE,
    denied: str = "",
    audit_actor: Actor = None,
) -> _R:
    """Create ``record`` (unsaved): permission on its unit, ``clean(record)`` validates and normalises it (the
    same function the update uses), save, ``then(record)`` writes dependent rows and returns extra audit values,
    one ``create`` event. ``audit_actor`` overrides who the trail names (``"public"`` for the web forms)."""
    _require(allowed is None or may(actor, allowed, record), denied or _(MANAGE_DENIED))
    clean(record)
    record.save()
    extra = then(record) if then is not None else None
    audit.record(audit_actor or actor, "create", record, after={**_take(snapshot, record), **(extra or {})})
    return record


def _record_update(
    *,
    actor: Actor,
    record: _R,
    snapshot: Snapshot,
    apply: Callable[[Any], dict[str, tuple[Any, Any]] | None],
    related: tuple[str, ...] = ("unit",),
    allowed: Action | None = Action.PROGRAMME_MANAGE,
    denied: str = "",
    skip_unchanged: bool = False,
    update_fields: list[str] | None = None,
) -> _R:
    """Change a record under a row lock: permission on its unit, ``apply(record)`` sets and validates the new
    values (it may write dependent rows and return ``{key: (old, new)}`` for the audit), save, one ``update``
    event with before/after. With ``skip_unchanged`` nothing is written or audited when nothing changed."""
    record = type(record)._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=record.pk)
    _require(allowed is None or may(actor, allowed, record), denied or _(MANAGE_DENIED))
    before = _take(snapshot, record)
    extra = apply(record) or {}
    after = _take(snapshot, record)
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


def _set_fields(record: Any, changes: dict[str, Any], allowed: Iterable[str], foreign: Iterable[str] = ()) -> None:
    """Copy ``changes`` onto ``record``; unknown fields are refused, foreign keys take an object or an id."""
    allowed, foreign = set(allowed), set(foreign)
    for field, value in changes.items():
        if field not in allowed:
            raise ValidationError(_("Isian tidak dapat diubah: %(field)s") % {"field": field})
        if field in foreign:
            setattr(record, f"{field}_id", getattr(value, "pk", value))
        else:
            setattr(record, field, value)


# --- validation helpers ---------------------------------------------------------------------------------------


def _text(
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


def _choice(value: Any, choices: type[models.Choices], label: str) -> Any:
    if value not in choices.values:
        raise ValidationError(_("%(label)s tidak dikenal.") % {"label": label})
    return value


def _date(value: Any, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("%(label)s bukan tanggal yang valid.") % {"label": label}) from exc


def _in_period(day: dt.date, period: Period, label: str) -> dt.date:
    if not (period.starts_on <= day <= period.ends_on):
        raise ValidationError(
            _("%(label)s harus berada di dalam periode %(period)s (%(start)s s.d. %(end)s).")
            % {"label": label, "period": period.name, "start": period.starts_on, "end": period.ends_on}
        )
    return day


def _staff_of(unit: Unit, person: Any, label: str) -> Any:
    User = get_user_model()
    person_id = getattr(person, "pk", person)
    found = User.objects.filter(pk=person_id, unit=unit, is_active=True).first() if person_id else None
    if found is None:
        raise ValidationError(
            _("%(label)s harus pegawai aktif yang terdaftar pada %(unit)s.") % {"label": label, "unit": unit.name}
        )
    return found


def _decimal(value: Any, label: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(_("%(label)s wajib diisi.") % {"label": label})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label}) from exc
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ValidationError(_("%(label)s harus angka positif yang wajar.") % {"label": label})
    return number


def _lke_codes(codes: Iterable[str] | str, period: Period) -> list[str]:
    if isinstance(codes, str):
        codes = codes.replace(",", " ").split()
    wanted = sorted({str(code).strip() for code in codes if str(code).strip()})
    if not wanted:
        return []
    known = set(
        LkeQuestion.objects.filter(template_id=period.template_id, code__in=wanted).values_list("code", flat=True)
    )
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ValidationError(
            _("Kode pertanyaan LKE tidak dikenal pada template periode ini: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    return wanted
