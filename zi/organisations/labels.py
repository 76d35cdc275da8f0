"""The viewer-dependent half of the labelling rule (see :mod:`zi.core.labels` for why and for the table).

:func:`label` names a live record for a viewer; :func:`describe_events` prepares audit rows for a viewer. Both
ask :mod:`zi.organisations.access` whether the viewer handles integrity reports of the record's unit.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from zi.core.actors import Actor
from zi.core.labels import (
    HIDDEN,
    KEY_NAMERS,
    KEY_VALUES,
    LIVE_NAMES,
    action_name,
    actor_name,
    current_type,
    display_value,
    field_name,
    is_confidential,
    key_value,
    mask_snapshot,
    model_field,
    neutral_label,
    object_type_name,
    type_of,
)
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.timezones import format_local


def may_reveal(viewer: Actor, object_type: str, unit: Any) -> bool:
    """May ``viewer`` read the name and content of a confidential record placed at ``unit``?"""
    if not is_confidential(object_type):
        return True
    if viewer is None or unit is None:
        return False
    return may(viewer, Action.INTEGRITY_HANDLE, unit)


def label(obj: models.Model, viewer: Actor = None) -> str:
    """How ``obj`` is named in a generic list seen by ``viewer`` (None: an unknown reader — neutral)."""
    object_type = type_of(obj)
    if is_confidential(object_type) and not may_reveal(viewer, object_type, getattr(obj, "unit", None)):
        return neutral_label(object_type, obj.pk)
    return str(obj)


# --- audit events ----------------------------------------------------------------------------------------------


SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Shown:
    """A snapshot value as a person reads it; ``full`` holds a hash's whole hex when ``text`` is its fingerprint."""

    text: str
    full: str = ""


@dataclass
class EventView:
    """One audit event as a viewer may see it: every word through the labelling rules (field names, values,
    the object's type, the action, the actor)."""

    event: Any
    label: str
    before: Any
    after: Any
    unit: Any = None
    changes: list[tuple[str, Shown, Shown]] = field(default_factory=list)
    object_type_label: str = ""
    action_label: str = ""
    actor: str = ""

    def __getattr__(self, name: str) -> Any:  # seq, created_at, hash … from the event itself
        return getattr(self.event, name)


def _changed_keys(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _number(value: Any) -> str:
    return str(formats.number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True))


def _moment(field: models.Field, value: str, unit: Any) -> str | None:
    try:
        if isinstance(field, models.DateTimeField):
            return format_local(dt.datetime.fromisoformat(value), unit, seconds=True)
        if isinstance(field, models.DateField):
            return f"{dt.date.fromisoformat(value):%d-%m-%Y}"
    except ValueError:
        return None
    return None


def _plain(value: Any, key: str = "") -> Shown:
    """A value without a field to read it by: words registered for its key, numbers localised, yes/no, hashes as
    fingerprints."""
    if isinstance(value, list) and key in KEY_NAMERS:
        names = KEY_NAMERS[key](value)
        return Shown(display_value([names.get(str(v)) or _plain(v).text for v in value]))
    if isinstance(value, list) and key in KEY_VALUES:
        return Shown(display_value([key_value(key, v) or _plain(v).text for v in value]))
    if isinstance(value, str) and (known := key_value(key, value)) is not None:
        return Shown(known)
    if value is None or value == "":
        return Shown("–")
    if isinstance(value, bool):
        return Shown(_("Ya") if value else _("Tidak"))
    if isinstance(value, int | float | decimal.Decimal):
        return Shown(_number(value))
    if isinstance(value, str) and SHA256.match(value):
        return Shown(value[:12], full=value)
    if isinstance(value, dict):
        return Shown(display_value({field_name("", str(k)): _plain(v).text for k, v in value.items()}))
    if isinstance(value, list):
        return Shown(display_value([_plain(v).text for v in value]))
    return Shown(display_value(value))


