"""The public transparency page: predicates held (from the predicate register) and each
unit's latest public-service indices. Only public facts: unit and agency names, year, predicate, IKM/IPKP and
respondent counts — never scores of unfinished assessments, people or complaints."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zi.insights.models import UnitPeriodRollup
from zi.predicates.selectors import public_holders


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


def public_indices(q: str = "") -> QuerySet[UnitPeriodRollup]:
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
