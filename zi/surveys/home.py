"""The surveys' item in the home inbox (:mod:`zi.core.home`): campaigns short of the ZI minimum of respondents
(:data:`zi.surveys.indices.ZI_MINIMUM_RESPONDENTS`) whose closing time is near (``NEAR_DAYS``) or already past while
the period is open — the unit's ZI team can still gather answers or extend the campaign. One query: the
respondents are counted in the database (excluded answers do not count), never loaded."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core.actors import Actor
from zi.core.home import PROVIDER_LIMIT, InboxItem
from zi.organisations.access import Action, may, restrict
from zi.surveys.indices import ZI_MINIMUM_RESPONDENTS
from zi.surveys.models import Campaign

RUN = Action.SURVEY_MANAGE  # who runs a campaign
NEAR_DAYS = 14


def short_campaigns(user: Actor) -> list[InboxItem]:
    if not may(user, RUN):
        return []
    now = timezone.now()
    rows = (
        restrict(Campaign.objects.all(), user, RUN)
        .filter(period__is_open=True, closed_at__isnull=True, closes_at__lte=now + dt.timedelta(days=NEAR_DAYS))
        .annotate(respondents=Count("responses", filter=Q(responses__excluded=False)))
        .filter(respondents__lt=ZI_MINIMUM_RESPONDENTS)
        .select_related("unit")
        .order_by("closes_at", "pk")[:PROVIDER_LIMIT]
    )
    return [_item(campaign, now) for campaign in rows]


def _item(campaign: Campaign, now: dt.datetime) -> InboxItem:
    reason = _("%(n)s dari minimal %(min)s responden.") % {"n": campaign.respondents, "min": ZI_MINIMUM_RESPONDENTS}  # type: ignore[attr-defined]  # annotated
    if campaign.closes_at <= now:
        reason += " " + _("Kampanye sudah ditutup: perpanjang atau buat kampanye baru.")
    return InboxItem(
        kind="survey",
        kind_label=_("Survei"),
        title=_("Kumpulkan responden: %(title)s") % {"title": campaign.title},
        unit=campaign.unit.name,
        url=reverse("surveys:campaign_detail", args=[campaign.pk]),
        due=campaign.closes_at,
        reason=reason,
        key=f"campaign:{campaign.pk}",
    )
