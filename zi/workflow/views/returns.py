"""Return notes per question and the scorer's "tetap": flag a question on the lane page, keep a value the unit's
changed answer meets, mark a note addressed on the worksheet. Thin: scoped journey (404), services decide (403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.assessments.models import Lane
from zi.assessments.selectors import section_for
from zi.core.feedback import refusal
from zi.lke.services import template_spec
from zi.organisations.scoped import get_scoped_or_404
from zi.workflow import returns, selectors
from zi.workflow.models import Journey, ReturnNote


def _journey(request: HttpRequest, pk: int, lane: str = Lane.REVIEW, code: str = "") -> Journey:
    """The journey in scope (404), with the lane and question of the URL checked (404 for an unknown one)."""
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    if lane not in returns.SCORED_LANES or (code and code not in template_spec(journey.period.template).questions):
        raise Http404
    return journey


def _back_to_lane(journey: Journey, lane: str, code: str) -> HttpResponse:
    url = reverse("workflow:lane_sheet", args=[journey.pk, lane])
    return redirect(f"{url}#q-{code.replace('.', '-')}")


@login_required
@require_POST
def return_flag(request: HttpRequest, pk: int, lane: str, code: str) -> HttpResponse:
    """Flag the question "tandai untuk diperbaiki" with a note, change the note, or remove the flag (``hapus``)."""
    journey = _journey(request, pk, lane, code)
    try:
        if request.POST.get("hapus"):
            returns.note_unflag(actor=request.user, journey=journey, lane=lane, question_code=code)
            messages.success(request, _("Tanda perbaikan %(code)s dihapus.") % {"code": code})
        else:
            note = request.POST.get("note", "")
            returns.note_flag(actor=request.user, journey=journey, lane=lane, question_code=code, note=note)
            messages.success(request, _("%(code)s ditandai untuk diperbaiki.") % {"code": code})
    except ValidationError as exc:
        messages.error(request, f"{code}: {refusal(exc)}")
    return _back_to_lane(journey, lane, code)


@login_required
@require_POST
def change_confirm(request: HttpRequest, pk: int, lane: str, code: str) -> HttpResponse:
    """The scorer keeps their value although the unit changed its answer ("tetap")."""
    journey = _journey(request, pk, lane, code)
    try:
        returns.change_confirm(actor=request.user, journey=journey, lane=lane, question_code=code)
    except ValidationError as exc:
        messages.error(request, f"{code}: {refusal(exc)}")
    else:
        messages.success(request, _("Nilai %(code)s ditetapkan.") % {"code": code})
    return _back_to_lane(journey, lane, code)


@login_required
@require_POST
def return_addressed(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """The unit marks a return note addressed ("sudah diperbaiki"), optionally with a reply."""
    journey = _journey(request, pk)
    note = ReturnNote.objects.select_related("question").filter(pk=note_pk, journey=journey).first()
    if note is None:
        raise Http404
    try:
        returns.note_address(actor=request.user, note=note, reply=request.POST.get("reply", ""))
    except ValidationError as exc:
        messages.error(request, f"{note.question.code}: {refusal(exc)}")
    else:
        messages.success(request, _("Catatan %(code)s ditandai sudah diperbaiki.") % {"code": note.question.code})
    code = note.question.code
    url = reverse("assessments:worksheet", args=[journey.assessment_id])
    return redirect(f"{url}?bagian={section_for(code)}#q-{code.replace('.', '-')}")
