"""The public transparency page: predicates held (from the predicate register) and each
unit's latest public-service indices. Only public facts: unit and agency names, year, predicate, IKM/IPKP and
respondent counts — never scores of unfinished assessments, people or complaints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zi.insights.models import UnitPeriodRollup
from zi.organisations.models import Unit
from zi.organisations.timezones import format_local_date
from zi.predicates.selectors import held_award, history, public_holders
from zi.surveys.models import Campaign, InstrumentKind

PUBLIC_INDEX_PERIODS = 5  # periods of indices shown on a unit's public page


def official_predicates(q: str = "", year: int | None = None) -> list[dict[str, Any]]:
    """Rows ``{"unit", "agency", "predicate", "year", "decree_number", "decree_date", "history"}``: the predicate each
    unit holds today, from the predicate register (:func:`zi.predicates.selectors.public_holders`)."""
    return public_holders(q=q, year=year)


def predicate_years(predicates: list[dict[str, Any]]) -> list[int]:
    """Years that have at least one public predicate (the page's year filter), newest first."""
    return sorted({row["year"] for row in predicates}, reverse=True)


def latest_predicate_by_unit(predicates: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(unit name, agency name) → "WBK 2026": the newest predicate of each unit, shown next to its indices."""
    out: dict[tuple[str, str], str] = {}
    for row in predicates:  # newest year first
        out.setdefault((row["unit"], row["agency"]), f"{row['predicate']} {row['year']}")
    return out


def public_indices(q: str = "") -> QuerySet[UnitPeriodRollup, Mapping[str, Any]]:
    """Per unit its latest period with an IKM or IPKP (values only, ordered by unit name)."""
    qs = UnitPeriodRollup.objects.filter(Q(ikm__isnull=False) | Q(ipkp__isnull=False), unit__is_active=True)
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(agency__name__icontains=q))
    return qs.order_by("unit__name", "unit_id", "-period__year").values(
        "unit_id", "unit__name", "agency__name", "period__year", "ikm", "ipkp", "respondents"
    )


def latest_per_unit(rows: QuerySet) -> list[dict[str, Any]]:
    """Keep the newest period per unit (rows come ordered by unit then year descending)."""
    seen: set[int] = set()
    out = []
    for row in rows:
        if row["unit_id"] in seen:
            continue
        seen.add(row["unit_id"])
        out.append(row)
    return out


def unit_public_facts(unit_id: int) -> dict[str, Any] | None:
    """The public facts of one active unit (its public page), or None when there is no such unit: name and agency,
    every predicate award (predicate, year, revocation date; never the decree number or the revocation reason, as on
    the transparency page), its public-service indices per period (newest first) and the surveys open to the public.

    Plain data (no model instances) so the view can cache it; the page itself is rendered per request."""
    unit = Unit.objects.filter(pk=unit_id, is_active=True).select_related("agency", "unit_type").first()
    if unit is None:
        return None
    held = held_award(unit)
    awards = [
        {
            "predicate": award.predicate,
            "year": award.year,
            "revoked_on": award.revoked_on,
            "held": held is not None and award.pk == held.pk,
        }
        for award in reversed(history(unit))  # newest first
    ]
    indices = list(
        UnitPeriodRollup.objects.filter(Q(ikm__isnull=False) | Q(ipkp__isnull=False), unit=unit)
        .order_by("-period__year", "-period__starts_on", "-period_id")
        .values("period__year", "period__name", "ikm", "ipkp", "respondents")[:PUBLIC_INDEX_PERIODS]
    )
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "agency": unit.agency.name,
        "unit_type": str(unit.unit_type) if unit.unit_type_id else "",
        "predicate": f"{held.predicate} {held.year}" if held else "",
        "awards": awards,
        "indices": indices,
        "surveys": open_public_surveys(unit),
    }


def open_public_surveys(unit: Unit, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Campaigns of ``unit`` anyone may answer right now: open (not closed early, between opening and closing), no
    one-time code required, and at least one instrument for the public (internal staff/WBP surveys are left out).
    ``{"title", "token", "closes_on"}`` (the closing day in the unit's zone), closing soonest first."""
    now = now or timezone.now()
    campaigns = (
        Campaign.objects.filter(unit=unit, closed_at__isnull=True, opens_at__lte=now, closes_at__gt=now)
        .filter(require_code=False)
        .filter(instruments__kind__in=[k for k in InstrumentKind.values if k != InstrumentKind.INTERNAL])
        .distinct()
        .order_by("closes_at", "pk")
    )
    return [{"title": c.title, "token": c.token, "closes_on": format_local_date(c.closes_at, unit)} for c in campaigns]
