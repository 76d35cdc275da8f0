"""How a record is named on generic surfaces: the audit trail, exports, notifications, any list of mixed objects.

Why one place: a record's ``str()`` is written for the people who handle it. Integrity reports (whistle-blowing,
gratification, conflict of interest) carry a subject or a description that can name the accused or the reporter;
holders of ``audit.view`` (agency admins, national viewers) must not read it, though they see that the record
exists and changed. So every generic surface asks :func:`label` (a live object) or :func:`describe_events` (audit
rows), never ``str(obj)`` or ``AuditEvent.object_repr``:

- a confidential record is named neutrally ("Laporan WBS #12") unless the viewer is an integrity handler of its
  unit (``integrity.handle``, decided by :mod:`zi.organisations.access`);
- the audit trail stores that neutral name for new events of these types (:func:`stored_label`). Older events
  keep the subject they were written with — the rows are hash-chained and never rewritten — so the display
  ignores the stored text of these types and, for non-handlers, keeps only the snapshot fields in
  ``Confidential.public_fields``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
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


def may_reveal(viewer: Any, object_type: str, unit: Any) -> bool:
    """May ``viewer`` read the name and content of a confidential record placed at ``unit``?"""
    if not is_confidential(object_type):
        return True
    if viewer is None or unit is None:
        return False
    from zi.organisations.access import Action, may

    return may(viewer, Action.INTEGRITY_HANDLE, unit)


def label(obj: models.Model, viewer: Any = None) -> str:
    """How ``obj`` is named in a generic list seen by ``viewer`` (None: an unknown reader — neutral)."""
    object_type = type_of(obj)
    if is_confidential(object_type) and not may_reveal(viewer, object_type, getattr(obj, "unit", None)):
        return neutral_label(object_type, obj.pk)
    return str(obj)


def mask_snapshot(object_type: str, data: Any) -> Any:
    """A snapshot with every field a non-handler may not read replaced by "(dirahasiakan)"."""
    if not is_confidential(object_type) or not isinstance(data, dict):
        return data
    public = CONFIDENTIAL[object_type].public_fields
    return {key: (value if key in public else str(HIDDEN)) for key, value in data.items()}


# --- audit events ----------------------------------------------------------------------------------------------


@dataclass
class EventView:
    """One audit event as a viewer may see it."""

    event: Any
    label: str
    before: Any
    after: Any
    unit: Any = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:  # seq, action, actor_label, hash … from the event itself
        return getattr(self.event, name)


def _changes(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def describe_events(events: Iterable[Any], viewer: Any) -> list[EventView]:
    """Audit events ready to display to ``viewer``: the label through :func:`label`'s rule, snapshots masked for
    confidential types the viewer does not handle, the unit (for its local time). Two queries per page at most
    plus one per confidential type the viewer handles."""
    from zi.organisations.models import Unit

    events = list(events)
    paths = {e.scope_path for e in events if e.scope_path and not e.scope_path.startswith("a")}
    units = {u.path: u for u in Unit.objects.filter(path__in=paths).select_related("agency")} if paths else {}
    revealed: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if is_confidential(e.object_type) and may_reveal(viewer, e.object_type, units.get(e.scope_path)):
            revealed[e.object_type].add(e.object_id)
    live: dict[tuple[str, str], str] = {}
    for object_type, ids in revealed.items():
        model = apps.get_model(object_type)
        for obj in model._base_manager.filter(pk__in=[i for i in ids if i.isdigit()]):
            live[(object_type, str(obj.pk))] = str(obj)
    views = []
    for e in events:
        unit = units.get(e.scope_path)
        before, after = e.before, e.after
        if not is_confidential(e.object_type):
            text = e.object_repr
        elif e.object_id in revealed[e.object_type]:
            name = live.get((e.object_type, e.object_id)) or e.object_repr
            text = f"{neutral_label(e.object_type, e.object_id)}: {name}"
        else:
            text = neutral_label(e.object_type, e.object_id)
            before, after = mask_snapshot(e.object_type, before), mask_snapshot(e.object_type, after)
        views.append(EventView(e, text, before, after, unit, _changes(before, after)))
    return views


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
