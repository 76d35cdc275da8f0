"""Activity, attendance and photo forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.organisations.fields import (
    DateInput,
    StaffMultipleField,
    record_initial,
    staff_choices,
    text_area,
)
from zi.organisations.models import Unit
from zi.programme.models import (
    ActivityKind,
    ChangeArea,
)


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


def activity_initial(activity: Any) -> dict[str, Any]:
    return record_initial(
        activity,
        ActivityForm,
        plan_item=activity.plan_item_id,
        attendees=list(activity.attendance.values_list("person_id", flat=True)),
    )
