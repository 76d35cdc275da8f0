"""Reads of the predicate register. The one answer to "which predicate does this unit hold" and "may it be
proposed again" for every surface (workflow guards, unit page, dashboards, public page).

The predicate a unit holds is that of its latest decree, unless that award was revoked: a revocation ends the
predicate held (earlier awards stay in the history). Decrees dated after ``on`` are ignored, so the same rule
answers "what did the unit hold on that day" for imports of past decrees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core.actors import Actor
from zi.organisations.access import Action, restrict
from zi.organisations.models import Unit
from zi.predicates.models import Award, Predicate


def _held(awards: Iterable[Award]) -> Award | None:
    latest = None
    for award in awards:  # ordered by decree date
        latest = award
    return latest if latest is not None and latest.revoked_on is None else None


def held_awards(units: QuerySet[Unit] | Iterable[int], *, on: dt.date | None = None) -> dict[int, Award]:
    """unit id → the award it holds (on ``on``, default today); units without a predicate are absent.

    One query: ``units`` may be a queryset (used as a subquery) or ids."""
    on = on or timezone.localdate()
    unit_filter = Q(unit__in=units) if isinstance(units, QuerySet) else Q(unit_id__in=list(units))
    by_unit: dict[int, list[Award]] = {}
    rows = Award.objects.filter(unit_filter, decree_date__lte=on).order_by("unit_id", "decree_date", "pk")
    for award in rows:
        by_unit.setdefault(award.unit_id, []).append(award)
    held = {unit_id: _held(awards) for unit_id, awards in by_unit.items()}
    return {unit_id: award for unit_id, award in held.items() if award is not None}


def held_award(unit: Unit, *, on: dt.date | None = None) -> Award | None:
    return held_awards([unit.pk], on=on).get(unit.pk)


def current_predicate(unit: Unit, *, on: dt.date | None = None) -> str:
    """``"WBK"``, ``"WBBM"`` or ``""``."""
    award = held_award(unit, on=on)
    return award.predicate if award else ""


def holds_wbk(unit: Unit, *, on: dt.date | None = None) -> bool:
    """The WBBM precondition: the unit holds WBK (or already WBBM)."""
    return current_predicate(unit, on=on) in (Predicate.WBK, Predicate.WBBM)


def ban_until(unit: Unit, *, today: dt.date | None = None) -> dt.date | None:
    """The day the unit may be proposed again after a revocation, while that day is still ahead; else None."""
    today = today or timezone.localdate()
    last = (
        Award.objects.filter(unit=unit, ban_until__gt=today).order_by("-ban_until").values_list("ban_until", flat=True)
    )
    return last.first()


def history(unit: Unit) -> list[Award]:
    """Every award of the unit, oldest decree first."""
    return list(Award.objects.filter(unit=unit).order_by("decree_date", "pk"))


def histories(unit_ids: Iterable[int]) -> dict[int, list[Award]]:
    """unit id → its awards, oldest first (one query)."""
    found: dict[int, list[Award]] = {}
    for award in Award.objects.filter(unit_id__in=list(unit_ids)).order_by("unit_id", "decree_date", "pk"):
        found.setdefault(award.unit_id, []).append(award)
    return found


def register(user: Actor, *, year: int | None = None, predicate: str = "", q: str = "") -> QuerySet[Award]:
    """The awards of the units ``user`` may see, newest decree first."""
    qs = restrict(Award.objects.select_related("unit", "unit__agency"), user, Action.UNIT_VIEW)
    if year:
        qs = qs.filter(year=year)
    if predicate in Predicate.values:
        qs = qs.filter(predicate=predicate)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(unit__code__iexact=q) | Q(decree_number__icontains=q))
    return qs.order_by("-decree_date", "unit__path", "pk")


def holder_summary(units: QuerySet[Unit]) -> dict[str, Any]:
    """Holders among ``units`` today: counts per predicate and, per predicate, the units with their award year and
    decree (number, date)."""
    held = held_awards(units)
    names = dict(Unit.objects.filter(pk__in=list(held)).values_list("pk", "name"))
    counts = {value: 0 for value in Predicate.values}
    holders: dict[str, list[dict[str, Any]]] = {value: [] for value in Predicate.values}
    for unit_id, award in held.items():
        counts[award.predicate] += 1
        holders[award.predicate].append(
            {
                "unit_id": unit_id,
                "unit": names.get(unit_id, ""),
                "year": award.year,
                "decree_number": award.decree_number,
                "decree_date": award.decree_date,
            }
        )
    for rows in holders.values():
        rows.sort(key=lambda row: (row["year"], row["unit"]))
    return {"counts": counts, "holders": holders, "total": sum(counts.values())}


def years_with_awards(user: Actor) -> list[int]:
    """The years of the awards ``user`` may see (the register's year filter offers nothing that would be empty)."""
    awards = restrict(Award.objects.all(), user, Action.UNIT_VIEW)
    return list(awards.order_by("-year").values_list("year", flat=True).distinct())


def _history_text(award: Award) -> str:
    if award.revoked_on is None:
        return f"{award.predicate} {award.year}"
    return _("%(predicate)s %(year)s (dicabut %(date)s)") % {
        "predicate": award.predicate,
        "year": award.year,
        "date": f"{award.revoked_on:%d-%m-%Y}",
    }


def public_holders(*, q: str = "", year: int | None = None) -> list[dict[str, Any]]:
    """Units holding a predicate today, for the public page: only public facts (unit, agency, predicate, award
    year, decree, and the unit's earlier awards). ``year`` filters on the award year; newest first."""
    active = Unit.objects.filter(is_active=True)
    q = (q or "").strip()
    if q:
        active = active.filter(Q(name__icontains=q) | Q(agency__name__icontains=q))
    held = held_awards(active)
    if year is not None:
        held = {unit_id: award for unit_id, award in held.items() if award.year == year}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(held)).select_related("agency")}
    earlier = histories(held)
    rows: list[dict[str, Any]] = []
    for unit_id, award in held.items():
        unit = units[unit_id]
        rows.append(
            {
                "unit": unit.name,
                "unit_id": unit_id,
                "agency": unit.agency.name,
                "predicate": award.predicate,
                "year": award.year,
                "decree_number": award.decree_number,
                "decree_date": award.decree_date,
                "history": [_history_text(a) for a in earlier.get(unit_id, []) if a.pk != award.pk],
            }
        )
    rows.sort(key=lambda row: (-row["year"], row["agency"], row["unit"]))
    return rows
