"""Reads of the integrity registers, each cut to its audience: the two registers by whoever reads the unit's
programme records (``programme.read``), whistle-blowing reports by integrity handlers only; the unit itself
learns counts."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from zi.core.actors import Actor
from zi.integrity.models import ConflictOfInterest, GratificationReport, WhistleReport, WhistleStatus
from zi.organisations.access import Action, restrict
from zi.organisations.models import Unit


def gratifications_for(*, user: Actor, unit: Unit) -> QuerySet[GratificationReport]:
    return restrict(GratificationReport.objects.filter(unit=unit), user, Action.PROGRAMME_READ).select_related(
        "reporter"
    )


def conflicts_for(*, user: Actor, unit: Unit) -> QuerySet[ConflictOfInterest]:
    return restrict(ConflictOfInterest.objects.filter(unit=unit), user, Action.PROGRAMME_READ).select_related("person")


def whistle_reports_for(*, user: Actor, unit: Unit | None = None) -> QuerySet[WhistleReport]:
    """Only integrity handlers see whistle-blowing reports (never the unit's own team)."""
    reports = restrict(WhistleReport.objects.all(), user, Action.INTEGRITY_HANDLE)
    if unit is not None:
        reports = reports.filter(unit__path__startswith=unit.path)
    return reports.select_related("unit")


def whistle_counts(*, unit: Unit) -> dict[str, int]:
    """What the unit may know about reports on itself: counts only."""
    return WhistleReport.objects.filter(unit=unit).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=[WhistleStatus.RECEIVED, WhistleStatus.INVESTIGATING])),
    )
