"""Assessment pages: list and start, the LKE worksheet with htmx autosave, evidence, submission and Excel.

Views are thin: they find the assessment through the visibility-scoped selectors (404 when not visible),
call a service, and render. Every page works without JavaScript; htmx requests get small partials.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from zi.assessments import evidence as evidence_checks
from zi.assessments import forms, panels, selectors, services
from zi.assessments.excel import import_assessment_xlsx
from zi.assessments.models import Assessment, AssessmentStatus, Evidence, EvidenceKind, Lane
from zi.assessments.submission import CARRIED, attach_markers, submission_check
from zi.assessments.suggestions import suggestions_for
from zi.core import downloads
from zi.core.feedback import refusal
from zi.core.files import stored_file_response
from zi.lke.services import template_spec
from zi.organisations.access import Action, may
from zi.organisations.scoped import get_scoped_or_404

FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _worksheet_url(assessment: Assessment, section: str = "", anchor: str = "") -> str:
    url = reverse("assessments:worksheet", args=[assessment.pk])
    if section:
        url += f"?bagian={section}"
    if anchor:
        url += f"#{anchor}"
    return url


def _section_for(code: str) -> str:
    return selectors.section_for(code)


# --- list and start ------------------------------------------------------------------------------------------


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    units = selectors.startable_units(user=request.user)
    periods = selectors.open_periods()
    form = forms.StartAssessmentForm(units=units, periods=periods)
    can_start = units.exists() and periods.exists()
    return render(
        request,
        "assessments/assessment_list.html",
        {"assessments": selectors.assessment_list(user=request.user), "form": form, "can_start": can_start},
    )


@login_required
@require_POST
def assessment_start(request: HttpRequest) -> HttpResponse:
    units = selectors.startable_units(user=request.user)
    periods = selectors.open_periods()
    form = forms.StartAssessmentForm(request.POST, units=units, periods=periods)
    if form.is_valid():
        try:
            assessment = services.assessment_start(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                period=form.cleaned_data["period"],
                target_predicate=form.cleaned_data["target_predicate"],
            )
        except ValidationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Penilaian dimulai."))
            return redirect("assessments:worksheet", pk=assessment.pk)
    context = {
        "assessments": selectors.assessment_list(user=request.user),
        "form": form,
        "can_start": True,
    }
    return render(request, "assessments/assessment_list.html", context, status=400)


# --- worksheet -----------------------------------------------------------------------------------------------


@login_required
def worksheet(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_scoped_or_404(selectors.assessments_shown(request.user), request.user, pk=pk)
    # every answer (the pre-submit check reads them all) but only the shown tab's evidence and revisions
    ws = selectors.worksheet(user=request.user, assessment=assessment, evidence_section=request.GET.get("bagian", ""))
    panels.apply(request, ws)
    section = ws.section(ws.shown)
    check = submission_check(assessment, ws=ws)
    attach_markers(ws, check)
    context = {
        "ws": ws,
        "a": assessment,
        "section": section,
        "check": check,
        "carried": check.bulk(CARRIED, section.key),
        "suggestions": suggestions_for(assessment, ws.survey_checks),
    }
    return render(request, "assessments/worksheet.html", context)


def _row_worksheet(request: HttpRequest, assessment: Assessment, code: str) -> selectors.Worksheet:
    """The worksheet for one question's htmx answer: its tab's evidence, the other tabs' counts and flags."""
    section = selectors.section_key(template_spec(assessment.period.template), code)
    return selectors.worksheet(user=request.user, assessment=assessment, evidence_section=section)


def _row_response(
    request: HttpRequest,
    assessment: Assessment,
    code: str,
    *,
    template: str,
    extra: dict[str, Any],
    error: str = "",
    ok_message: str = "",
) -> HttpResponse:
    """The answer to a worksheet row's form: with htmx the row's partial ``template`` (swapped out of band), else the
    error or ``ok_message`` as a message and back to the row on its tab."""
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        ws = _row_worksheet(request, assessment, code)
        row = ws.rows[code]
        context = {"ws": ws, "a": assessment, "row": row, "section": ws.section(row.section_key), "oob": True}
        return render(request, template, {**context, **extra})
    if error:
        messages.error(request, f"{code}: {error}")
    elif ok_message:
        messages.success(request, ok_message)
    return redirect(_worksheet_url(assessment, _section_for(code), "q-" + code.replace(".", "-")))


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = get_scoped_or_404(selectors.assessments_shown(request.user), request.user, pk=pk)
    question = template_spec(assessment.period.template).questions.get(code)
    if question is None:
        raise Http404
    if not services.may_answer(request.user, assessment, Lane.SELF):
        raise PermissionDenied(_("Anda tidak berwenang mengisi jawaban penilaian ini."))
    error = ""
    try:
        raw = forms.raw_answer_from_post(question, request.POST)
        services.answer_save(
            actor=request.user,
            assessment=assessment,
            question_code=code,
            raw=raw,
            note=request.POST.get("note") if "note" in request.POST else None,
            source=request.POST.get("sumber") if "sumber" in request.POST else None,
        )
    except ValidationError as exc:
        error = refusal(exc)
    return _row_response(
        request,
        assessment,
        code,
        template="assessments/partials/answer_result.html",
        extra={"error": error, "saved": not error},
        error=error,
        ok_message=_("Jawaban %(code)s tersimpan.") % {"code": code},
    )


