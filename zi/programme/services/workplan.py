"""The unit's work plan for a period and its items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zi.assessments.models import Period
from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.models import Unit
from zi.organisations.records import clean_choice, clean_date, clean_staff_of, clean_text, set_fields
from zi.programme.models import ChangeArea, PlanItem, PlanItemKind, PlanItemStatus, WorkPlan
from zi.programme.services.common import _in_period, _lke_codes, _record_create, _record_update, _require_manage

PLAN_ITEM_FIELDS = (
    "work_plan",
    "area_key",
    "kind",
    "title",
    "description",
    "owner",
    "due_on",
    "status",
    "progress",
    "lke_codes",
)


@transaction.atomic
def workplan_create(*, actor: Actor, unit: Unit, period: Period, title: str = "", notes: str = "") -> WorkPlan:
    _require_manage(actor, unit)
    if WorkPlan.objects.filter(unit=unit, period=period).exists():
        raise ValidationError(_("Rencana kerja unit ini untuk periode tersebut sudah ada."))
    title = clean_text(title, _("Judul"), max_length=255, single_line=True) or _(
        "Rencana Kerja Pembangunan ZI %(year)s"
    ) % {"year": period.year}
    plan = WorkPlan.objects.create(unit=unit, period=period, title=title, notes=clean_text(notes, _("Catatan")))
    audit.record(actor, "create", plan, after=audit.snapshot(plan))
    return plan


@transaction.atomic
def workplan_update(*, actor: Actor, plan: WorkPlan, title: str | None = None, notes: str | None = None) -> WorkPlan:
    plan = WorkPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    _require_manage(actor, plan.unit)
    before = audit.snapshot(plan)
    if title is not None:
        plan.title = clean_text(title, _("Judul"), required=True, max_length=255, single_line=True)
    if notes is not None:
        plan.notes = clean_text(notes, _("Catatan"))
    plan.save()
    audit.record(actor, "update", plan, before=before, after=audit.snapshot(plan))
    return plan


def _clean_plan_item(item: PlanItem, period: Period) -> None:
    unit = item.work_plan.unit
    item.area_key = int(clean_choice(int(item.area_key or 0), ChangeArea, _("Area perubahan")))
    clean_choice(item.kind, PlanItemKind, _("Jenis butir"))
    clean_choice(item.status, PlanItemStatus, _("Status"))
    item.title = clean_text(item.title, _("Judul"), required=True, max_length=255, single_line=True)
    item.description = clean_text(item.description, _("Uraian"))
    item.owner = clean_staff_of(unit, item.owner_id if item.owner_id else None, _("Penanggung jawab"))
    item.due_on = _in_period(clean_date(item.due_on, _("Tenggat")), period, _("Tenggat"))
    try:
        item.progress = int(item.progress)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Kemajuan harus berupa angka 0–100.")) from exc
    if not 0 <= item.progress <= 100:
        raise ValidationError(_("Kemajuan harus berupa angka 0–100."))
    if item.status == PlanItemStatus.DONE:
        item.progress = 100
    item.lke_codes = _lke_codes(item.lke_codes or [], period)


@transaction.atomic
def plan_item_create(
    *,
    actor: Actor,
    work_plan: WorkPlan,
    area_key: int,
    title: str,
    owner: Any,
    due_on: dt.date,
    kind: str = PlanItemKind.ACTIVITY,
    description: str = "",
    status: str = PlanItemStatus.PLANNED,
    progress: int = 0,
    lke_codes: Iterable[str] | str = (),
) -> PlanItem:
    item = PlanItem(
        work_plan=work_plan,
        area_key=area_key,
        kind=kind,
        title=title,
        description=description,
        owner_id=getattr(owner, "pk", owner),
        due_on=due_on,
        status=status,
        progress=progress,
        lke_codes=lke_codes,
    )
    return _record_create(
        actor=actor,
        record=item,
        snapshot=PLAN_ITEM_FIELDS,
        clean=lambda record: _clean_plan_item(record, work_plan.period),
    )


@transaction.atomic
def plan_item_update(*, actor: Actor, item: PlanItem, **changes: Any) -> PlanItem:
    def apply(record: PlanItem) -> None:
        set_fields(record, changes, PLAN_ITEM_FIELDS[1:], foreign=("owner",))
        _clean_plan_item(record, record.work_plan.period)

    return _record_update(
        actor=actor,
        record=item,
        snapshot=PLAN_ITEM_FIELDS,
        apply=apply,
        related=("work_plan__unit", "work_plan__period"),
    )
