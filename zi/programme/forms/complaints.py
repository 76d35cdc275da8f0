"""Complaint forms: the team's, the public's (with photos), handling, follow-up, tracking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zi.organisations.fields import (
    DateInput,
    DateTimeInput,
    record_initial,
    text_area,
)
from zi.programme.models import (
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
)
from zi.programme.services.complaints import COMPLAINT_MAX_PHOTOS
from zi.programme.services.images import check_image


class ComplaintStaffForm(forms.Form):
    channel = forms.ChoiceField(label=_("Kanal"), choices=ComplaintChannel.choices)
    channel_reference = forms.CharField(
        label=_("Nomor referensi kanal"), max_length=100, required=False, help_text=_("Wajib untuk SP4N-LAPOR!")
    )
    category = forms.ChoiceField(label=_("Kategori"), choices=ComplaintCategory.choices)
    received_at = forms.DateTimeField(label=_("Diterima pada"), widget=DateTimeInput(), required=False)
    subject = forms.CharField(label=_("Pokok pengaduan"), max_length=255)
    description = text_area(_("Isi pengaduan"), 4, required=True)
    complainant_name = forms.CharField(label=_("Nama pengadu (boleh kosong)"), max_length=255, required=False)
    complainant_contact = forms.CharField(label=_("Kontak pengadu (boleh kosong)"), max_length=255, required=False)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several image files in one input (``<input type=file multiple>``); cleans to a list, empty when none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in files if item]


class ComplaintPublicForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=ComplaintCategory.choices)
    subject = forms.CharField(label=_("Pokok pengaduan"), max_length=255)
    description = text_area(_("Ceritakan apa yang terjadi"), 6, required=True)
    complainant_name = forms.CharField(label=_("Nama (boleh kosong)"), max_length=255, required=False)
    complainant_contact = forms.CharField(
        label=_("Kontak untuk tindak lanjut (boleh kosong)"), max_length=255, required=False
    )
    notify_email = forms.EmailField(
        label=_("Surel untuk kabar perkembangan (boleh kosong)"),
        required=False,
    )
    photos = MultipleImageField(label=_("Foto (boleh kosong)"))
    website = forms.CharField(required=False, label=_("Jangan diisi"))  # honeypot

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = format_lazy(
            _(
                "Paling banyak {n} foto PNG, JPEG, GIF atau WebP. Data lokasi dan kamera dihapus; foto hanya dilihat "
                "petugas yang menangani pengaduan. Jika formulir perlu diperbaiki, pilih fotonya lagi."
            ),
            n=COMPLAINT_MAX_PHOTOS,
        )
        self.fields["notify_email"].help_text = format_lazy(
            _(
                "Hanya dipakai untuk mengirimkan kode lacak dan kabar setiap kali status pengaduan berubah atau "
                "ditanggapi. Alamat ini tidak ditampilkan kepada petugas unit dan dihapus {days} hari setelah "
                "pengaduan selesai."
            ),
            days=settings.ZI_COMPLAINT_EMAIL_RETENTION_DAYS,
        )

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data["photos"]
        if len(photos) > COMPLAINT_MAX_PHOTOS:
            raise forms.ValidationError(_("Paling banyak %(n)d foto.") % {"n": COMPLAINT_MAX_PHOTOS}, code="too_many")
        errors: list[str] = []
        for photo in photos:
            try:
                check_image(photo)
            except forms.ValidationError as exc:
                errors.extend(f"{photo.name}: {message}" for message in exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return photos


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Kode lacak"), max_length=32)


class ComplaintUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComplaintStatus.choices)
    handling_notes = text_area(_("Catatan penanganan (internal)"), 3)
    public_response = text_area(_("Tanggapan untuk pengadu (tampil di halaman lacak)"), 3)

    resolved_at = forms.DateField(
        label=_("Tanggal tanggapan/penyelesaian"),
        widget=DateInput(),
        required=False,
        help_text=_("Untuk status selesai: tanggal pengadu menerima tanggapan. Kosongkan untuk hari ini."),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[assignment]  # Form.clean returns cleaned_data
        if data.get("status") != ComplaintStatus.RESOLVED:
            data["resolved_at"] = None  # the date belongs to a resolved complaint only
        return data


def complaint_update_initial(complaint: Any) -> dict[str, Any]:
    resolved_on = complaint.resolved_at.date() if complaint.resolved_at else None
    return record_initial(complaint, ComplaintUpdateForm, resolved_at=resolved_on)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Tanggal"), widget=DateInput())
    description = text_area(_("Tindak lanjut"), 2, required=True)