# --- evidence ------------------------------------------------------------------------------------------------


def _evidence_response(
    request: HttpRequest, assessment: Assessment, code: str, *, error: str = "", ok_message: str = ""
) -> HttpResponse:
    return _row_response(
        request,
        assessment,
        code,
        template="assessments/partials/evidence_result.html",
        extra={"ev_error": error, "ev_message": ok_message},
        error=error,
        ok_message=ok_message,
    )


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = get_scoped_or_404(selectors.assessments_shown(request.user), request.user, pk=pk)
    if code not in template_spec(assessment.period.template).questions:
        raise Http404
    if not may(request.user, Action.EVIDENCE_UPLOAD, assessment.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengunggah data dukung untuk unit ini."))
    error = ""
    link = request.POST.get("kind") == EvidenceKind.LINK
    form = forms.EvidenceLinkForm(request.POST) if link else forms.EvidenceFileForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("Isi judul dan tautan.") if link else _("Isi judul dan pilih berkas."))
        about = {
            "actor": request.user,
            "assessment": assessment,
            "question_code": code,
            "title": form.cleaned_data["title"],
        }
        if link:
            services.evidence_add_link(**about, url=form.cleaned_data["url"])
        else:
            services.evidence_add_file(**about, uploaded_file=form.cleaned_data["file"])
    except ValidationError as exc:
        error = refusal(exc)
    return _evidence_response(
        request, assessment, code, error=error, ok_message="" if error else _("Data dukung ditambahkan.")
    )


def _evidence_to_change(request: HttpRequest, pk: int, denied: str) -> Evidence:
    """Evidence the user is shown (else 404) on a unit whose evidence they may upload (else 403 ``denied``)."""
    item = get_scoped_or_404(selectors.evidence_shown(request.user), request.user, pk=pk)
    if not may(request.user, Action.EVIDENCE_UPLOAD, item.assessment.unit):
        raise PermissionDenied(denied)
    return item


@login_required
@require_POST
def evidence_revise(request: HttpRequest, pk: int) -> HttpResponse:
    item = _evidence_to_change(request, pk, _("Anda tidak berwenang mengunggah data dukung untuk unit ini."))
    form = forms.EvidenceReviseForm(request.POST, request.FILES)
    error = ""
    try:
        if not form.is_valid():
            raise ValidationError(_("Revisi tidak valid."))
        if item.kind == EvidenceKind.FILE:
            services.evidence_revise(actor=request.user, evidence=item, uploaded_file=form.cleaned_data["file"])
        else:
            services.evidence_revise(actor=request.user, evidence=item, url=form.cleaned_data["url"])
    except ValidationError as exc:
        error = refusal(exc)
    ok = "" if error else _("Revisi data dukung disimpan.")
    return _evidence_response(request, item.assessment, item.question.code, error=error, ok_message=ok)


