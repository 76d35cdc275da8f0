"""The viewer-dependent half of the labelling rule (see :mod:`zi.core.labels` for why and for the table).

:func:`label` names a live record for a viewer; :func:`describe_events` prepares audit rows for a viewer. Both
ask :mod:`zi.organisations.access` whether the viewer handles integrity reports of the record's unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from zi.core.labels import is_confidential, mask_snapshot, neutral_label, type_of
from zi.organisations.access import Action, may
from zi.organisations.models import Unit


def may_reveal(viewer: Any, object_type: str, unit: Any) -> bool:
    """May ``viewer`` read the name and content of a confidential record placed at ``unit``?"""
    if not is_confidential(object_type):
        return True
    if viewer is None or unit is None:
        return False
    return may(viewer, Action.INTEGRITY_HANDLE, unit)


def label(obj: models.Model, viewer: Any = None) -> str:
    """How ``obj`` is named in a generic list seen by ``viewer`` (None: an unknown reader — neutral)."""
    object_type = type_of(obj)
    if is_confidential(object_type) and not may_reveal(viewer, object_type, getattr(obj, "unit", None)):
        return neutral_label(object_type, obj.pk)
    return str(obj)


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
