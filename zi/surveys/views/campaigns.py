"""Staff pages for campaigns: list, create, edit, close, service points and one-time codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zi.assessments.models import Period
from zi.core import downloads, tabular
from zi.core.feedback import attempt
from zi.core.numbers import NumberField
from zi.organisations.access import Action, may, visible_units
from zi.organisations.timezones import unit_timezone
from zi.surveys import integrity, services
from zi.surveys.models import Campaign, Instrument, RespondentGroup, Response
from zi.surveys.selectors import campaign_instrument_choices, visible_campaigns
from zi.surveys.services.errors import SurveyError
from zi.surveys.views.common import _form_attempt, _managed_campaign


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = visible_campaigns(request.user).select_related("unit__agency", "period").order_by("-opens_at")[:500]
    can_create = visible_units(request.user, Action.ASSESSMENT_ANSWER).exists()
    return render(request, "surveys/campaign_list.html", {"campaigns": campaigns, "can_create": can_create})


class InstrumentChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # not generic at run time
    def label_from_instance(self, obj: Instrument) -> str:  # type: ignore[override]
        return f"{obj.display_title} ({obj.version})"


class CampaignForm(forms.Form):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Unit kerja"))
    period: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=Period.objects.all(), label=gettext_lazy("Periode")
    )
    title = forms.CharField(label=gettext_lazy("Judul"), max_length=255)
    instruments: InstrumentChoice = InstrumentChoice(
        queryset=Instrument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Instrumen"),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Dibuka"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Waktu setempat unit (WIB, WITA atau WIT)."),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Ditutup"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    respondent_groups = forms.MultipleChoiceField(
        choices=RespondentGroup.choices, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Kelompok responden")
    )
    service_types = forms.CharField(
        label=gettext_lazy("Jenis layanan (satu per baris)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    population_size = NumberField(
        label=gettext_lazy("Jumlah pengguna layanan pada periode (untuk ukuran sampel)"),
        whole=True,
        required=False,
        min_value=1,
    )
    kiosk_enabled = forms.BooleanField(label=gettext_lazy("Aktifkan mode kios (tablet bersama)"), required=False)
    require_code = forms.BooleanField(label=gettext_lazy("Wajib kode sekali pakai dari struk"), required=False)
    unit_networks = forms.CharField(
        label=gettext_lazy("Jaringan kantor (CIDR, satu per baris) — jawaban dari jaringan ini ditandai"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].queryset = visible_units(user, Action.ASSESSMENT_ANSWER)
        # One choice per instrument code (its newest version); the service takes the version valid for the period.
        self.fields["instruments"].queryset = campaign_instrument_choices(user)

    unit_for_times: Any = None  # the edit form's campaign unit (the create form has a unit field)

    def clean(self):
        """The opening and closing times are typed in the unit's own zone (WIB/WITA/WIT), not the server's."""
        data = super().clean()
        unit = data.get("unit") or self.unit_for_times
        if unit is not None:
            zone = unit_timezone(unit)
            for name in ("opens_at", "closes_at"):
                if data.get(name):
                    data[name] = timezone.localtime(data[name]).replace(tzinfo=None).replace(tzinfo=zone)
        return data

    def clean_unit_networks(self):
        value = self.cleaned_data["unit_networks"]
        try:
            integrity.parse_networks(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value

    def clean_service_types(self):
        lines = [line.strip()[:120] for line in self.cleaned_data["service_types"].splitlines() if line.strip()]
        return list(dict.fromkeys(lines))


class CampaignEditForm(CampaignForm):
    """The same settings without unit and period (a campaign never moves); instruments are locked once the
    campaign has answers (the service refuses a change too)."""

    def __init__(self, *args, campaign: Campaign, locked_instruments: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["unit"], self.fields["period"]
        self.unit_for_times = campaign.unit
        current = campaign.instruments.values_list("pk", flat=True)
        self.fields["instruments"].queryset = Instrument.objects.filter(  # type: ignore[attr-defined]  # a ModelChoiceField
            Q(pk__in=list(current)) | Q(pk__in=self.fields["instruments"].queryset.values("pk"))  # type: ignore[attr-defined]  # a ModelChoiceField
        ).order_by("kind", "code", "version")
        if locked_instruments:
            self.fields["instruments"].disabled = True
            self.fields["instruments"].help_text = gettext_lazy("Tidak dapat diubah: kampanye sudah memiliki jawaban.")

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        tz = unit_timezone(campaign.unit)
        return {
            "title": campaign.title,
            "instruments": list(campaign.instruments.all()),
            "opens_at": timezone.localtime(campaign.opens_at, tz).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": timezone.localtime(campaign.closes_at, tz).strftime("%Y-%m-%dT%H:%M"),
            "respondent_groups": campaign.respondent_groups,
            "service_types": "\n".join(campaign.service_types),
            "population_size": campaign.population_size,
            "kiosk_enabled": campaign.kiosk_enabled,
            "require_code": campaign.require_code,
            "unit_networks": campaign.unit_networks,
        }


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
