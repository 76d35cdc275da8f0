"""Forms of the organisation pages."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zi.organisations.models import Agency, Unit


class ImportForm(forms.Form):
    """Upload of a units or people file for one agency.

    The agency field validates against every agency, so that the view can answer an out-of-scope choice
    with 403 (after its own permission check) instead of a vague form error; the choices shown are only
    the agencies the person may manage.
    """

    KIND_CHOICES = [("units", _("Unit kerja")), ("people", _("Pegawai"))]
    ENCODING_CHOICES = [("utf-8", _("UTF-8 (disarankan)")), ("cp1252", _("Windows-1252 (CSV Excel lama)"))]

    kind = forms.ChoiceField(label=_("Jenis data"), choices=KIND_CHOICES)
    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=Agency.objects.all(), empty_label=None)
    file = forms.FileField(label=_("Berkas CSV atau XLSX"), required=False)
    kept = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    encoding = forms.ChoiceField(
        label=_("Pengodean CSV"),
        choices=ENCODING_CHOICES,
        initial="utf-8",
        required=False,
        help_text=_("Hanya untuk CSV. XLSX selalu dibaca apa adanya."),
    )

    def __init__(self, *args, agencies: Sequence[Agency] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].widget.choices = [(agency.pk, str(agency)) for agency in agencies]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:
            return None
        limit = settings.ZI_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Berkas terlalu besar (batas %(limit)s byte).") % {"limit": limit}, code="too_large"
            )
        return upload

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("file") and not data.get("kept") and "file" not in self.errors:
            self.add_error("file", forms.ValidationError(_("Pilih berkas CSV atau XLSX."), code="required"))
        return data

    def clean_encoding(self) -> str:
        return self.cleaned_data.get("encoding") or "utf-8"


class LetterheadForm(forms.Form):
    """The agency's letterhead (kop surat) for its official documents."""

    name = forms.CharField(label=_("Nama instansi pada kop"), max_length=255)
    subtitle = forms.CharField(label=_("Baris kedua (mis. Inspektorat Jenderal)"), max_length=255, required=False)
    address = forms.CharField(
        label=_("Alamat dan kontak"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    logo = forms.FileField(
        label=_("Logo (PNG atau JPEG, maksimal 1 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Hapus logo"), required=False)


class UnitForm(forms.ModelForm):
    """A unit's own fields (its place in the tree is chosen by the page that adds or moves it)."""

    class Meta:
        model = Unit
        fields = ["code", "name", "unit_type", "serves_public", "province", "time_zone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_type"].empty_label = None  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["province"].help_text = _("Kosongkan untuk mengikuti unit induk atau instansi.")


class UnitMoveForm(forms.Form):
    """The new parent: a unit's id from the search results, or ``top`` for the top of the agency."""

    TOP = "top"

    parent = forms.CharField(label=_("Unit induk baru"), max_length=20)

    def clean_parent(self) -> str:
        value = self.cleaned_data["parent"].strip()
        if value != self.TOP and not value.isdigit():
            raise forms.ValidationError(_("Pilih unit induk dari hasil pencarian."), code="invalid")
        return value
