"""The public transparency page: official predicates (from the workflow app, when it provides them) and each
unit's latest public-service indices. Only public facts: unit and agency names, year, predicate, IKM/IPKP and
respondent counts — never scores of unfinished assessments, people or complaints."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.db.models import Q, QuerySet

from zi.insights.models import UnitPeriodRollup


def official_predicates(q: str = "") -> list[dict[str, Any]] | None:
    """Rows ``{"unit", "agency", "predicate", "year"}`` from ``zi.workflow.selectors.public_predicates(q=…)``;
    None while the workflow app does not provide it (the page then says so)."""
    if importlib.util.find_spec("zi.workflow.selectors") is None:
        return None
    func = getattr(importlib.import_module("zi.workflow.selectors"), "public_predicates", None)
    if func is None:
        return None
    return [dict(row) for row in func(q=q)]


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
