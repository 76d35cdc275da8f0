"""The integrity registers' forms: an entry of each register, its decision or handling, and the public
whistle-blowing form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.core.numbers import NumberField
from zi.integrity.models import ConflictStatus, GratificationDecision, WhistleStatus
from zi.organisations.fields import DateInput, StaffChoiceField, staff_choices, text_area
from zi.organisations.models import Unit


class WhistlePublicForm(forms.Form):
    subject = forms.CharField(label=_("Pokok laporan"), max_length=255)
    description = text_area(_("Uraian: apa, siapa, kapan, di mana, bagaimana"), 8, required=True)
    reporter_name = forms.CharField(label=_("Nama (boleh kosong — laporan anonim)"), max_length=255, required=False)
    reporter_contact = forms.CharField(label=_("Kontak (boleh kosong)"), max_length=255, required=False)
    website = forms.CharField(required=False, label=_("Jangan diisi"))  # honeypot


class GratificationForm(forms.Form):
    reporter = StaffChoiceField(label=_("Pelapor (pegawai unit)"))
    offered_on = forms.DateField(label=_("Tanggal pemberian"), widget=DateInput())
    giver_description = forms.CharField(label=_("Pemberi"), max_length=255)
    gift_description = forms.CharField(label=_("Bentuk pemberian"), max_length=255)
    value_estimate = NumberField(label=_("Perkiraan nilai (Rp)"), required=False, max_digits=14, decimal_places=0)
    refused = forms.BooleanField(label=_("Ditolak saat diberikan"), required=False)
    decision = forms.ChoiceField(
        label=_("Keputusan"), choices=GratificationDecision.choices, initial=GratificationDecision.PENDING
    )
    decision_note = text_area(_("Catatan"), 2)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporter"].choices = [("", "—")] + staff_choices(unit)  # type: ignore[attr-defined]  # a ChoiceField


class ConflictForm(forms.Form):
    person = StaffChoiceField(label=_("Pegawai (kosongkan untuk pemetaan jabatan/fungsi)"), required=False)
    declared_on = forms.DateField(label=_("Tanggal"), widget=DateInput())
    situation = text_area(_("Situasi benturan kepentingan"), 3, required=True)
    related_party = forms.CharField(label=_("Pihak terkait"), max_length=255, required=False)
    mitigation = text_area(_("Penanganan/mitigasi"), 2)
    status = forms.ChoiceField(label=_("Status"), choices=ConflictStatus.choices)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + staff_choices(unit)  # type: ignore[attr-defined]  # a ChoiceField


class GratificationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), choices=GratificationDecision.choices)
    decision_note = text_area(_("Catatan"), 2)


class ConflictUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ConflictStatus.choices)
    mitigation = text_area(_("Penanganan/mitigasi"), 2)


class WhistleUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=WhistleStatus.choices)
    handling_notes = text_area(_("Catatan penanganan"), 3)
    public_response = text_area(_("Tanggapan untuk pelapor (tampil di halaman lacak)"), 3)
