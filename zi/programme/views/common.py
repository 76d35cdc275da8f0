"""What the programme pages share: the form page, the period and the "attach as evidence" context. Units and records
are loaded with :func:`zi.organisations.scoped.get_scoped_or_404` (``programme.read``: else 404;
``programme.manage``: else 403)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, TypeVar

from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from zi.assessments.models import Assessment
from zi.assessments.stages import DRAFT_STATES
from zi.core.feedback import form_page
from zi.core.files import stored_file_response
from zi.lke.models import LkeQuestion
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.scoped import get_scoped_or_404
from zi.programme import forms, selectors
from zi.programme.models import AttachedEvidence

_R = TypeVar("_R", bound=Model)


def _units() -> Any:
    return Unit.objects.select_related("agency", "unit_type")


def _readable_unit(request: HttpRequest, pk: int) -> Unit:
    """A unit whose programme records the user may read: 404 out of sight."""
    return get_scoped_or_404(_units(), request.user, see=Action.PROGRAMME_READ, pk=pk)


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    """A unit whose programme records the user may change: 404 out of sight, 403 without the right."""
    return get_scoped_or_404(_units(), request.user, Action.PROGRAMME_MANAGE, see=Action.PROGRAMME_READ, pk=pk)


def _readable_record(request: HttpRequest, model: type[_R], pk: int) -> _R:
    """A programme record the user may read (placed in the tree by its model's ``unit_field``): 404 out of sight."""
    return get_scoped_or_404(model, request.user, see=Action.PROGRAMME_READ, pk=pk)


def _managed_record(request: HttpRequest, model: type[_R], pk: int) -> _R:
    """A programme record the user may change (placed in the tree by its model's ``unit_field``)."""
    return get_scoped_or_404(model, request.user, Action.PROGRAMME_MANAGE, see=Action.PROGRAMME_READ, pk=pk)


def _photo_response(photo: Any) -> FileResponse:
    """An activity's or a complaint's photo, shown inline and kept an hour by the reader's browser only (404 when
    the stored file is gone)."""
    name = PurePosixPath(photo.file.name).name or f"foto-{photo.pk}"
    return stored_file_response(
        photo.file, filename=name, content_type=photo.content_type, as_attachment=False, cache_seconds=3600
    )


def _period(request: HttpRequest) -> Any:
    period = selectors.current_period(request.GET.get("periode"))
    if period is None:
        raise Http404(_("Belum ada periode penilaian."))
    return period


def _form_page(request: HttpRequest, form: Any, *, unit: Unit, **page: Any) -> HttpResponse:
    """:func:`zi.core.feedback.form_page` on the programme's form page (``write``, ``done``, ``next_url``, ``title``
    and any extra context in ``page``)."""
    return form_page(request, form, template="components/record_form.html", unit=unit, **page)


def _overview_url(unit: Unit, period: Any = None) -> str:
    url = reverse("programme:unit_overview", args=[unit.pk])
    return f"{url}?periode={period.year}" if period is not None else url


def _draft_assessment(unit: Unit, period: Any = None) -> Assessment | None:
    assessments = Assessment.objects.filter(unit=unit, state__in=DRAFT_STATES).select_related("period")
    if period is not None:
        assessments = assessments.filter(period=period)
    return assessments.order_by("-period__year").first()


SUGGESTED_CODES: dict[str, Any] = {
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
