"""The public service register's form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.organisations.fields import (
    text_area,
)


class PublicServiceForm(forms.Form):
    name = forms.CharField(label=_("Nama layanan"), max_length=255)
    standard_reference = forms.CharField(label=_("Rujukan standar pelayanan"), max_length=255, required=False)
    description = text_area(_("Uraian"), 2)
    is_active = forms.BooleanField(label=_("Masih diselenggarakan"), required=False, initial=True)
