"""Pages of the building work. Thin: scope with selectors/``may``, shape input with forms, write with services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zi.assessments.models import Assessment, AssessmentStatus
from zi.core.errors import refuse_invalid_text
from zi.core.links import absolute_url
from zi.lke.models import LkeQuestion
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.programme import exports, forms, selectors, services, tracking
from zi.programme.models import (
    Activity,
    ActivityPhoto,
    AttachedEvidence,
    ChangeAgent,
    Complaint,
    ComplaintPhoto,
    ConcreteChange,
    ConflictOfInterest,
    FollowUpAction,
    GratificationReport,
    Innovation,
    PlanItem,
    PublicService,
    WorkPlan,
)

SESSION_CODE_KEY = "zi_programme_new_code"


# --- helpers --------------------------------------------------------------------------------------------------


def _unit_for_read(request: HttpRequest, pk: int) -> Unit:
    unit = selectors.readable_unit(user=request.user, pk=pk)
    if unit is None:
        raise Http404
    return unit


def _unit_for_manage(request: HttpRequest, pk: int) -> Unit:
    unit = _unit_for_read(request, pk)
    if not services.may_manage(request.user, unit):
        raise PermissionDenied
    return unit


def _record_for_read(request: HttpRequest, model: type[Model], pk: int, unit_field: str = "unit") -> Any:
    record = selectors.readable(model.objects.filter(pk=pk), request.user, unit_field).first()
    if record is None:
        raise Http404
    return record


def _record_for_manage(request: HttpRequest, model: type[Model], pk: int, unit_field: str = "unit") -> Any:
    """A record the user may read (else 404) and write (else 403)."""
    record = _record_for_read(request, model, pk, unit_field)
    if not services.may_manage(request.user, _scope_unit(record)):
        raise PermissionDenied
    return record


def _scope_unit(record: Any) -> Unit:
    getter = getattr(record, "scope_unit", None)
    return getter() if callable(getter) else record.unit


def _period(request: HttpRequest) -> Any:
    period = selectors.current_period(request.GET.get("periode"))
    if period is None:
        raise Http404(_("Belum ada periode penilaian."))
    return period


def _save(form: Any, call: Callable[[], Any]) -> Any:
    """Run a service; its ValidationError becomes a form error (None when it failed)."""
    try:
        return call()
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    write: Callable[[dict[str, Any]], Any],
    done: str,
    next_url: Callable[[Any], str],
    unit: Unit,
    title: str,
    **extra: Any,
) -> HttpResponse:
    """The one shape of every create and edit page: a valid POST runs ``write(cleaned_data)`` (a service, whose
    ValidationError becomes a form error), then a message and a redirect to ``next_url(result)``; otherwise the
    form page, with the errors."""
    if request.method == "POST" and form.is_valid():
        result = _save(form, lambda: write(form.cleaned_data))
        if result is not None:
            messages.success(request, done)
            return redirect(next_url(result))
    return render(request, "programme/form.html", {"unit": unit, "form": form, "title": title, **extra})


def _overview_url(unit: Unit, period: Any = None) -> str:
    url = reverse("programme:unit_overview", args=[unit.pk])
    return f"{url}?periode={period.year}" if period is not None else url


def _draft_assessment(unit: Unit, period: Any = None) -> Assessment | None:
    assessments = Assessment.objects.filter(unit=unit, status=AssessmentStatus.DRAFT).select_related("period")
    if period is not None:
        assessments = assessments.filter(period=period)
    return assessments.order_by("-period__year").first()


SUGGESTED_CODES = {
    "activity": {
        "sosialisasi": ["A.I.1.ii.c", "A.I.1.iv.c", "A.I.1.iv.d", "A.I.5.i.a", "A.I.5.v.b"],
        "internalisasi": ["A.I.1.iv.c", "A.I.1.iv.d", "A.I.5.v.b", "A.II.1.iii.a"],
        "banner": ["A.I.1.ii.c", "A.I.5.i.a", "A.I.6.i.d"],
        "publikasi": ["A.I.1.ii.c", "A.I.6.i.d", "A.I.6.ii.b"],
        "pelatihan": ["A.I.3.iii.e", "A.I.6.ii.a"],
        "rapat_monev": ["A.I.1.iii.b", "A.I.1.iii.c", "A.I.5.iii.c", "A.I.5.iv.b"],
        "other": ["A.I.1.iv.d"],
    },
    "complaint": ["A.I.5.iii.b", "A.I.5.iii.a", "A.I.6.iii.a", "A.II.6.ii.a", "A.II.5.ii.a"],
    "innovation": ["A.I.6.ii.f", "A.II.6.i.a", "A.II.6.i.b", "A.I.6.v.c"],
}


def _attach_context(request: HttpRequest, record: Any, record_type: str, period: Any = None) -> dict[str, Any]:
    assessment = _draft_assessment(record.unit, period)
    attached = AttachedEvidence.objects.filter(record_type=record_type, record_id=record.pk).select_related(
        "evidence__question", "evidence__assessment__period"
    )
    context: dict[str, Any] = {"attached": attached, "attach_form": None, "attach_assessment": assessment}
    if assessment is None or not may(request.user, Action.EVIDENCE_UPLOAD, record.unit):
        return context
    if record_type == "activity":
        codes = list(SUGGESTED_CODES["activity"].get(record.kind, []))
        if record.plan_item_id:
            codes = list(record.plan_item.lke_codes or []) + codes
    else:
        codes = list(SUGGESTED_CODES[record_type])
    texts = dict(LkeQuestion.objects.filter(template_id=assessment.period.template_id).values_list("code", "text"))
    ordered = list(dict.fromkeys(code for code in codes if code in texts)) + sorted(
        code for code in texts if code not in codes
    )
    suggestions = [(code, f"{code} — {texts[code][:90]}") for code in ordered]
    context["attach_form"] = forms.AttachEvidenceForm(assessment=assessment, suggestions=suggestions)
    context["attach_url"] = reverse("programme:attach_evidence", args=[record_type, record.pk])
    return context


# --- overview -------------------------------------------------------------------------------------------------


@login_required
def unit_overview(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_read(request, pk)
    period = _period(request)
    user = request.user
    plan = selectors.work_plan_for(user=user, unit=unit, period=period)
    staff = selectors.staff_count(unit)
    activities = list(selectors.activities_for(user=user, unit=unit, period=period)[:50])
    for activity in activities:
        activity.reach = selectors.activity_reach(activity, staff)
    status = request.GET.get("status", "")
    complaints = selectors.complaints_for(user=user, unit=unit, status=status)[:50]
    context = {
        "unit": unit,
        "period": period,
        "plan": plan,
        "areas": selectors.plan_by_area(plan),
        "activities": activities,
        "staff_count": staff,
        "reach": selectors.reach_by_month(unit=unit, period=period),
        "agents": selectors.change_agents_for(user=user, unit=unit, period=period),
        "complaints": complaints,
        "complaint_status": status,
        "complaint_summary": selectors.complaint_summary(unit=unit),
        "innovations": selectors.innovations_for(user=user, unit=unit),
        "whistle_counts": selectors.whistle_counts(unit=unit),
        "lke_rows": list(selectors.lke_inputs_for(unit, period).items()),
        "can_manage": services.may_manage(user, unit),
        "can_handle_integrity": services.may_handle_integrity(user, unit),
        "public_complaint_url": absolute_url(reverse("programme:complaint_public", args=[unit.pk])),
        "public_whistle_url": absolute_url(reverse("programme:whistle_public", args=[unit.pk])),
    }
    if request.htmx and request.GET.get("fragment") == "complaints":
        return render(request, "programme/partials/complaint_rows.html", context)
    return render(request, "programme/unit_overview.html", context)


# --- work plan ------------------------------------------------------------------------------------------------


@login_required
def workplan_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_manage(request, pk)
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
    plan = _record_for_manage(request, WorkPlan, pk)
    return _form_page(
        request,
        forms.WorkPlanForm(request.POST or None, initial={"title": plan.title, "notes": plan.notes}),
        write=lambda data: services.workplan_update(actor=request.user, plan=plan, **data),
        done=_("Rencana kerja diperbarui."),
        next_url=lambda saved: _overview_url(plan.unit, plan.period),
        unit=plan.unit,
        title=_("Ubah rencana kerja"),
    )


@login_required
def plan_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _record_for_manage(request, WorkPlan, pk)
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
    item = _record_for_manage(request, PlanItem, pk, unit_field="work_plan__unit")
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


# --- activities -----------------------------------------------------------------------------------------------


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_manage(request, pk)
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
    activity = _record_for_manage(request, Activity, pk)
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
    activity = _record_for_read(request, Activity, pk)
    unit = activity.unit
    attendees = [row.person for row in activity.attendance.select_related("person").order_by("person__full_name")]
    staff = selectors.staff_count(unit)
    can_manage = services.may_manage(request.user, unit)
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
    activity = _record_for_read(request, Activity, pk)
    if not services.may_manage(request.user, activity.unit):
        raise PermissionDenied
    form = forms.AttendanceForm(request.POST, unit=activity.unit)
    if form.is_valid():
        try:
            services.activity_set_attendance(
                actor=request.user, activity=activity, attendees=form.cleaned_data["attendees"]
            )
            messages.success(request, _("Daftar hadir disimpan."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Periksa daftar hadir."))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def activity_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _record_for_read(request, Activity, pk)
    if not services.may_manage(request.user, activity.unit):
        raise PermissionDenied
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_add_photo(
                actor=request.user,
                activity=activity,
                uploaded_file=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, _("Foto ditambahkan."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Pilih berkas foto."))
    return redirect(activity.get_absolute_url())


@login_required
def activity_photo(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _record_for_read(request, ActivityPhoto, pk, unit_field="activity__unit")
    if photo.withdrawn_at is not None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def activity_photo_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _record_for_manage(request, ActivityPhoto, pk, unit_field="activity__unit")
    if photo.withdrawn_at is not None:
        raise Http404
    services.activity_withdraw_photo(actor=request.user, photo=photo)
    messages.success(request, _("Foto ditarik."))
    return redirect(photo.activity.get_absolute_url())


# --- change agents --------------------------------------------------------------------------------------------


@login_required
def agent_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_manage(request, pk)
    period = _period(request)
    return _form_page(
        request,
        forms.ChangeAgentForm(request.POST or None, unit=unit),
        write=lambda data: services.change_agent_appoint(actor=request.user, unit=unit, period=period, **data),
        done=_("Agen perubahan ditetapkan."),
        next_url=lambda agent: _overview_url(unit, period) + "#agen",
        unit=unit,
        title=_("Tetapkan agen perubahan"),
        subtitle=period.name,
    )


@login_required
def change_create(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _record_for_manage(request, ChangeAgent, pk)
    return _form_page(
        request,
        forms.ConcreteChangeForm(request.POST or None),
        write=lambda data: services.change_create(actor=request.user, agent=agent, **data),
        done=_("Perubahan konkret dicatat."),
        next_url=lambda change: _overview_url(agent.unit, agent.period) + "#agen",
        unit=agent.unit,
        title=_("Perubahan konkret oleh %(name)s") % {"name": agent.person},
    )


@login_required
def agent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _record_for_manage(request, ChangeAgent, pk)
    return _form_page(
        request,
        forms.ChangeAgentEditForm(
            request.POST or None, initial={"appointed_on": agent.appointed_on, "decree_ref": agent.decree_ref}
        ),
        write=lambda data: services.change_agent_update(actor=request.user, agent=agent, **data),
        done=_("Agen perubahan diperbarui."),
        next_url=lambda saved: _overview_url(agent.unit, agent.period) + "#agen",
        unit=agent.unit,
        title=_("Ubah penetapan %(name)s") % {"name": agent.person},
    )


@login_required
def change_edit(request: HttpRequest, pk: int) -> HttpResponse:
    change = _record_for_manage(request, ConcreteChange, pk, unit_field="agent__unit")
    initial = {
        "title": change.title,
        "made_on": change.made_on,
        "description": change.description,
        "integrated": change.integrated,
        "integration_how": change.integration_how,
    }
    return _form_page(
        request,
        forms.ConcreteChangeForm(request.POST or None, initial=initial),
        write=lambda data: services.change_update(actor=request.user, change=change, **data),
        done=_("Perubahan konkret diperbarui."),
        next_url=lambda saved: _overview_url(change.agent.unit, change.agent.period) + "#agen",
        unit=change.agent.unit,
        title=_("Ubah perubahan konkret"),
    )


# --- complaints (unit side) -----------------------------------------------------------------------------------


def _show_code(request: HttpRequest, code: str) -> None:
    request.session[SESSION_CODE_KEY] = tracking.format_code(code)


@login_required
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_manage(request, pk)

    def shown_once(result: tuple[Complaint, str]) -> str:
        complaint, code = result
        _show_code(request, code)
        return complaint.get_absolute_url()

    return _form_page(
        request,
        forms.ComplaintStaffForm(request.POST or None),
        write=lambda data: services.complaint_create(actor=request.user, unit=unit, **data),
        done=_("Pengaduan dicatat."),
        next_url=shown_once,
        unit=unit,
        title=_("Catat pengaduan"),
    )


@login_required
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _record_for_manage(request, Complaint, pk)
    return _form_page(
        request,
        forms.ComplaintStaffForm(request.POST or None, initial=forms.complaint_details_initial(complaint)),
        write=lambda data: services.complaint_update_details(actor=request.user, complaint=complaint, **data),
        done=_("Pengaduan diperbarui."),
        next_url=lambda saved: saved.get_absolute_url(),
        unit=complaint.unit,
        title=_("Ubah data pengaduan"),
    )


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _record_for_read(request, Complaint, pk)
    unit = complaint.unit
    can_manage = services.may_manage(request.user, unit)
    update_form = forms.ComplaintUpdateForm(
        request.POST if request.method == "POST" and "status" in request.POST else None,
        initial=forms.complaint_update_initial(complaint),
    )
    action_form = forms.FollowUpForm(
        request.POST if request.method == "POST" and "done_on" in request.POST else None,
        initial={"done_on": timezone.localdate()},
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        saved = None
        if update_form.is_bound and update_form.is_valid():
            saved = _save(
                update_form,
                lambda: services.complaint_update(actor=request.user, complaint=complaint, **update_form.cleaned_data),
            )
        elif action_form.is_bound and action_form.is_valid():
            saved = _save(
                action_form,
                lambda: services.complaint_add_action(
                    actor=request.user, complaint=complaint, **action_form.cleaned_data
                ),
            )
        if saved is not None:
            messages.success(request, _("Pengaduan diperbarui."))
            return redirect(complaint.get_absolute_url())
        complaint.refresh_from_db()
    context = {
        "unit": unit,
        "complaint": complaint,
        "actions": complaint.actions.all(),
        "photos": complaint.photos.all() if can_manage else [],
        "innovations": complaint.innovations.all(),
        "can_manage": can_manage,
        "show_contact": can_manage,
        "update_form": update_form if can_manage else None,
        "action_form": action_form if can_manage else None,
        "new_code": request.session.pop(SESSION_CODE_KEY, None) if can_manage else None,
        **_attach_context(request, complaint, "complaint"),
    }
    return render(request, "programme/complaint_detail.html", context)


@login_required
def complaint_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A complaint's photo, for those who handle the unit's complaints only (it may show the complainant)."""
    photo = _record_for_manage(request, ComplaintPhoto, pk, unit_field="complaint__unit")
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def complaint_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _record_for_manage(request, FollowUpAction, pk, unit_field="complaint__unit")
    complaint = action.complaint
    return _form_page(
        request,
        forms.FollowUpForm(
            request.POST or None, initial={"done_on": action.done_on, "description": action.description}
        ),
        write=lambda data: services.complaint_action_update(actor=request.user, action=action, **data),
        done=_("Tindak lanjut diperbarui."),
        next_url=lambda saved: complaint.get_absolute_url(),
        unit=complaint.unit,
        title=_("Ubah tindak lanjut"),
    )


