"""The innovation form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.core.numbers import NumberField
from zi.organisations.fields import (
    DateInput,
    record_initial,
    text_area,
)
from zi.programme.models import (
    Simplification,
)
from zi.programme.services.innovations import NEED_REQUIRED_MESSAGE


class InnovationForm(forms.Form):
    title = forms.CharField(label=_("Nama inovasi"), max_length=255)
    description = text_area(_("Uraian"), 3)
    complaint = forms.TypedChoiceField(label=_("Pengaduan yang dijawab"), coerce=int, required=False, empty_value=None)
    survey_link = forms.ChoiceField(
        label=_("Temuan survei di platform (unsur/aspek bernilai rendah)"),
        required=False,
        help_text=_("Hasil survei unit ini, nilai terendah lebih dahulu (rata-rata skala 1–4)."),
    )
    survey_finding = text_area(_("Temuan survei"), 2)
    survey_reference = forms.CharField(label=_("Rujukan survei"), max_length=255, required=False)
    problem_statement = text_area(_("Rumusan masalah pelayanan"), 2)
    beneficiaries = forms.CharField(label=_("Penerima manfaat"), max_length=255)
    started_on = forms.DateField(label=_("Mulai diterapkan"), widget=DateInput())
    measure_unit = forms.CharField(label=_("Satuan ukuran dampak"), max_length=100, required=False)
    value_before = NumberField(label=_("Nilai sebelum"), required=False, max_digits=14, decimal_places=2)
    value_after = NumberField(label=_("Nilai sesudah"), required=False, max_digits=14, decimal_places=2)
    effect_note = text_area(_("Catatan dampak"), 2)
    services = forms.TypedMultipleChoiceField(
        label=_("Layanan yang dipermudah (register layanan unit)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    simplifications = forms.MultipleChoiceField(
        label=_("Cara layanan dipermudah"),
        choices=Simplification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    need_help = _(NEED_REQUIRED_MESSAGE)

    def __init__(
        self, *args: Any, complaints: Any = (), findings: Any = (), public_services: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complaint"].choices = [("", "—")] + [(c.pk, str(c)) for c in complaints]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["survey_link"].choices = [("", "—")] + [  # type: ignore[attr-defined]  # a ChoiceField
            (
                f"{f['campaign']}:{f['item']}",
                f"{f['code']} {f['aspect']} — {f['mean']:.2f} ({f['campaign_title']}, n={f['n']})",
            )
            for f in findings
        ]
        self.fields["services"].choices = [(s.pk, str(s)) for s in public_services]  # type: ignore[attr-defined]  # a ChoiceField

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[assignment]  # Form.clean returns cleaned_data
        link = data.pop("survey_link", "") or ""
        campaign, _sep, item = link.partition(":")
        data["survey_campaign"] = int(campaign) if campaign.isdigit() else None
        data["survey_item"] = int(item) if item.isdigit() else None
        return data


def innovation_initial(innovation: Any) -> dict[str, Any]:
    link = f"{innovation.survey_campaign_id}:{innovation.survey_item_id}" if innovation.survey_item_id else ""
    return record_initial(
        innovation,
        InnovationForm,
        complaint=innovation.complaint_id,
        survey_link=link,
        services=[s.pk for s in innovation.services.all()],
    )