@login_required
@require_POST
def evidence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = _evidence_to_change(request, pk, _("Anda tidak berwenang mengubah data dukung unit ini."))
    error = ""
    try:
        services.evidence_withdraw(actor=request.user, evidence=item, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        error = refusal(exc)
    ok = "" if error else _("Data dukung ditarik.")
    return _evidence_response(request, item.assessment, item.question.code, error=error, ok_message=ok)


def _signed_evidence_redirect(revision: Any, pk: int, number: int, inline: bool) -> HttpResponse:
    """302 to a short-lived signed URL of the object. Only called after the permission check.

    When ``ZI_S3_PUBLIC_URL`` is set (e.g. ``https://zi.example.go.id/_s3``) the URL is rewritten onto it: the
    proxy forwards that prefix to the store with the store's Host header, so the signature still matches and
    the browser stays on the app's origin (the page CSP allows images and frames from 'self' only; the proxy
    adds the sandbox CSP of ``FILE_CSP`` there)."""
    filename = revision.original_name or f"data-dukung-{pk}-r{number}"
    parameters = {
        "ResponseContentType": revision.content_type or "application/octet-stream",
        "ResponseContentDisposition": content_disposition_header(not inline, filename),
        "ResponseCacheControl": "private, max-age=0, no-store",
    }
    storage = revision.file.storage
    url = storage.url(revision.file.name, parameters=parameters, expire=settings.ZI_S3_URL_EXPIRE_SECONDS)
    public = getattr(settings, "ZI_S3_PUBLIC_URL", "")
    endpoint = (getattr(storage, "endpoint_url", None) or "").rstrip("/")
    if public and endpoint and url.startswith(endpoint + "/"):
        url = public + url[len(endpoint) :]
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@xframe_options_sameorigin
def evidence_file(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """The stored bytes of one revision: inline only for PDF and images, sandboxed, never sniffed.

    With object storage (``ZI_STORAGE=s3``) the bytes do not pass through the app: after the same permission
    check the answer is a redirect to a signed URL valid ``ZI_S3_URL_EXPIRE_SECONDS`` that makes the store
    answer with the right type and disposition (see ``_signed_evidence_redirect``)."""
    revision = selectors.evidence_revision_get(user=request.user, evidence_pk=pk, number=number)
    if revision is None or not revision.file:
        raise Http404
    inline = evidence_checks.is_inline_type(revision.content_type)
    if getattr(settings, "ZI_STORAGE", "filesystem") == "s3":
        return _signed_evidence_redirect(revision, pk, number, inline)
    response = stored_file_response(
        revision.file,
        filename=revision.original_name or f"data-dukung-{pk}-r{number}",
        content_type=revision.content_type,
        as_attachment=not inline,
    )
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
def evidence_preview(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    revision = selectors.evidence_revision_get(user=request.user, evidence_pk=pk, number=number)
    if revision is None:
        raise Http404
    context = {
        "revision": revision,
        "evidence": revision.evidence,
        "a": revision.evidence.assessment,
        "is_image": evidence_checks.is_image_type(revision.content_type),
        "is_pdf": revision.content_type == evidence_checks.PDF,
    }
    return render(request, "assessments/evidence_preview.html", context)


# --- submission ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the one pre-submit check (:func:`zi.assessments.submission.submission_check`) for everyone who may see
    the LKE: every blocker with a link to its question, then the warnings that do not block; the submit form only
    for those who may submit and only without blockers. POST: submit (``assessment.submit`` on the unit), refused
    by the same check."""
    assessment = get_scoped_or_404(selectors.assessments_shown(request.user), request.user, pk=pk)
    if request.method == "POST":
        if not may(request.user, Action.ASSESSMENT_SUBMIT, assessment.unit):
            raise PermissionDenied(_("Anda tidak berwenang mengirim penilaian ini."))
        try:
            services.assessment_submit(actor=request.user, assessment=assessment)
        except ValidationError as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, _("Penilaian telah dikirim."))
        return redirect("assessments:worksheet", pk=assessment.pk)
    ws = selectors.worksheet(user=request.user, assessment=assessment)
    panels.apply(request, ws)
    check = submission_check(assessment, ws=ws)
    return render(request, "assessments/submit_confirm.html", {"ws": ws, "a": assessment, "check": check})


# --- Excel ---------------------------------------------------------------------------------------------------


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_scoped_or_404(selectors.assessments_shown(request.user), request.user, pk=pk)
    from zi.assessments.excel import export_assessment_xlsx  # lazy: openpyxl loads only when a workbook is asked for

    content = export_assessment_xlsx(assessment, lane=Lane.SELF)
    return downloads.attachment(content, f"LKE-{assessment.unit.code}-{assessment.period.year}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_scoped_or_404(selectors.assessments_shown(request.user), request.user, pk=pk)
    if assessment.status != AssessmentStatus.DRAFT or not may(request.user, Action.ASSESSMENT_ANSWER, assessment.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengimpor jawaban penilaian ini."))
    report: Any = None
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        limit = getattr(settings, "ZI_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
        if uploaded.size > limit:
            form.add_error("file", _("Berkas terlalu besar."))
            status = 400
        else:
            report = import_assessment_xlsx(actor=request.user, assessment=assessment, uploaded_file=uploaded)
            status = 200 if not report.errors else 400
    elif request.method == "POST":
        status = 400
    return render(request, "assessments/import.html", {"a": assessment, "form": form, "report": report}, status=status)
