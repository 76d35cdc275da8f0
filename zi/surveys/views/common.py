"""What the survey pages share: loading a campaign through :func:`zi.organisations.scoped.get_scoped_or_404`
(``survey.view``: else 404; ``survey.manage`` to change one, ``survey.evaluate`` to judge its answers: else 403);
running a service for a button or a form (its refusal shown, never an error page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from zi.organisations.access import Action
from zi.organisations.scoped import get_scoped_or_404
from zi.surveys.models import Campaign, RespondentGroup
from zi.surveys.services.errors import SurveyError

GROUP_LABELS = dict(RespondentGroup.choices)


def _campaign(request: HttpRequest, pk: int, action: Action | None = None) -> Campaign:
    return get_scoped_or_404(
        Campaign.objects.select_related("unit", "period"), request.user, action, see=Action.SURVEY_VIEW, pk=pk
    )


def _campaign_for(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user may see (else 404)."""
    return _campaign(request, pk)


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user may change (edit, close, service points, codes, devices): 404 out of scope, 403 without
    the unit team's right."""
    return _campaign(request, pk, Action.SURVEY_MANAGE)


def _evaluated_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign whose answers the user may judge (exclude, rescan): evaluators only."""
    return _campaign(request, pk, Action.SURVEY_EVALUATE)


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
