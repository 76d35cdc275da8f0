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
def unit_time(value: Any, unit: Any = None) -> str:
    """``{{ moment|unit_time:unit }}``: "07-12-2026 02.38 WIB", the time in the unit's zone (see
    :mod:`zi.organisations.timezones`; no unit: Asia/Jakarta)."""
    from zi.organisations.timezones import format_local

    return format_local(value, unit) if value not in (None, "") else "–"


@register.filter
def unit_time_seconds(value: Any, unit: Any = None) -> str:
    """Like ``unit_time`` with seconds (the audit trail)."""
    from zi.organisations.timezones import format_local

    return format_local(value, unit, seconds=True) if value not in (None, "") else "–"


@register.filter
def unit_date(value: Any, unit: Any = None) -> str:
    """``{{ moment|unit_date:unit }}``: "07-12-2026", the calendar day in the unit's zone."""
    from zi.organisations.timezones import format_local_date

    return format_local_date(value, unit) if value not in (None, "") else "–"


@register.filter
def audit_value(value: Any) -> str:
    """A snapshot value in the audit trail's change list (already masked by :mod:`zi.core.labels`)."""
    from zi.core.labels import display_value

    return display_value(value)


@register.filter
def unit_zone(unit: Any) -> str:
    """``{{ unit|unit_zone }}``: "WITA (Asia/Makassar)", the zone the unit's times are shown in."""
    from zi.organisations.timezones import abbreviation, zone_name

    name = zone_name(unit)
    return f"{abbreviation(name)} ({name})"


@register.filter
def unit_clock(unit: Any) -> str:
    """``{{ unit|unit_clock }}``: the time now on the unit's clock, "02.38.05 WITA" (e.g. "saved at")."""
    from django.utils import timezone

    from zi.organisations.timezones import format_local

    return format_local(timezone.now(), unit, seconds=True).split(" ", 1)[1]  # without the date
