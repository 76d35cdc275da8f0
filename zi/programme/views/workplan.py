"""Work plan and plan item pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from zi.programme import forms, services
from zi.programme.models import PlanItem, WorkPlan
from zi.programme.views.common import _form_page, _managed_record, _managed_unit, _overview_url, _period


@login_required
def workplan_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    period = _period(request)
    return _form_page(
        request,
        forms.WorkPlanForm(request.POST or None),
        write=lambda data: services.workplan_create(actor=request.user, unit=unit, period=period, **data),
        done=_("Rencana kerja dibuat."),
        next_url=lambda plan: _overview_url(unit, period),
        unit=unit,
        title=_("Rencana kerja baru"),
    )


@login_required
def workplan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_record(request, WorkPlan, pk)
    return _form_page(
        request,
        forms.WorkPlanForm(request.POST or None, initial=forms.record_initial(plan, forms.WorkPlanForm)),
        write=lambda data: services.workplan_update(actor=request.user, plan=plan, **data),
        done=_("Rencana kerja diperbarui."),
        next_url=lambda saved: _overview_url(plan.unit, plan.period),
        unit=plan.unit,
        title=_("Ubah rencana kerja"),
    )


@login_required
def plan_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_record(request, WorkPlan, pk)
    return _form_page(
        request,
        forms.PlanItemForm(request.POST or None, unit=plan.unit, initial={"area_key": request.GET.get("area")}),
        write=lambda data: services.plan_item_create(actor=request.user, work_plan=plan, **data),
        done=_("Butir rencana kerja ditambahkan."),
        next_url=lambda item: _overview_url(plan.unit, plan.period),
        unit=plan.unit,
        title=_("Butir rencana kerja baru"),
    )


@login_required
def plan_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _managed_record(request, PlanItem, pk)
    unit = item.work_plan.unit
    return _form_page(
        request,
        forms.PlanItemForm(request.POST or None, unit=unit, initial=forms.plan_item_initial(item)),
        write=lambda data: services.plan_item_update(actor=request.user, item=item, **data),
        done=_("Butir rencana kerja diperbarui."),
        next_url=lambda saved: _overview_url(unit, item.work_plan.period),
        unit=unit,
        title=_("Ubah butir rencana kerja"),
    )
