"""What the survey pages share: loading a campaign the user may see, manage or evaluate; running a service for a
button or a form (its refusal shown, never an error page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from zi.surveys.models import Campaign, RespondentGroup
from zi.surveys.selectors import may_exclude, may_manage, visible_campaigns
from zi.surveys.services.errors import SurveyError

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
    if not may_manage(request.user, campaign):
        raise PermissionDenied
    return campaign


def _evaluated_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign whose answers the user may judge (exclude, rescan): evaluators only."""
    campaign = _campaign_for(request, pk)
    if not may_exclude(request.user, campaign):
        raise PermissionDenied
    return campaign


def _attempt(request: HttpRequest, write: Callable[[], Any], done: Callable[[Any], str] | str | None = None) -> bool:
    """Run a service for a button: its refusal (``SurveyError``) becomes an error message, else ``done`` (a text, or
    a function of the service's result) a success message. True when the service ran."""
    try:
        result = write()
    except SurveyError as exc:
        messages.error(request, str(exc))
        return False
    if done is not None:
        messages.success(request, done(result) if callable(done) else done)
    return True


def _form_attempt(request: HttpRequest, form: Any, write: Callable[[], Any], done: str) -> Any:
    """Run a service for a valid form: its refusal (``SurveyError``) becomes a form error (None), else ``done`` a
    success message and the service's result."""
    try:
        result = write()
    except SurveyError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, done)
    return result