def _shown(object_type: str, key: str, value: Any, unit: Any, related: dict[tuple[Any, str], str]) -> Shown:
    """One snapshot value through its model field: a choice by its label, a foreign key by the record's name,
    a date or time the Indonesian way in the unit's zone, a number localised, a file by its name."""
    field = model_field(object_type, key)
    if value is None or value == "" or value == str(HIDDEN) or field is None:
        return _plain(value, key)
    if field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        return Shown(str(labels.get(str(value), value)))
    if field.is_relation and field.related_model is not None:
        name = related.get((field.related_model, str(value)))
        return Shown(name if name is not None else f"#{value}")
    if isinstance(field, models.DateField) and isinstance(value, str):
        moment = _moment(field, value, unit)
        if moment is not None:
            return Shown(moment)
    if isinstance(field, models.FileField) and isinstance(value, str):
        name = value.rsplit("/", 1)[-1]
        stem = name.split(".", 1)[0]
        return Shown(stem[:12], full=stem) if SHA256.match(stem) else Shown(name)
    if isinstance(field, models.DecimalField | models.FloatField) and isinstance(value, str | int | float):
        try:
            return Shown(_number(decimal.Decimal(str(value))))
        except decimal.InvalidOperation:
            return _plain(value)
    return _plain(value, key)


def _related_names(events: list[Any], viewer: Actor) -> dict[tuple[Any, str], str]:
    """The names of every record the page's snapshots point at: one query per related model."""
    wanted: dict[Any, set[str]] = defaultdict(set)
    for e in events:
        for snap in (e.before, e.after):
            if not isinstance(snap, dict):
                continue
            for key, value in snap.items():
                field = model_field(e.object_type, key)
                if value not in (None, "") and field is not None and field.is_relation and field.related_model:
                    wanted[field.related_model].add(str(value))
    names: dict[tuple[Any, str], str] = {}
    for model, ids in wanted.items():
        pks = [i for i in ids if i.isdigit()]
        if not pks:
            continue
        objects = model._base_manager.filter(pk__in=pks)
        if is_confidential(model._meta.label_lower):
            objects = objects.select_related("unit")
        for obj in objects:
            names[(model, str(obj.pk))] = _related_label(obj, viewer)
    return names


def _related_label(obj: models.Model, viewer: Actor) -> str:
    if obj._meta.label_lower == get_user_model()._meta.label_lower:  # a person by name, not by login
        return getattr(obj, "full_name", "") or getattr(obj, "username", "") or f"#{obj.pk}"
    return label(obj, viewer)


def _changes(
    object_type: str, before: Any, after: Any, unit: Any, related: dict[tuple[Any, str], str]
) -> list[tuple[str, Shown, Shown]]:
    return [
        (
            field_name(object_type, key),
            _shown(object_type, key, old, unit, related),
            _shown(object_type, key, new, unit, related),
        )
        for key, old, new in _changed_keys(before, after)
    ]


def describe_events(events: Iterable[Any], viewer: Actor) -> list[EventView]:
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
        model = apps.get_model(current_type(object_type))
        for obj in model._base_manager.filter(pk__in=[i for i in ids if i.isdigit()]):
            live[(object_type, str(obj.pk))] = str(obj)
    related = _related_names(events, viewer)
    actor_ids = {e.actor_id for e in events if e.actor_id}
    people = dict(get_user_model()._base_manager.filter(pk__in=actor_ids).values_list("pk", "full_name"))
    named: dict[str, dict[str, str]] = {}
    for object_type, names in LIVE_NAMES.items():
        wanted = [e.object_id for e in events if e.object_type == object_type and e.object_id.isdigit()]
        named[object_type] = {str(pk): name for pk, name in names(wanted).items()} if wanted else {}
    views = []
    for e in events:
        unit = units.get(e.scope_path)
        before, after = e.before, e.after
        if not is_confidential(e.object_type):
            text = named.get(e.object_type, {}).get(e.object_id) or e.object_repr
        elif e.object_id in revealed[e.object_type]:
            name = live.get((e.object_type, e.object_id)) or e.object_repr
            text = f"{neutral_label(e.object_type, e.object_id)}: {name}"
        else:
            text = neutral_label(e.object_type, e.object_id)
            before, after = mask_snapshot(e.object_type, before), mask_snapshot(e.object_type, after)
        views.append(
            EventView(
                e,
                text,
                before,
                after,
                unit,
                _changes(e.object_type, before, after, unit, related),
                object_type_name(e.object_type),
                action_name(e.action),
                people.get(e.actor_id) or actor_name(e.actor_label),
            )
        )
    return views
