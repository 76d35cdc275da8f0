"""The LHE pages: the team's notes and header, the draft preview, issuing, and the issued versions (exact bytes).
Thin: the scoped journey (404), :mod:`zi.workflow.lhe` for who may (403/404) and for the writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.core import downloads
from zi.core.feedback import attempt
from zi.lke.services import template_spec
from zi.organisations.scoped import get_scoped_or_404
from zi.workflow import lhe, selectors
from zi.workflow.models import IssuedLhe, Journey, LheNote


def _journey(request: HttpRequest, pk: int) -> Journey:
    """A journey among those the user is shown, for a role the LHE pages are for (else 404, 403)."""
    return get_scoped_or_404(selectors.journeys_shown(request.user), request.user, selectors.sees_lhe_pages, pk=pk)


def _base(journey: Journey) -> str:
    return f"{journey.unit.code}-{journey.period.year}"


@login_required
def lhe_page(request: HttpRequest, pk: int) -> HttpResponse:
    journey = _journey(request, pk)
    work = lhe.may_work(request.user, journey)
    if not (work or lhe.may_download(request.user, journey)):
        raise Http404
    spec = template_spec(journey.period.template)
    notes = {n.area: n for n in LheNote.objects.filter(journey=journey)}
    areas = [
        (key, _(name), notes.get(key))
        for key, name in [*enumerate(spec.area_names, start=1), (LheNote.HASIL, _("Komponen hasil"))]
    ]
    context = {
        "j": journey,
        "issued": lhe.issued_versions(journey),
        "may_work": work,
        "may_issue": lhe.may_issue(request.user, journey),
        "areas": areas,
        "header": lhe.draft_of(journey),
        "note_max": lhe.NOTE_MAX,
    }
    return render(request, "workflow/lhe.html", context)


@login_required
@require_POST
def lhe_notes(request: HttpRequest, pk: int) -> HttpResponse:
    journey = _journey(request, pk)
    if not lhe.may_work(request.user, journey):
        raise PermissionDenied
    spec = template_spec(journey.period.template)
    keys = [*range(1, len(spec.area_names) + 1), LheNote.HASIL]
    notes = {k: (request.POST.get(f"notes-{k}", ""), request.POST.get(f"rec-{k}", "")) for k in keys}
    raw_date = request.POST.get("date", "").strip()
    date = parse_date(raw_date) if raw_date else None
    if raw_date and date is None:
        messages.error(request, _("Tanggal LHE tidak valid."))
        return redirect("workflow:lhe_page", pk=journey.pk)
    attempt(
        request,
        lambda: lhe.notes_save(
            actor=request.user,
            journey=journey,
            notes=notes,
            number=request.POST.get("number", ""),
            place=request.POST.get("place", ""),
            date=date,
        ),
        _("Catatan LHE tersimpan."),
    )
    return redirect("workflow:lhe_page", pk=journey.pk)


@login_required
@require_POST
def lhe_issue(request: HttpRequest, pk: int) -> HttpResponse:
    journey = _journey(request, pk)
    if not lhe.may_issue(request.user, journey):
        raise PermissionDenied
    attempt(
        request,
        lambda: lhe.issue(actor=request.user, journey=journey),
        lambda issued: (
            _("LHE %(n)s nomor %(number)s diterbitkan (SHA-256 %(hash)s).")
            % {"n": issued.stage, "number": issued.number, "hash": issued.sha256}
        ),
    )
    return redirect("workflow:lhe_page", pk=journey.pk)


@login_required
def lhe_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as it stands, marked DRAF on every page, in the reader's language: the team only."""
    journey = _journey(request, pk)
    if not lhe.may_work(request.user, journey):
        raise Http404
    return downloads.attachment(lhe.render(journey, draft=True), f"LHE-draf-{_base(journey)}.pdf")


@login_required
def lhe_download(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """An issued LHE: exactly the stored bytes (checked against the SHA-256 recorded at issue)."""
    journey = _journey(request, pk)
    if not lhe.may_download(request.user, journey):
        raise Http404
    issued = IssuedLhe.objects.filter(journey=journey, stage=number).first()
    if issued is None:
        raise Http404
    return downloads.attachment(lhe.issued_content(issued), f"LHE-{issued.stage}-{_base(journey)}.pdf")


def current_pdf(request: HttpRequest, journey: Journey) -> HttpResponse:
    """``lhe.pdf``: the latest issued LHE, or the team's draft while none is issued."""
    if lhe.may_download(request.user, journey):
        latest = IssuedLhe.objects.filter(journey=journey).order_by("-stage").first()
        if latest is not None:
            return downloads.attachment(lhe.issued_content(latest), f"LHE-{latest.stage}-{_base(journey)}.pdf")
    if lhe.may_work(request.user, journey):
        return downloads.attachment(lhe.render(journey, draft=True), f"LHE-draf-{_base(journey)}.pdf")
    raise Http404
