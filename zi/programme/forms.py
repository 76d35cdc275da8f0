"""Forms of the programme pages. They only shape input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zi.assessments.models import Assessment
from zi.core.numbers import NumberField
from zi.organisations.fields import (
    DateInput,
    DateTimeInput,
    StaffChoiceField,
    StaffMultipleField,
    record_initial,
    staff_choices,
    text_area,
)
from zi.organisations.models import Unit
from zi.programme.models import (
    ActivityKind,
    ChangeArea,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    PlanItem,
    PlanItemKind,
    PlanItemStatus,
    Simplification,
)
from zi.programme.services.complaints import COMPLAINT_MAX_PHOTOS
from zi.programme.services.images import check_image
from zi.programme.services.innovations import NEED_REQUIRED_MESSAGE


class WorkPlanForm(forms.Form):
    title = forms.CharField(label=_("Judul rencana kerja"), max_length=255, required=False)
    notes = text_area(_("Catatan"), 3)


class PlanItemForm(forms.Form):
    area_key = forms.TypedChoiceField(label=_("Area perubahan"), choices=ChangeArea.choices, coerce=int)
    kind = forms.ChoiceField(label=_("Jenis"), choices=PlanItemKind.choices, initial=PlanItemKind.ACTIVITY)
    title = forms.CharField(label=_("Judul"), max_length=255)
    description = text_area(_("Uraian"), 3)
    owner = StaffChoiceField(label=_("Penanggung jawab (pegawai unit)"))
    due_on = forms.DateField(label=_("Tenggat"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=PlanItemStatus.choices, initial=PlanItemStatus.PLANNED)
    progress = NumberField(label=_("Kemajuan (%)"), whole=True, min_value=0, max_value=100, initial=0)
    lke_codes = forms.CharField(
        label=_("Pertanyaan LKE yang didukung"),
        required=False,
        help_text=_("Kode dipisah spasi atau koma, mis. A.I.1.iv.b A.II.1.i.a"),
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + staff_choices(unit)  # type: ignore[attr-defined]  # a ChoiceField


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Judul"), max_length=255)
    held_on = forms.DateField(label=_("Tanggal"), widget=DateInput())
    place = forms.CharField(label=_("Tempat"), max_length=255, required=False)
    area_key = forms.TypedChoiceField(
        label=_("Area perubahan"),
        choices=[("", "—"), *ChangeArea.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    plan_item = forms.TypedChoiceField(label=_("Butir rencana kerja"), coerce=int, required=False, empty_value=None)
    description = text_area(_("Uraian"), 3)
    minutes = text_area(_("Notulen"), 5)
    attendees = StaffMultipleField(label=_("Daftar hadir (pegawai unit)"))

    def __init__(self, *args: Any, unit: Unit, plan_items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = staff_choices(unit)  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["plan_item"].choices = [("", "—")] + [(item.pk, str(item)) for item in plan_items]  # type: ignore[attr-defined]  # a ChoiceField


class AttendanceForm(forms.Form):
    attendees = StaffMultipleField(label=_("Daftar hadir (pegawai unit)"))

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = staff_choices(unit)  # type: ignore[attr-defined]  # a ChoiceField


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Foto kegiatan"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    caption = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


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


class PublicServiceForm(forms.Form):
    name = forms.CharField(label=_("Nama layanan"), max_length=255)
    standard_reference = forms.CharField(label=_("Rujukan standar pelayanan"), max_length=255, required=False)
    description = text_area(_("Uraian"), 2)
    is_active = forms.BooleanField(label=_("Masih diselenggarakan"), required=False, initial=True)


class ChangeAgentEditForm(forms.Form):
    appointed_on = forms.DateField(label=_("Tanggal penetapan"), widget=DateInput())
    decree_ref = forms.CharField(label=_("Nomor SK"), max_length=255, required=False)


class AttachEvidenceForm(forms.Form):
    question_code = forms.CharField(label=_("Kode pertanyaan LKE"), max_length=32)

    def __init__(self, *args: Any, assessment: Assessment | None = None, suggestions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        if suggestions:
            self.fields["question_code"].widget = forms.Select(choices=[(code, label) for code, label in suggestions])


def activity_initial(activity: Any) -> dict[str, Any]:
    return record_initial(
        activity,
        ActivityForm,
        plan_item=activity.plan_item_id,
        attendees=list(activity.attendance.values_list("person_id", flat=True)),
    )


def plan_item_initial(item: PlanItem) -> dict[str, Any]:
    return record_initial(item, PlanItemForm, owner=item.owner_id, lke_codes=" ".join(item.lke_codes or []))
