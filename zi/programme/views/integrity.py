"""The integrity registers' pages: gratification, conflict of interest, whistle-blowing reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.organisations.access import Action, may
from zi.programme import forms, selectors, services
from zi.programme.models import ConflictOfInterest, GratificationReport
from zi.programme.views.common import _form_page, _readable_unit, _register_entry, _save, _whistle_unit


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
    # the edit page of one entry: ``update(actor, entry, cleaned_data)`` runs the register's service
    model: type[Model]
    edit_form: type
    update: Callable[[Any, Any, dict[str, Any]], Any]
    edit_title: str
    updated_message: str
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
        model=GratificationReport,
        edit_form=forms.GratificationDecisionForm,
        update=lambda actor, report, data: services.gratification_decide(actor=actor, report=report, **data),
        edit_title=gettext_noop("Keputusan atas laporan gratifikasi"),
        updated_message=gettext_noop("Laporan gratifikasi diperbarui."),
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
        model=ConflictOfInterest,
        edit_form=forms.ConflictUpdateForm,
        update=lambda actor, conflict, data: services.conflict_update(actor=actor, conflict=conflict, **data),
        edit_title=gettext_noop("Ubah penanganan benturan kepentingan"),
        updated_message=gettext_noop("Catatan benturan kepentingan diperbarui."),
    ),
}


def _register_page(request: HttpRequest, pk: int, page: RegisterPage) -> HttpResponse:
    """A register: its rows for readers, and an entry form for the unit's ZI team and integrity handlers."""
    unit = _readable_unit(request, pk)
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


def _register_edit(request: HttpRequest, pk: int, page: RegisterPage) -> HttpResponse:
    """One register entry's edit page (the gratification decision, the handling of a conflict of interest)."""
    entry: Any = _register_entry(request, page.model, pk)
    return _form_page(
        request,
        page.edit_form(request.POST or None, initial=forms.record_initial(entry, page.edit_form)),
        write=lambda data: page.update(request.user, entry, data),
        done=_(page.updated_message),
        next_url=lambda saved: reverse(page.url_name, args=[entry.unit_id]),
        unit=entry.unit,
        title=_(page.edit_title),
    )


@login_required
def gratification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _register_edit(request, pk, REGISTER_PAGES["gratification"])


@login_required
def conflict_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _register_edit(request, pk, REGISTER_PAGES["conflict"])


@login_required
def gratification_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _register_page(request, pk, REGISTER_PAGES["gratification"])


@login_required
def conflict_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _register_page(request, pk, REGISTER_PAGES["conflict"])


@login_required
def whistle_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _whistle_unit(request, pk)
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
