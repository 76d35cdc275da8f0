"""Forms of the predicate register pages."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zi.organisations.models import Agency


class AwardImportForm(forms.Form):
    """A file of past decrees for one agency. After a successful check the file is kept on the server and the
    import button sends its token instead, so the person does not choose the file again."""

    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=Agency.objects.all(), empty_label=None)
    file = forms.FileField(label=_("Berkas CSV atau XLSX"), required=False)
    kept = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agencies: Sequence[Agency] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].widget.choices = [(agency.pk, str(agency)) for agency in agencies]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > settings.ZI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (batas %(limit)s byte).") % {"limit": settings.ZI_IMPORT_MAX_BYTES},
                code="too_large",
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("kept"):
            raise forms.ValidationError(_("Pilih berkas CSV atau XLSX."), code="no_file")
        return cleaned
