"""Template filters for a unit's local time (see :mod:`zi.organisations.timezones`): ``{% load zi_time %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from zi.organisations.timezones import abbreviation, format_local, format_local_date, zone_name

register = template.Library()


@register.filter
def unit_time(value: Any, unit: Any = None) -> str:
    """``{{ moment|unit_time:unit }}``: "07-12-2026 02.38 WIB", the time in the unit's zone (see
    :mod:`zi.organisations.timezones`; no unit: Asia/Jakarta)."""
    return format_local(value, unit) if value not in (None, "") else "–"


@register.filter
def unit_time_seconds(value: Any, unit: Any = None) -> str:
    """Like ``unit_time`` with seconds (the audit trail)."""
    return format_local(value, unit, seconds=True) if value not in (None, "") else "–"


@register.filter
def unit_date(value: Any, unit: Any = None) -> str:
    """``{{ moment|unit_date:unit }}``: "07-12-2026", the calendar day in the unit's zone."""
    return format_local_date(value, unit) if value not in (None, "") else "–"


@register.filter
def unit_zone(unit: Any) -> str:
    """``{{ unit|unit_zone }}``: "WITA (Asia/Makassar)", the zone the unit's times are shown in."""
    name = zone_name(unit)
    return f"{abbreviation(name)} ({name})"


@register.filter
def unit_clock(unit: Any) -> str:
    """``{{ unit|unit_clock }}``: the time now on the unit's clock, "02.38.05 WITA" (e.g. "saved at")."""
    return format_local(timezone.now(), unit, seconds=True).split(" ", 1)[1]  # without the date
