"""Post-predicate monitoring pages: the holders list with the at-risk list, one holder's records (TPI reports, TPN
field checks) with the forms to add them, and the report file. Thin: reads in :mod:`zi.workflow.monitoring`,
writes in :mod:`zi.workflow.monitoring_services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zi.assessments.models import Period
from zi.core.files import stored_file_response
from zi.organisations.access import Action, may
from zi.organisations.scoped import get_scoped_or_404
from zi.predicates.models import Award
from zi.workflow import monitoring, monitoring_services
from zi.workflow.models import MonitoringRecommendation, MonitoringReport, MonitoringResult

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    report_date = forms.DateField(label=gettext_lazy("Tanggal laporan"), widget=DATE_WIDGET)
    result = forms.ChoiceField(label=gettext_lazy("Hasil"), choices=MonitoringResult.choices)
    recommendation = forms.ChoiceField(label=gettext_lazy("Rekomendasi"), choices=MonitoringRecommendation.choices)
    summary = forms.CharField(label=gettext_lazy("Ringkasan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(label=gettext_lazy("Berkas laporan"))


class FieldCheckForm(forms.Form):
    check_date = forms.DateField(label=gettext_lazy("Tanggal pemeriksaan"), widget=DATE_WIDGET)
    result = forms.ChoiceField(label=gettext_lazy("Hasil"), choices=MonitoringResult.choices)
    recommendation = forms.ChoiceField(label=gettext_lazy("Rekomendasi"), choices=MonitoringRecommendation.choices)
    findings = forms.CharField(label=gettext_lazy("Temuan"), widget=forms.Textarea(attrs={"rows": 3}))


def _period(request: HttpRequest) -> tuple[Period | None, list[Period]]:
    periods = list(Period.objects.order_by("-year"))
    wanted = request.GET.get("periode")
    period = next((p for p in periods if str(p.pk) == wanted), periods[0] if periods else None)
    return period, periods


@login_required
def watch(request: HttpRequest) -> HttpResponse:
    """ "Pemantauan pasca-predikat": every holder in scope with its monitoring status, and the at-risk list."""
    if not may(request.user, Action.MONITORING_VIEW):
        raise PermissionDenied
    period, periods = _period(request)
    rows = monitoring.predicate_watch(user=request.user, period=period, today=timezone.localdate()) if period else []
    at_risk = [r for r in rows if r.at_risk]
    if request.GET.get("risiko") == "1":
        rows = at_risk
    context = {
        "rows": rows,
        "at_risk": at_risk,
        "periods": periods,
        "period": period,
        "limits": monitoring.thresholds(),
    }
    return render(request, "workflow/monitoring.html", context)


def _award_page(request: HttpRequest, award: Award, **forms_given: Any) -> HttpResponse:
    reports, checks = monitoring.award_records(award)
    period, _periods = _period(request)
    row = None
    if period is not None:
        rows = monitoring.predicate_watch(user=request.user, period=period)
        row = next((r for r in rows if r.award.pk == award.pk), None)
    context = {
        "award": award,
        "row": row,
        "reports": reports,
        "checks": checks,
        "over_time": monitoring.indices_over_time(award),
        "may_report": may(request.user, Action.TPI_SCORE, award.unit) and award.revoked_on is None,
        "may_check": may(request.user, Action.TPN_RESULT_RECORD, award.unit) and award.revoked_on is None,
        "report_form": forms_given.get("report_form") or ReportForm(),
        "check_form": forms_given.get("check_form") or FieldCheckForm(),
    }
    status = 400 if forms_given else 200
    return render(request, "workflow/monitoring_award.html", context, status=status)


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _award_page(
        request,
        get_scoped_or_404(Award.objects.select_related("unit"), request.user, see=Action.MONITORING_VIEW, pk=pk),
    )


def _errors(form: forms.Form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _award_write(
    request: HttpRequest,
    pk: int,
    *,
    action: Action,
    form_class: type[forms.Form],
    form_name: str,
    write: Callable[[Any, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """A monitoring record added to an award: permission (403), the form, the service (its refusal becomes a form
    error), then back to the award page, or the page again with the form and its errors."""
    award = get_scoped_or_404(
        Award.objects.select_related("unit"), request.user, action, see=Action.MONITORING_VIEW, pk=pk
    )
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            write(award, form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("workflow:monitoring_award", pk=award.pk)
    return _award_page(request, award, **{form_name: form})


@login_required
@require_POST
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _award_write(
        request,
        pk,
        action=Action.TPI_SCORE,
        form_class=ReportForm,
        form_name="report_form",
        write=lambda award, data: monitoring_services.report_record(
            actor=request.user,
            award=award,
            report_date=data["report_date"],
            result=data["result"],
            recommendation=data["recommendation"],
            summary=data["summary"],
            uploaded_file=data["file"],
        ),
        done=_("Laporan pemantauan dicatat."),
    )


@login_required
@require_POST
def check_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _award_write(
        request,
        pk,
        action=Action.TPN_RESULT_RECORD,
        form_class=FieldCheckForm,
        form_name="check_form",
        write=lambda award, data: monitoring_services.field_check_record(actor=request.user, award=award, **data),
        done=_("Pemeriksaan lapangan dicatat."),
    )


@login_required
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    """The stored report file, always as an attachment, never sniffed."""
    report = get_scoped_or_404(
        MonitoringReport.objects.select_related("award__unit"), request.user, see=Action.MONITORING_VIEW, pk=pk
    )
    if not report.file:
        raise Http404
    return stored_file_response(
        report.file,
        filename=report.file_name or f"laporan-pemantauan-{report.pk}",
        content_type=report.content_type,
        as_attachment=True,
    )
