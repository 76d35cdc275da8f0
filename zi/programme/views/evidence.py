"""Attaching a record to an assessment answer as evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.core.feedback import attempt
from zi.programme import forms, services
from zi.programme.models import Activity, Complaint, Innovation
from zi.programme.views.common import _draft_assessment, _readable_record

_ATTACH_MODELS: dict[str, type[Model]] = {"activity": Activity, "complaint": Complaint, "innovation": Innovation}


@login_required
@require_POST
def attach_evidence(request: HttpRequest, record_type: str, pk: int) -> HttpResponse:
    model = _ATTACH_MODELS.get(record_type)
    if model is None:
        raise Http404
    record: Any = _readable_record(request, model, pk)  # one of three models
    period = record.period if isinstance(record, Activity) else None
    assessment = _draft_assessment(record.unit, period)
    form = forms.AttachEvidenceForm(request.POST)
    if assessment is None:
        messages.error(request, _("Belum ada penilaian (draf) unit ini untuk dilampiri data dukung."))
    elif form.is_valid():
        code = form.cleaned_data["question_code"]
        attempt(
            request,
            lambda: services.record_attach_as_evidence(
                actor=request.user, record=record, assessment=assessment, question_code=code.strip()
            ),
            _("Dilampirkan sebagai data dukung %(code)s.") % {"code": code},
        )
    else:
        messages.error(request, _("Pilih pertanyaan LKE."))
    return redirect(record.get_absolute_url())
