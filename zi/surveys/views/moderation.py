"""Evaluators' moderation: excluding responses (one, or all with a flag) and re-scanning with their thresholds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.core.feedback import attempt
from zi.surveys import services
from zi.surveys.forms import RescanForm
from zi.surveys.models import Response
from zi.surveys.services.errors import SurveyError
from zi.surveys.views.common import _evaluated_campaign


@login_required
@require_POST
def response_exclude(request: HttpRequest, pk: int, response_id: int) -> HttpResponse:
    campaign = _evaluated_campaign(request, pk)
    response = get_object_or_404(Response, pk=response_id, campaign=campaign)
    reason = request.POST.get("reason", "")
    if request.POST.get("reinstate"):
        attempt(
            request,
            lambda: services.response_reinstate(actor=request.user, response=response, reason=reason),
            _("Respons #%(id)d dihitung kembali.") % {"id": response.pk},
            refused=SurveyError,
        )
    else:
        attempt(
            request,
            lambda: services.response_exclude(actor=request.user, response=response, reason=reason),
            _("Respons #%(id)d dikecualikan dari indeks.") % {"id": response.pk},
            refused=SurveyError,
        )
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def flagged_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    """Exclude every counted response carrying one flag reason (e.g. a stuffing cluster), with one reason."""
    campaign = _evaluated_campaign(request, pk)
    attempt(
        request,
        lambda: services.responses_exclude_flagged(
            actor=request.user,
            campaign=campaign,
            flag=request.POST.get("flag", ""),
            reason=request.POST.get("reason", ""),
        ),
        lambda count: _("%(count)d respons dikecualikan dari indeks.") % {"count": count},
        refused=SurveyError,
    )
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_rescan(request: HttpRequest, pk: int) -> HttpResponse:
    """Evaluators re-run the stuffing checks over the stored responses with the thresholds they set (flag-only)."""
    campaign = _evaluated_campaign(request, pk)
    form = RescanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ambang pemindaian tidak valid."))
        return redirect("surveys:campaign_detail", pk=campaign.pk)
    attempt(
        request,
        lambda: services.responses_rescan(actor=request.user, campaign=campaign, **form.cleaned_data),
        lambda counts: (
            _("Pemindaian ulang selesai: %(count)d tanda baru. Tidak ada respons yang dihapus atau dikecualikan.")
            % {"count": sum(counts.values())}
        ),
        refused=SurveyError,
    )
    return redirect(reverse("surveys:campaign_detail", args=[campaign.pk]) + "#ditandai")
