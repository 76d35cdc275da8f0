"""The integrity registers' pages: gratification, conflict of interest, whistle-blowing reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.scoped import get_scoped_or_404
from zi.programme import forms, selectors, services
from zi.programme.models import ConflictOfInterest, GratificationReport
from zi.programme.views.common import _form_page, _register_entry, _save


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
    unit = get_scoped_or_404(
        Unit.objects.select_related("agency", "unit_type"), request.user, see=Action.PROGRAMME_READ, pk=pk
    )
    can_write = may(request.user, Action.REGISTER_WRITE, unit)
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


@login_required
def gratification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _register_entry(request, GratificationReport, pk)
    return _form_page(
        request,
        forms.GratificationDecisionForm(
            request.POST or None, initial=forms.record_initial(report, forms.GratificationDecisionForm)
        ),
        write=lambda data: services.gratification_decide(actor=request.user, report=report, **data),
        done=_("Laporan gratifikasi diperbarui."),
        next_url=lambda saved: reverse("programme:gratification_list", args=[report.unit_id]),
        unit=report.unit,
        title=_("Keputusan atas laporan gratifikasi"),
    )


@login_required
def conflict_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _register_entry(request, ConflictOfInterest, pk)
    return _form_page(
        request,
        forms.ConflictUpdateForm(
            request.POST or None, initial=forms.record_initial(conflict, forms.ConflictUpdateForm)
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
    if unit is None or not may(request.user, Action.INTEGRITY_HANDLE, unit):
        raise Http404
    reports = selectors.whistle_reports_for(user=request.user, unit=unit)
    return render(request, "programme/whistle_list.html", {"unit": unit, "reports": reports})


@login_required
def whistle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.whistle_reports_for(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    form = forms.WhistleUpdateForm(request.POST or None, initial=forms.record_initial(report, forms.WhistleUpdateForm))
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