@login_required
@require_POST
def complaint_action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _record_for_manage(request, FollowUpAction, pk, unit_field="complaint__unit")
    complaint = action.complaint
    services.complaint_action_delete(actor=request.user, action=action)
    messages.success(request, _("Tindak lanjut dihapus."))
    return redirect(complaint.get_absolute_url())


# --- complaints and whistle-blowing (public side) -------------------------------------------------------------


def _public_unit(pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk, is_active=True).select_related("agency").first()
    if unit is None:
        raise Http404
    return unit


def _public_submit(
    request: HttpRequest, unit: Unit, form_class: type, submit: Callable[..., Any], template: str
) -> HttpResponse:
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not tracking.hit(request, "submit"):
            form.is_valid()
            form.add_error(None, _("Terlalu banyak kiriman dari jaringan Anda. Silakan coba lagi nanti."))
            status = 429
        elif request.POST.get("website"):
            # honeypot filled: answer like a success, store nothing
            return redirect("programme:public_sent")
        elif form.is_valid():
            data = {key: value for key, value in form.cleaned_data.items() if key != "website"}
            result = _save(form, lambda: submit(unit=unit, **data))
            if result is not None:
                _show_code(request, result[1])
                return redirect("programme:public_sent")
    return render(request, template, {"unit": unit, "form": form}, status=status)


