"""Activity pages: the record, its attendance and its photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.core.feedback import attempt
from zi.organisations.access import Action, may
from zi.programme import forms, selectors, services
from zi.programme.models import Activity, ActivityPhoto, PlanItem
from zi.programme.views.common import (
    _attach_context,
    _form_page,
    _managed_record,
    _managed_unit,
    _period,
    _photo_response,
    _readable_record,
)


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    period = _period(request)
    plan_items = PlanItem.objects.filter(work_plan__unit=unit, work_plan__period=period)
    return _form_page(
        request,
        forms.ActivityForm(request.POST or None, unit=unit, plan_items=plan_items),
        write=lambda data: services.activity_create(actor=request.user, unit=unit, period=period, **data),
        done=_("Kegiatan dicatat."),
        next_url=lambda activity: activity.get_absolute_url(),
        unit=unit,
        title=_("Catat kegiatan"),
        subtitle=period.name,
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_record(request, Activity, pk)
    plan_items = PlanItem.objects.filter(work_plan__unit=activity.unit, work_plan__period=activity.period)
    return _form_page(
        request,
        forms.ActivityForm(
            request.POST or None, unit=activity.unit, plan_items=plan_items, initial=forms.activity_initial(activity)
        ),
        write=lambda data: services.activity_update(actor=request.user, activity=activity, **data),
        done=_("Kegiatan diperbarui."),
        next_url=lambda saved: saved.get_absolute_url(),
        unit=activity.unit,
        title=_("Ubah kegiatan"),
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _readable_record(request, Activity, pk)
    unit = activity.unit
    attendees = [row.person for row in activity.attendance.select_related("person").order_by("person__full_name")]
    staff = selectors.staff_count(unit)
    can_manage = may(request.user, Action.PROGRAMME_MANAGE, unit)
    context = {
        "unit": unit,
        "activity": activity,
        "attendees": attendees,
        "staff_count": staff,
        "reach": round(100.0 * len(attendees) / staff, 1) if staff else None,
        "photos": activity.photos.filter(withdrawn_at__isnull=True),
        "can_manage": can_manage,
        "attendance_form": forms.AttendanceForm(unit=unit, initial={"attendees": [p.pk for p in attendees]})
        if can_manage
        else None,
        "photo_form": forms.PhotoForm() if can_manage else None,
        **_attach_context(request, activity, "activity", activity.period),
    }
    return render(request, "programme/activity_detail.html", context)


@login_required
@require_POST
def activity_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_record(request, Activity, pk)
    form = forms.AttendanceForm(request.POST, unit=activity.unit)
    if form.is_valid():
        attendees = form.cleaned_data["attendees"]
        attempt(
            request,
            lambda: services.activity_set_attendance(actor=request.user, activity=activity, attendees=attendees),
            _("Daftar hadir disimpan."),
        )
    else:
        messages.error(request, _("Periksa daftar hadir."))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def activity_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_record(request, Activity, pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.activity_add_photo(
                actor=request.user, activity=activity, uploaded_file=data["photo"], caption=data["caption"]
            ),
            _("Foto ditambahkan."),
        )
    else:
        messages.error(request, _("Pilih berkas foto."))
    return redirect(activity.get_absolute_url())


@login_required
def activity_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = _readable_record(request, ActivityPhoto, pk)
    if photo.withdrawn_at is not None:
        raise Http404
    return _photo_response(photo)


@login_required
@require_POST
def activity_photo_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _managed_record(request, ActivityPhoto, pk)
    if photo.withdrawn_at is not None:
        raise Http404
    services.activity_withdraw_photo(actor=request.user, photo=photo)
    messages.success(request, _("Foto ditarik."))
    return redirect(photo.activity.get_absolute_url())
