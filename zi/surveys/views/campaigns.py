"""Staff pages for campaigns: list, create, edit, close, service points and one-time codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.core import downloads, tabular
from zi.core.feedback import attempt
from zi.organisations.access import Action, may, visible_units
from zi.surveys import services
from zi.surveys.forms import CampaignEditForm, CampaignForm
from zi.surveys.models import Response
from zi.surveys.selectors import visible_campaigns
from zi.surveys.services.errors import SurveyError
from zi.surveys.views.common import _form_attempt, _managed_campaign


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = visible_campaigns(request.user).select_related("unit__agency", "period").order_by("-opens_at")[:500]
    can_create = visible_units(request.user, Action.ASSESSMENT_ANSWER).exists()
    return render(request, "surveys/campaign_list.html", {"campaigns": campaigns, "can_create": can_create})


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not visible_units(request.user, Action.ASSESSMENT_ANSWER).exists():
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit, period, instruments = data.pop("unit"), data.pop("period"), list(data.pop("instruments"))
        if not may(request.user, Action.SURVEY_MANAGE, unit):
            raise PermissionDenied
        campaign = _form_attempt(
            request,
            form,
            lambda: services.campaign_create(
                actor=request.user, unit=unit, period=period, instruments=instruments, **data
            ),
            _("Kampanye survei dibuat."),
        )
        if campaign is not None:
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    locked = Response.objects.filter(campaign=campaign).exists()
    form = CampaignEditForm(
        request.POST or None,
        user=request.user,
        campaign=campaign,
        locked_instruments=locked,
        initial=CampaignEditForm.initial_for(campaign),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        instruments = None if locked else list(data.pop("instruments"))
        data.pop("instruments", None)
        if _form_attempt(
            request,
            form,
            lambda: services.campaign_update(actor=request.user, campaign=campaign, instruments=instruments, **data),
            _("Kampanye survei diperbarui."),
        ):
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing is irreversible: GET shows the confirmation page (what closing does, the reason); only its POST,
    which carries ``confirm``, closes. A POST without it (an old form, a stray click) leads to that page."""
    campaign = _managed_campaign(request, pk)
    if request.method != "POST" or request.POST.get("confirm") != "1":
        if request.method == "POST":
            url = reverse("surveys:campaign_close", args=[campaign.pk])
            return redirect(f"{url}?{urlencode({'reason': request.POST.get('reason', '')[:1000]})}")
        if campaign.closed_at is not None:
            messages.info(request, _("Kampanye ini sudah ditutup."))
            return redirect("surveys:campaign_detail", pk=campaign.pk)
        context = {"campaign": campaign, "reason": request.GET.get("reason", "")[:1000]}
        return render(request, "surveys/campaign_close.html", context)
    attempt(
        request,
        lambda: services.campaign_close(actor=request.user, campaign=campaign, reason=request.POST.get("reason", "")),
        _("Kampanye survei ditutup: formulir publik tidak menerima jawaban lagi."),
        refused=SurveyError,
    )
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def service_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    attempt(
        request,
        lambda: services.service_point_create(actor=request.user, campaign=campaign, name=request.POST.get("name", "")),
        refused=SurveyError,
    )
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def codes_generate(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    try:
        count = int(request.POST.get("count", "0"))
        codes = services.codes_generate(actor=request.user, campaign=campaign, count=count)
    except (ValueError, services.SurveyError) as exc:
        messages.error(request, str(exc) if isinstance(exc, services.SurveyError) else _("Jumlah tidak valid."))
        return redirect("surveys:campaign_detail", pk=campaign.pk)
    return downloads.attachment(tabular.csv_bytes([["kode"], *([c] for c in codes)]), f"kode-survei-{campaign.pk}.csv")
