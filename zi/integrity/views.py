"""The integrity registers' pages: gratification, conflict of interest, whistle-blowing reports (handled by
integrity handlers, sent by the public without logging in), and their downloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache

from zi.core.errors import refuse_invalid_text
from zi.core.feedback import form_attempt, form_page
from zi.core.public_forms import public_submit
from zi.integrity import exports, forms, selectors, services
from zi.integrity.models import ConflictOfInterest, GratificationReport
from zi.organisations.access import Action, may
from zi.organisations.fields import record_initial
from zi.organisations.models import Unit
from zi.organisations.scoped import get_scoped_or_404
from zi.organisations.selectors import public_unit
from zi.organisations.sheets import unit_sheet_response

_R = TypeVar("_R", bound=Model)


def _readable_unit(request: HttpRequest, pk: int) -> Unit:
    """A unit whose registers the user may read: 404 out of sight."""
    units = Unit.objects.select_related("agency", "unit_type")
    return get_scoped_or_404(units, request.user, see=Action.PROGRAMME_READ, pk=pk)


def _register_entry(request: HttpRequest, model: type[_R], pk: int) -> _R:
    """A register entry (gratification, conflict of interest) the user may write."""
    return get_scoped_or_404(
        model._default_manager.select_related("unit"),
        request.user,
        Action.REGISTER_WRITE,
        see=Action.PROGRAMME_READ,
        pk=pk,
    )


def _whistle_unit(request: HttpRequest, pk: int) -> Unit:
    """A unit whose whistle-blowing reports the user handles; 404 for everyone else, who is not told it exists."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not may(request.user, Action.INTEGRITY_HANDLE, unit):
        raise Http404
    return unit


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
        template="integrity/gratification_list.html",
        rows_name="reports",
        url_name="integrity:gratification_list",
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
        template="integrity/conflict_list.html",
        rows_name="conflicts",
        url_name="integrity:conflict_list",
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
            record = form_attempt(form, lambda: page.create(actor=request.user, unit=unit, **data))
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
    return form_page(
        request,
        page.edit_form(request.POST or None, initial=record_initial(entry, page.edit_form)),
        write=lambda data: page.update(request.user, entry, data),
        done=_(page.updated_message),
        next_url=lambda saved: reverse(page.url_name, args=[entry.unit_id]),
        template="components/record_form.html",
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
    return render(request, "integrity/whistle_list.html", {"unit": unit, "reports": reports})


@login_required
def whistle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.whistle_reports_for(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    form = forms.WhistleUpdateForm(request.POST or None, initial=record_initial(report, forms.WhistleUpdateForm))
    if request.method == "POST" and form.is_valid():
        saved = form_attempt(
            form, lambda: services.whistle_update(actor=request.user, report=report, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("Laporan diperbarui."))
            return redirect("integrity:whistle_detail", pk=report.pk)
    return render(
        request,
        "integrity/whistle_detail.html",
        {
            "unit": report.unit,
            "report": report,
            "form": form,
            "show_identity": services.may_see_whistle_identity(request.user, report),
        },
    )


@never_cache
@refuse_invalid_text
def whistle_public(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """The public whistle-blowing form (no login): anonymous unless the reporter gives a name or contact."""
    unit = public_unit(unit_pk)
    if unit is None:
        raise Http404
    return public_submit(
        request,
        form_class=forms.WhistlePublicForm,
        submit=lambda **data: services.whistle_submit_public(unit=unit, **data),
        template="integrity/public_whistle.html",
        sent="programme:public_sent",
        unit=unit,
    )


@login_required
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """CSV (default) or XLSX (``?format=xlsx``) of a register, as the person may see it."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    if kind == "wbs":
        unit = _whistle_unit(request, pk)
        sheet = exports.whistle_sheet(user=request.user, unit=unit)
    elif kind in ("gratifikasi", "benturan-kepentingan"):
        unit = _readable_unit(request, pk)
        build = exports.gratification_sheet if kind == "gratifikasi" else exports.conflict_sheet
        sheet = build(user=request.user, unit=unit)
    else:
        raise Http404
    return unit_sheet_response(sheet, kind, unit, fmt)