@never_cache
@refuse_invalid_text
def complaint_public(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _public_unit(unit_pk)
    return _public_submit(
        request, unit, forms.ComplaintPublicForm, services.complaint_submit_public, "programme/public_complaint.html"
    )


@never_cache
@refuse_invalid_text
def whistle_public(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _public_unit(unit_pk)
    return _public_submit(
        request, unit, forms.WhistlePublicForm, services.whistle_submit_public, "programme/public_whistle.html"
    )


@never_cache
def public_sent(request: HttpRequest) -> HttpResponse:
    code = request.session.pop(SESSION_CODE_KEY, None)
    return render(request, "programme/public_sent.html", {"code": code})


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(request.POST or None)
    result = None
    not_found = False
    limited = False
    status = 200
    if request.method == "POST":
        if not tracking.hit(request, "track"):
            form = forms.TrackForm()
            limited = True
            status = 429
        elif form.is_valid():
            result = services.track(form.cleaned_data["code"])
            not_found = result is None
            form = forms.TrackForm()  # never echo the code back
        else:
            not_found = True
    return render(
        request,
        "programme/public_track.html",
        {"form": form, "result": result, "not_found": not_found, "limited": limited},
        status=status,
    )


# --- innovations ----------------------------------------------------------------------------------------------


@login_required
def innovation_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_read(request, pk)
    subtree = request.GET.get("subtree") == "1"
    innovations = selectors.innovations_for(user=request.user, unit=unit, subtree=subtree)
    return render(
        request,
        "programme/innovation_list.html",
        {
            "unit": unit,
            "innovations": innovations,
            "subtree": subtree,
            "can_manage": services.may_manage(request.user, unit),
        },
    )


def _innovation_form(request: HttpRequest, unit: Unit, initial: dict[str, Any]) -> forms.InnovationForm:
    return forms.InnovationForm(
        request.POST or None,
        complaints=Complaint.objects.filter(unit=unit).order_by("-received_at")[:200],
        findings=selectors.survey_findings_for(unit),
        public_services=PublicService.objects.filter(unit=unit, is_active=True).order_by("name"),
        initial=initial,
    )


@login_required
def innovation_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_manage(request, pk)
    form = _innovation_form(request, unit, {"complaint": request.GET.get("pengaduan")})
    return _form_page(
        request,
        form,
        write=lambda data: services.innovation_create(actor=request.user, unit=unit, **data),
        done=_("Inovasi dicatat."),
        next_url=lambda innovation: innovation.get_absolute_url(),
        unit=unit,
        title=_("Catat inovasi"),
        intro=form.need_help,
    )


@login_required
def innovation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _record_for_manage(request, Innovation, pk)
    form = _innovation_form(request, innovation.unit, forms.innovation_initial(innovation))
    return _form_page(
        request,
        form,
        write=lambda data: services.innovation_update(actor=request.user, innovation=innovation, **data),
        done=_("Inovasi diperbarui."),
        next_url=lambda saved: saved.get_absolute_url(),
        unit=innovation.unit,
        title=_("Ubah inovasi"),
        intro=form.need_help,
    )


@login_required
def innovation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _record_for_read(request, Innovation, pk)
    context = {
        "unit": innovation.unit,
        "innovation": innovation,
        "survey": selectors.survey_finding_of(innovation),
        "services": innovation.services.all(),
        "can_manage": services.may_manage(request.user, innovation.unit),
        **_attach_context(request, innovation, "innovation"),
    }
    return render(request, "programme/innovation_detail.html", context)


# --- integrity registers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterPage:
    """What differs between the gratification and conflict-of-interest register pages."""

    form: type
    create: Callable[..., Any]
    rows: Callable[..., Any]
    template: str
    rows_name: str
    url_name: str
    created_message: str
    prepare: Callable[[dict[str, Any]], dict[str, Any]] = dict


def _gratification_data(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "value_estimate": data.get("value_estimate") or 0}


REGISTER_PAGES = {
    "gratification": RegisterPage(
        form=forms.GratificationForm,
        create=services.gratification_report_create,
        rows=selectors.gratifications_for,
        template="programme/gratification_list.html",
        rows_name="reports",
        url_name="programme:gratification_list",
        created_message=gettext_noop("Laporan gratifikasi dicatat."),
        prepare=_gratification_data,
    ),
    "conflict": RegisterPage(
        form=forms.ConflictForm,
        create=services.conflict_create,
        rows=selectors.conflicts_for,
        template="programme/conflict_list.html",
        rows_name="conflicts",
        url_name="programme:conflict_list",
        created_message=gettext_noop("Benturan kepentingan dicatat."),
    ),
}


def _register_page(request: HttpRequest, pk: int, page: RegisterPage) -> HttpResponse:
    """A register: its rows for readers, and an entry form for the unit's ZI team and integrity handlers."""
    unit = _unit_for_read(request, pk)
    can_write = services.may_write_register(request.user, unit)
    form = page.form(request.POST or None, unit=unit)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            data = page.prepare(form.cleaned_data)
            record = _save(form, lambda: page.create(actor=request.user, unit=unit, **data))
            if record is not None:
                messages.success(request, _(page.created_message))
                return redirect(page.url_name, pk=unit.pk)
    return render(
        request,
        page.template,
        {"unit": unit, page.rows_name: page.rows(user=request.user, unit=unit), "form": form if can_write else None},
    )


def _register_entry_for_write(request: HttpRequest, model: type[Model], pk: int) -> Any:
    """A register entry the user may read (else 404) and write (else 403)."""
    record = model.objects.select_related("unit").filter(pk=pk).first()
    if record is None:
        raise Http404
    if not services.may_write_register(request.user, record.unit):
        if selectors.readable_unit(user=request.user, pk=record.unit_id) is None:
            raise Http404
        raise PermissionDenied
    return record


@login_required
def gratification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _register_entry_for_write(request, GratificationReport, pk)
    return _form_page(
        request,
        forms.GratificationDecisionForm(
            request.POST or None, initial={"decision": report.decision, "decision_note": report.decision_note}
        ),
        write=lambda data: services.gratification_decide(actor=request.user, report=report, **data),
        done=_("Laporan gratifikasi diperbarui."),
        next_url=lambda saved: reverse("programme:gratification_list", args=[report.unit_id]),
        unit=report.unit,
        title=_("Keputusan atas laporan gratifikasi"),
    )


@login_required
def conflict_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _register_entry_for_write(request, ConflictOfInterest, pk)
    return _form_page(
        request,
        forms.ConflictUpdateForm(
            request.POST or None, initial={"status": conflict.status, "mitigation": conflict.mitigation}
        ),
        write=lambda data: services.conflict_update(actor=request.user, conflict=conflict, **data),
        done=_("Catatan benturan kepentingan diperbarui."),
        next_url=lambda saved: reverse("programme:conflict_list", args=[conflict.unit_id]),
        unit=conflict.unit,
        title=_("Ubah penanganan benturan kepentingan"),
    )


@login_required
def gratification_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _register_page(request, pk, REGISTER_PAGES["gratification"])


@login_required
def conflict_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _register_page(request, pk, REGISTER_PAGES["conflict"])


@login_required
def whistle_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not services.may_handle_integrity(request.user, unit):
        raise Http404
    reports = selectors.whistle_reports_for(user=request.user, unit=unit)
    return render(request, "programme/whistle_list.html", {"unit": unit, "reports": reports})


@login_required
def whistle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.whistle_reports_for(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    form = forms.WhistleUpdateForm(
        request.POST or None,
        initial={
            "status": report.status,
            "handling_notes": report.handling_notes,
            "public_response": report.public_response,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services.whistle_update(actor=request.user, report=report, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("Laporan diperbarui."))
            return redirect("programme:whistle_detail", pk=report.pk)
    return render(
        request,
        "programme/whistle_detail.html",
        {
            "unit": report.unit,
            "report": report,
            "form": form,
            "show_identity": services.may_see_whistle_identity(request.user, report),
        },
    )


# --- register of services -------------------------------------------------------------------------------------


@login_required
def service_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for_read(request, pk)
    can_manage = services.may_manage(request.user, unit)
    form = forms.PublicServiceForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            service = _save(form, lambda: services.service_create(actor=request.user, unit=unit, **form.cleaned_data))
            if service is not None:
                messages.success(request, _("Layanan didaftarkan."))
                return redirect("programme:service_list", pk=unit.pk)
    period = selectors.current_period(request.GET.get("periode"))
    return render(
        request,
        "programme/service_list.html",
        {
            "unit": unit,
            "services": selectors.services_for(user=request.user, unit=unit),
            "form": form if can_manage else None,
            "can_manage": can_manage,
            "lke": selectors.lke_inputs_for(unit, period)["A.II.6.i.b"] if period else None,
            "period": period,
        },
    )


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _record_for_manage(request, PublicService, pk)
    initial = {
        "name": service.name,
        "standard_reference": service.standard_reference,
        "description": service.description,
        "is_active": service.is_active,
    }
    return _form_page(
        request,
        forms.PublicServiceForm(request.POST or None, initial=initial),
        write=lambda data: services.service_update(actor=request.user, service=service, **data),
        done=_("Layanan diperbarui."),
        next_url=lambda saved: reverse("programme:service_list", args=[service.unit_id]),
        unit=service.unit,
        title=_("Ubah layanan"),
    )


# --- downloads ------------------------------------------------------------------------------------------------


@login_required
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """CSV (default) or XLSX (``?format=xlsx``) of the complaint list or a register, as the person may see it."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    if kind == "wbs":
        unit = Unit.objects.filter(pk=pk).first()
        if unit is None or not services.may_handle_integrity(request.user, unit):
            raise Http404
        sheet = exports.whistle_sheet(user=request.user, unit=unit)
    else:
        unit = _unit_for_read(request, pk)
        builders = {
            "pengaduan": lambda: exports.complaints_sheet(
                user=request.user, unit=unit, status=request.GET.get("status", "")
            ),
            "gratifikasi": lambda: exports.gratification_sheet(user=request.user, unit=unit),
            "benturan-kepentingan": lambda: exports.conflict_sheet(user=request.user, unit=unit),
        }
        if kind not in builders:
            raise Http404
        sheet = builders[kind]()
    filename = f"{kind}-{slugify(unit.code) or unit.pk}-{timezone.localdate():%Y%m%d}"
    return exports.response(sheet, filename, fmt)


# --- evidence -------------------------------------------------------------------------------------------------

_ATTACH_MODELS: dict[str, type[Model]] = {"activity": Activity, "complaint": Complaint, "innovation": Innovation}


@login_required
@require_POST
def attach_evidence(request: HttpRequest, record_type: str, pk: int) -> HttpResponse:
    model = _ATTACH_MODELS.get(record_type)
    if model is None:
        raise Http404
    record = _record_for_read(request, model, pk)
    period = record.period if isinstance(record, Activity) else None
    assessment = _draft_assessment(record.unit, period)
    form = forms.AttachEvidenceForm(request.POST)
    if assessment is None:
        messages.error(request, _("Belum ada penilaian (draf) unit ini untuk dilampiri data dukung."))
    elif form.is_valid():
        try:
            services.record_attach_as_evidence(
                actor=request.user,
                record=record,
                assessment=assessment,
                question_code=form.cleaned_data["question_code"].strip(),
            )
            messages.success(
                request,
                _("Dilampirkan sebagai data dukung %(code)s.") % {"code": form.cleaned_data["question_code"]},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Pilih pertanyaan LKE."))
    return redirect(record.get_absolute_url())
