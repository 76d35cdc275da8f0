"""How a record is named on generic surfaces: the audit trail, exports, notifications, any list of mixed objects.

Why one place: a record's ``str()`` is written for the people who handle it. Integrity reports (whistle-blowing,
gratification, conflict of interest) carry a subject or a description that can name the accused or the reporter;
holders of ``audit.view`` (agency admins, national viewers) must not read it, though they see that the record
exists and changed. So every generic surface asks :func:`zi.organisations.labels.label` (a live object) or
:func:`zi.organisations.labels.describe_events` (audit rows), never ``str(obj)`` or ``AuditEvent.object_repr``.
This module (the lowest layer, used by the audit trail itself) holds the table and the neutral names; the
viewer-dependent half is :mod:`zi.organisations.labels`:

- a confidential record is named neutrally ("Laporan WBS #12") unless the viewer is an integrity handler of its
  unit (``integrity.handle``, decided by :mod:`zi.organisations.access`);
- the audit trail stores that neutral name for new events of these types (:func:`stored_label`). Older events
  keep the subject they were written with — the rows are hash-chained and never rewritten — so the display
  ignores the stored text of these types and, for non-handlers, keeps only the snapshot fields in
  ``Confidential.public_fields``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

HIDDEN = _("(dirahasiakan)")


@dataclass(frozen=True)
class Confidential:
    """A record type that is never named outside its handlers."""

    noun: Any  # lazy text: "Laporan WBS"
    public_fields: frozenset[str]  # snapshot keys (attnames) that anyone allowed to see the event may read


CONFIDENTIAL: dict[str, Confidential] = {
    "programme.whistlereport": Confidential(
        _("Laporan WBS"), frozenset({"unit_id", "received_at", "status", "identity_given"})
    ),
    "programme.gratificationreport": Confidential(
        _("Laporan gratifikasi"), frozenset({"unit_id", "offered_on", "refused", "decision"})
    ),
    "programme.conflictofinterest": Confidential(
        _("Catatan benturan kepentingan"), frozenset({"unit_id", "declared_on", "status"})
    ),
}


def type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def is_confidential(object_type: str) -> bool:
    return object_type in CONFIDENTIAL


def neutral_label(object_type: str, object_id: Any) -> str:
    """ "Laporan WBS #12": the name every generic surface shows for a confidential record (active language)."""
    return f"{CONFIDENTIAL[object_type].noun} #{object_id}"


def stored_label_for(object_type: str, object_id: Any) -> str:
    """What the audit trail stores as ``object_repr`` of a confidential record: its neutral name in the source
    language (the stored text must not depend on who made the change)."""
    with translation.override(settings.LANGUAGE_CODE):
        return neutral_label(object_type, object_id)


def stored_label(obj: models.Model) -> str:
    """What the audit trail stores as ``object_repr`` at write time: the neutral name for confidential types,
    ``str(obj)`` else."""
    object_type = type_of(obj)
    return stored_label_for(object_type, obj.pk) if is_confidential(object_type) else str(obj)


def mask_snapshot(object_type: str, data: Any) -> Any:
    """A snapshot with every field a non-handler may not read replaced by "(dirahasiakan)"."""
    if not is_confidential(object_type) or not isinstance(data, dict):
        return data
    public = CONFIDENTIAL[object_type].public_fields
    return {key: (value if key in public else str(HIDDEN)) for key, value in data.items()}


def display_value(value: Any) -> str:
    """A snapshot value as short text for the change list."""
    if value is None:
        return "–"
    if isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    elif isinstance(value, list):
        text = ", ".join(map(str, value))
    else:
        text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"
