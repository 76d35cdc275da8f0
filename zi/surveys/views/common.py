"""What the survey pages share: loading a campaign the user may see, manage or evaluate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from zi.organisations.access import Action, may
from zi.surveys.models import Campaign, RespondentGroup
from zi.surveys.selectors import visible_campaigns

GROUP_LABELS = dict(RespondentGroup.choices)


def _campaign_for(request: HttpRequest, pk: int) -> Campaign:
    campaign = visible_campaigns(request.user).select_related("unit", "period").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user may change (edit, close, service points, codes): 404 out of scope, 403 without the
    unit team's right."""
    campaign = _campaign_for(request, pk)
    if not may(request.user, Action.SURVEY_MANAGE, campaign):
        raise PermissionDenied
    return campaign


def _evaluated_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign whose answers the user may judge (exclude, rescan): evaluators only."""
    campaign = _campaign_for(request, pk)
    if not may(request.user, Action.SURVEY_EVALUATE, campaign):
        raise PermissionDenied
    return campaign
