from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from zi.core.deadlines import deadline_status
from zi.core.labels import actor_name
from zi.core.numbers import number_input_value

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ mapping|get_item:key }}``: dictionary lookup with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def id_decimal(value: Any, places: int = 2) -> str:
    """Format a number the Indonesian way: comma as decimal separator (``3,41``)."""
    if value is None or value == "":
        return "–"
    try:
        return f"{float(value):,.{int(places)}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    except (TypeError, ValueError):
        return str(value)


@register.filter
def number_input(value: Any) -> str:
    """A stored number as typed back into a text input ("1.000", "2,5"): ``zi.core.numbers.number_input_value``."""
    return number_input_value(value)


@register.simple_tag
def deadline(day: Any) -> str:
    """``{% deadline date %}``: the date (dd-mm-yyyy) and its mark — "terlambat N hari" in red when past, otherwise
    "N hari lagi" (:func:`zi.core.deadlines.deadline_status`); "–" without a date."""

    status = deadline_status(day)
    if status is None:
        return "–"
    css = "badge badge-bad deadline-overdue" if status.overdue else "badge deadline-left"
    return format_html('{} <span class="{}">{}</span>', f"{status.day:%d-%m-%Y}", css, status.text)


@register.filter
def actor(stored: Any) -> str:
    """``{{ event.actor_label|actor }}``: who made a change, for a person ("Sistem (data demo)" for the seeds;
    :func:`zi.core.labels.actor_name`)."""
    return actor_name(str(stored or ""))
