"""The survey pages' forms: a campaign (new, edit), an instrument version and its questions, an agency's internal
instrument, the periods a version applies to, a re-scan's thresholds and an external IPAK/IPKP value."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zi.assessments.models import Period
from zi.core.numbers import NumberField
from zi.organisations.access import Action, visible_units
from zi.organisations.models import Agency
from zi.organisations.timezones import unit_timezone
from zi.surveys import integrity, services
from zi.surveys.models import Campaign, Instrument, InstrumentKind, ItemScale, RespondentGroup
from zi.surveys.selectors import (
    campaign_instrument_choices,
)


class ItemForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Kode"), max_length=16, required=False)
    aspect = forms.CharField(label=gettext_lazy("Aspek/unsur"), max_length=64, required=False)
    text = forms.CharField(label=gettext_lazy("Pertanyaan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scale = forms.ChoiceField(label=gettext_lazy("Skala"), choices=ItemScale.choices, initial=ItemScale.LIKERT4)
    labels = forms.CharField(
        label=gettext_lazy("Label jawaban (dipisah |, dari terendah)"), max_length=400, required=False
    )
    required = forms.BooleanField(label=gettext_lazy("Wajib"), required=False, initial=True)

    def spec(self) -> services.ItemSpec | None:
        """The question as a service input; None for an empty extra row."""
        data = self.cleaned_data
        if not data or not (data.get("code") or data.get("text")):
            return None
        labels = tuple(part.strip() for part in (data.get("labels") or "").split("|") if part.strip())
        return services.ItemSpec(
            code=data["code"].strip().upper(),
            aspect=data["aspect"].strip(),
            text=data["text"].strip(),
            scale=data["scale"],
            labels=labels,
            required=bool(data.get("required")),
        )


MAX_ITEMS = 60


ADD_ROWS = 3


ItemFormSet = forms.formset_factory(ItemForm, extra=ADD_ROWS, can_delete=True, max_num=MAX_ITEMS, validate_max=True)


class VersionForm(forms.Form):
    version = forms.CharField(label=gettext_lazy("Versi baru"), max_length=32)
    title = forms.CharField(label=gettext_lazy("Judul"), max_length=255)
    description = forms.CharField(
        label=gettext_lazy("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    periods: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=Period.objects.order_by("-year"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Berlaku untuk periode (kosong: semua periode)"),
    )


class InternalForm(VersionForm):
    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Instansi pemilik"))
    code = forms.SlugField(label=gettext_lazy("Kode instrumen (huruf kecil, angka, tanda hubung)"), max_length=64)

    field_order = ["agency", "code", "version", "title", "description", "periods"]

    def __init__(self, *args: Any, agencies: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_queryset(agencies)  # type: ignore[attr-defined]  # a ModelChoiceField
        if len(agencies) == 1:  # the usual case: an agency admin of one agency needs no choice
            self.fields["agency"].initial = agencies[0].pk
            self.fields["agency"].empty_label = None  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["version"].label = gettext_lazy("Versi")


class PeriodsForm(forms.Form):
    periods = VersionForm.base_fields["periods"]


def agency_queryset(agencies: list):
    return Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")


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


class RescanForm(forms.Form):
    """Thresholds for a re-scan; each defaults to the current setting (docs/operations.md)."""

    window = forms.IntegerField(label=gettext_lazy("Jendela waktu (detik)"), min_value=60, max_value=30 * 86400)
    pattern_flag_at = forms.IntegerField(label=gettext_lazy("Pola identik: tandai mulai (0 = mati)"), min_value=0)
    straightline_flag_at = forms.IntegerField(
        label=gettext_lazy("Jawaban seragam dari satu jaringan: tandai mulai"), min_value=0
    )
    near_flag_at = forms.IntegerField(
        label=gettext_lazy("Pola hampir identik dari satu jaringan: tandai mulai"), min_value=0
    )
    near_max_diff = forms.IntegerField(
        label=gettext_lazy("Pola hampir identik: beda butir paling banyak"), min_value=0, max_value=5
    )
    min_items = forms.IntegerField(label=gettext_lazy("Jumlah butir minimal untuk dibandingkan"), min_value=1)

    @classmethod
    def current(cls) -> RescanForm:
        limits = integrity.pattern_limits()
        return cls(initial={name: getattr(limits, name) for name in cls.base_fields})


class ExternalIndexForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Indeks"), choices=[(InstrumentKind.IPAK.value, "IPAK"), (InstrumentKind.IPKP.value, "IPKP")]
    )
    value = NumberField(
        label=gettext_lazy("Nilai (0–4)"), below_thousand=True, min_value=0, max_value=4, decimal_places=2
    )
    source = forms.CharField(
        label=gettext_lazy("Sumber (mis. Survei BPS 2026, lembaga survei independen)"), max_length=255
    )
    respondents = NumberField(
        label=gettext_lazy("Jumlah responden (jika diketahui)"), whole=True, required=False, min_value=1
    )
    note = forms.CharField(label=gettext_lazy("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
