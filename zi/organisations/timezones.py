"""A unit's local time: Indonesia has three zones (WIB, WITA, WIT) and a unit works in its province's.

Why: the server stores UTC and Django renders in ``settings.TIME_ZONE`` (Asia/Jakarta); a PDF or export built with
``strftime`` on a stored value printed UTC, so one report said 06-12 19:38 while the page said 07-12 02:38, and a
unit in Makassar or Jayapura read Jakarta times on its own pages. Every surface that shows a unit's time (pages,
PDFs, xlsx/csv exports, e-mails) formats it with :func:`format_local` (or the ``unit_time`` template filter) in
:func:`unit_timezone`, with the zone's abbreviation, so they all agree.

The province → zone table is data (``data/province_timezones.yaml``, source noted there); ``Unit.time_zone``
overrides it for a unit whose province is missing or that works on another zone's time.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).parent / "data" / "province_timezones.yaml"

ZONE_CHOICES = [
    ("Asia/Jakarta", _("WIB (Waktu Indonesia Barat, UTC+7)")),
    ("Asia/Makassar", _("WITA (Waktu Indonesia Tengah, UTC+8)")),
    ("Asia/Jayapura", _("WIT (Waktu Indonesia Timur, UTC+9)")),
]


def _key(name: str) -> str:
    text = re.sub(r"\s+", " ", (name or "").strip().lower())
    return re.sub(r"^provinsi ", "", text)


@functools.cache
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(province key → zone name, zone name → abbreviation), read once from the data file."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    zones: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    for zone, spec in data["zones"].items():
        abbreviations[zone] = spec["abbreviation"]
        for province in spec["provinces"]:
            zones[_key(province)] = zone
    for alias, province in (data.get("aliases") or {}).items():
        zones[_key(alias)] = zones[_key(province)]
    return zones, abbreviations


def province_zone(province: str) -> str | None:
    """The IANA zone of a province, or None when it is empty or unknown."""
    return _table()[0].get(_key(province))


def default_zone() -> str:
    return settings.TIME_ZONE


def zone_name(unit: Any) -> str:
    """The IANA name of ``unit``'s zone: its override, else its province's, else its agency's, else the default."""
    if unit is None:
        return default_zone()
    override = getattr(unit, "time_zone", "") or ""
    if override:
        return override
    zone = province_zone(getattr(unit, "province", "") or "")
    if zone is None and getattr(unit, "agency_id", None):
        zone = province_zone(unit.agency.province)
    return zone or default_zone()


def unit_timezone(unit: Any) -> ZoneInfo:
    """The time zone a unit works in (None: the default, Asia/Jakarta)."""
    return ZoneInfo(zone_name(unit))


def abbreviation(zone: ZoneInfo | str) -> str:
    """WIB / WITA / WIT for the Indonesian zones, the zone's own abbreviation otherwise (e.g. UTC)."""
    name = zone if isinstance(zone, str) else zone.key
    known = _table()[1].get(name)
    if known:
        return known
    return dt.datetime.now(ZoneInfo(name)).tzname() or name


def local(moment: dt.datetime, unit: Any) -> dt.datetime:
    """``moment`` (aware; a naive one is taken as UTC) in ``unit``'s zone."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment.astimezone(unit_timezone(unit))


def format_local(moment: dt.datetime | None, unit: Any, *, seconds: bool = False, empty: str = "–") -> str:
    """ "07-12-2026 02.38 WIB": day-month-year, the time in the unit's zone and the zone's abbreviation.

    Indonesian separates hours and minutes with a dot (PUEBI); English with a colon."""
    if moment is None:
        return empty
    if not isinstance(moment, dt.datetime):  # a date has no zone
        return f"{moment:%d-%m-%Y}"
    value = local(moment, unit)
    sep = ":" if (get_language() or "").startswith("en") else "."
    clock = f"%H{sep}%M{sep}%S" if seconds else f"%H{sep}%M"
    return f"{value:%d-%m-%Y} {value.strftime(clock)} {abbreviation(value.tzinfo)}"  # type: ignore[arg-type]


def format_local_date(moment: dt.datetime | dt.date | None, unit: Any, empty: str = "–") -> str:
    """ "07-12-2026": the calendar day in the unit's zone (a UTC evening is already tomorrow in Jayapura)."""
    if moment is None:
        return empty
    if isinstance(moment, dt.datetime):
        moment = local(moment, unit).date()
    return f"{moment:%d-%m-%Y}"
