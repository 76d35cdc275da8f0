"""Change agent and concrete change forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.organisations.fields import (
    DateInput,
    StaffChoiceField,
    staff_choices,
    text_area,
)
from zi.organisations.models import Unit


class ChangeAgentForm(forms.Form):
    person = StaffChoiceField(label=_("Pegawai"))
    appointed_on = forms.DateField(label=_("Tanggal penetapan"), widget=DateInput())
    decree_ref = forms.CharField(label=_("Nomor SK"), max_length=255, required=False)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + staff_choices(unit)  # type: ignore[attr-defined]  # a ChoiceField


class ConcreteChangeForm(forms.Form):
    title = forms.CharField(label=_("Judul perubahan"), max_length=255)
    made_on = forms.DateField(label=_("Tanggal"), widget=DateInput())
    description = text_area(_("Uraian"), 2)
    integrated = forms.BooleanField(label=_("Sudah terintegrasi dalam sistem manajemen"), required=False)
    integration_how = text_area(_("Bagaimana diintegrasikan (SOP, SK, sistem informasi …)"), 2)


class ChangeAgentEditForm(forms.Form):
    appointed_on = forms.DateField(label=_("Tanggal penetapan"), widget=DateInput())
    decree_ref = forms.CharField(label=_("Nomor SK"), max_length=255, required=False)
