"""Complaint pages on the unit side: record, handle, follow-up actions, photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.core import tracking
from zi.core.feedback import form_attempt
from zi.organisations.access import Action, may
from zi.programme import forms, services
from zi.programme.models import Complaint, ComplaintPhoto, FollowUpAction
from zi.programme.views.common import (
    _attach_context,
    _form_page,
    _managed_record,
    _managed_unit,
    _photo_response,
    _readable_record,
)


@login_required
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)

    def shown_once(result: tuple[Complaint, str]) -> str:
        complaint, code = result
        tracking.show_code(request, code)
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
    complaint = _managed_record(request, Complaint, pk)
    return _form_page(
        request,
        forms.ComplaintStaffForm(
            request.POST or None, initial=forms.record_initial(complaint, forms.ComplaintStaffForm)
        ),
        write=lambda data: services.complaint_update_details(actor=request.user, complaint=complaint, **data),
        done=_("Pengaduan diperbarui."),
        next_url=lambda saved: saved.get_absolute_url(),
        unit=complaint.unit,
        title=_("Ubah data pengaduan"),
    )


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _readable_record(request, Complaint, pk)
    unit = complaint.unit
    can_manage = may(request.user, Action.PROGRAMME_MANAGE, unit)
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
        saved: object = None
        if update_form.is_bound and update_form.is_valid():
            saved = form_attempt(
                update_form,
                lambda: services.complaint_update(actor=request.user, complaint=complaint, **update_form.cleaned_data),
            )
        elif action_form.is_bound and action_form.is_valid():
            saved = form_attempt(
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
        "new_code": tracking.pop_shown_code(request) if can_manage else None,
        **_attach_context(request, complaint, "complaint"),
    }
    return render(request, "programme/complaint_detail.html", context)


@login_required
def complaint_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A complaint's photo, for those who handle the unit's complaints only (it may show the complainant)."""
    photo = _managed_record(request, ComplaintPhoto, pk)
    return _photo_response(photo)


@login_required
def complaint_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _managed_record(request, FollowUpAction, pk)
    complaint = action.complaint
    return _form_page(
        request,
        forms.FollowUpForm(request.POST or None, initial=forms.record_initial(action, forms.FollowUpForm)),
        write=lambda data: services.complaint_action_update(actor=request.user, action=action, **data),
        done=_("Tindak lanjut diperbarui."),
        next_url=lambda saved: complaint.get_absolute_url(),
        unit=complaint.unit,
        title=_("Ubah tindak lanjut"),
    )


@login_required
@require_POST
def complaint_action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _managed_record(request, FollowUpAction, pk)
    complaint = action.complaint
    services.complaint_action_delete(actor=request.user, action=action)
    messages.success(request, _("Tindak lanjut dihapus."))
    return redirect(complaint.get_absolute_url())
