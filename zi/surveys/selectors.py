"""Survey reads that users see, scoped through :mod:`zi.organisations.access`.

Campaign reads and writes have their domain actions, derived from the assessment actions in ``access.py`` (seeing:
``survey.view`` = ``assessment.view_draft`` ∪ ``assessment.view_submitted``; running a campaign: ``survey.manage`` =
``assessment.answer``; excluding answers and recording an external index: ``survey.evaluate`` =
``review.score`` ∪ ``tpi.score``). Instruments have their own action, ``survey.instrument``.
"""

from __future__ import annotations

from django.db.models import Max, Q, QuerySet

from zi.core.actors import Actor
from zi.organisations.access import Action, may, visible_units
from zi.organisations.models import Agency
from zi.surveys.models import Campaign, Instrument


def visible_campaigns(user: Actor) -> QuerySet[Campaign]:
    """Campaigns on units where the user may see draft or submitted assessments (unit team, head, evaluators)."""
    return Campaign.objects.restrict(user, Action.SURVEY_VIEW)


def may_manage_instrument(user: Actor, instrument: Instrument) -> bool:
    """New versions and periods of an instrument: the owning agency's grant of ``survey.instrument``; national
    (standard) instruments have no unit or agency, so :func:`may` accepts only a grant without scope."""
    if instrument.agency_id:
        return may(user, Action.SURVEY_INSTRUMENT_MANAGE, instrument.agency)
    return may(user, Action.SURVEY_INSTRUMENT_MANAGE, instrument)


def instrument_agencies(user: Actor) -> list[Agency]:
    """Agencies for which the user may create internal survey instruments."""
    if not may(user, Action.SURVEY_INSTRUMENT_MANAGE):
        return []
    return [agency for agency in Agency.objects.order_by("name") if may(user, Action.SURVEY_INSTRUMENT_MANAGE, agency)]


def visible_instruments(user: Actor) -> QuerySet[Instrument]:
    """National instruments, plus the internal instruments of agencies where the user works or manages them."""
    agency_ids = set(visible_units(user, Action.UNIT_VIEW).values_list("agency_id", flat=True).distinct())
    agency_ids |= {a.pk for a in instrument_agencies(user)}
    return Instrument.objects.filter(Q(agency__isnull=True) | Q(agency_id__in=agency_ids))


def campaign_instrument_choices(user: Actor) -> QuerySet[Instrument]:
    """One choice per instrument code for a new campaign: its newest active version (the service then takes the
    version valid for the campaign's period)."""
    newest = (
        visible_instruments(user)
        .filter(is_active=True)
        .values("code", "agency_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return Instrument.objects.filter(pk__in=list(newest)).order_by("kind", "code")
