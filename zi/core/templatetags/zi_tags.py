from __future__ import annotations

from typing import Any

from django import template

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
def audit_value(value: Any) -> str:
    """A snapshot value in the audit trail's change list (already masked by :mod:`zi.core.labels`)."""
    from zi.core.labels import display_value

    return display_value(value)
