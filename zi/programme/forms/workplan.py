"""Work plan and plan item forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.core.numbers import NumberField
from zi.organisations.fields import (
    DateInput,
    StaffChoiceField,
    record_initial,
    staff_choices,
    text_area,
)
from zi.organisations.models import Unit
from zi.programme.models import (
    ChangeArea,
    PlanItem,
    PlanItemKind,
    PlanItemStatus,
)


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


def plan_item_initial(item: PlanItem) -> dict[str, Any]:
    return record_initial(item, PlanItemForm, owner=item.owner_id, lke_codes=" ".join(item.lke_codes or []))
