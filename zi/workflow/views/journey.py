"""Journey pages: list, one journey with its decisions, side-by-side lanes, the scorer's lane sheet, the
evaluator queue, TPI team loads, the LHE PDF. Thin: scoped selectors (404), access (403), services (write)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.assessments import forms as assessment_forms
from zi.assessments import selectors as assessment_selectors
from zi.assessments import services as assessment_services
from zi.assessments.models import Lane, Period
from zi.assessments.submission import submission_check
from zi.core.actors import Actor
from zi.core.feedback import refusal
from zi.lke.services import template_spec
from zi.organisations.access import Action, may
from zi.organisations.scoped import get_scoped_or_404
from zi.workflow import lhe as lhe_doc
from zi.workflow import returns, selectors, services
from zi.workflow.carryover import may_carry_over, previous_assessment
from zi.workflow.carryover import unconfirmed as unconfirmed_carried
from zi.workflow.dossier import may_download as may_download_dossier
from zi.workflow.forms import ReturnForm, TeamForm
from zi.workflow.lanes import lane_visible, visible_lanes
from zi.workflow.machine import CONFIRM_STATES, SUBMIT_MOVES, TRANSITIONS, conclusion_checks
from zi.workflow.models import Journey, PeriodCalendar, State
from zi.workflow.reminders import next_deadline
from zi.workflow.views.lhe import current_pdf


@login_required
def journey_list(request: HttpRequest) -> HttpResponse:
    journeys = list(selectors.journey_list(user=request.user).select_related("period__calendar"))
    for journey in journeys:
        journey.next_due = next_deadline(journey)  # type: ignore[attr-defined]  # for the template
    startable = selectors.startable_assessments(user=request.user)
    return render(
        request,
        "workflow/journey_list.html",
        {"journeys": journeys, "startable": startable, "links": _links(request.user)},
    )


def _links(user: Actor) -> list[tuple[str, str]]:
    """The workflow pages this user may open (each page checks again)."""

    links = []
    if may(user, Action.TPI_SCORE):
        links.append((reverse("workflow:queue"), _("Antrean evaluator TPI")))
    if may(user, Action.TPI_TEAM_MANAGE):
        links.append((reverse("workflow:teams"), _("Tim TPI")))
    if may(user, Action.PROPOSAL_SUBMIT):
        links.append((reverse("workflow:proposals"), _("Daftar usulan ke TPN")))
        links.append((reverse("workflow:agency_profiles"), _("Syarat instansi")))
    if may(user, Action.CALENDAR_MANAGE):
        links.append((reverse("workflow:calendar"), _("Kalender periode")))
    if may(user, Action.MONITORING_VIEW):
        links.append((reverse("workflow:monitoring"), _("Pemantauan pasca-predikat")))
    return links


@login_required
@require_POST
def participation_create(request: HttpRequest) -> HttpResponse:
    assessment = selectors.startable_assessments(user=request.user).filter(pk=request.POST.get("assessment")).first()  # type: ignore[misc]  # None finds nothing
    if assessment is None:
        raise Http404
    try:
        journey = services.participation_create(
            actor=request.user, assessment=assessment, afirmasi=request.POST.get("afirmasi") == "1"
        )
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return redirect("workflow:journey_list")
    return redirect("workflow:journey_detail", pk=journey.pk)


@login_required
def journey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    declaration = journey.unit.declarations.order_by("-declared_on").first()
    decisions = selectors.decisions_for(request.user, journey)
    submit_to = next((d.to_state for d in decisions if (journey.state, d.to_state) in SUBMIT_MOVES), "")
    context = {
        "submit_to": submit_to,  # the submission move is offered only when the one pre-submit check passes
        "presubmit": submission_check(journey.assessment) if submit_to else None,
        "j": journey,
        "events": selectors.journey_events(journey),
        "decisions": decisions,
        "declaration": declaration,
        "share": selectors.declaration_share(declaration) if declaration else None,
        "returned_notes": selectors.returned_notes(journey, request.user),
        "may_compare": selectors.may_compare(request.user, journey),
        "may_lhe": lhe_doc.may_view_any(request.user, journey),
        "lanes": [lane for lane in (Lane.REVIEW, Lane.TPI) if services.may_write_lane(request.user, journey, lane)],
        "checks": conclusion_checks(journey) if any(d.to_state == State.TPI_MEETS for d in decisions) else None,
        "proposal_reasons": services.proposal_reasons(journey, today=timezone.localdate())
        if journey.state == State.TPI_MEETS
        else [],
        "ban_until": services.revocation_ban_until(journey.unit),
        "may_manage": may(request.user, Action.PARTICIPATION_MANAGE, journey.unit),
        "may_dossier": may_download_dossier(request.user, journey),
        "carried_open": unconfirmed_carried(journey).count(),
        "may_carry": may_carry_over(request.user, journey) and previous_assessment(journey) is not None,
        "deadline": services.proposal_deadline(journey.period),
        "calendar": PeriodCalendar.objects.filter(period=journey.period).first(),
        **_current_return(request.user, journey),
        "return_pending": [
            note
            for lane in returns.SCORED_LANES
            if returns.may_flag(request.user, journey, lane)
            for note in returns.pending_notes(journey, lane).values()
        ],
    }
    return render(request, "workflow/journey_detail.html", context)


def _current_return(user: Actor, journey: Journey) -> dict[str, Any]:
    """The return the unit is working on, its reason and notes, for those who see the returning lane."""
    current = returns.current_return(journey)
    if current is None or not lane_visible(user, journey.assessment, current.lane):
        return {"current_return": None, "return_notes": []}
    may_worksheet = assessment_selectors.may_view(user, journey.assessment)
    return {"current_return": current, "return_notes": returns.return_notes(journey), "may_worksheet": may_worksheet}


DECISION_FIELDS = ("note", "decree_number", "decree_date", "override_reason")


def _confirm_page(request: HttpRequest, journey: Journey, to_state: str, values: Any) -> HttpResponse:
    """The confirmation step of an irreversible move: what it does, the failing checks (for "memenuhi"), the
    form again with the values typed so far and the ``confirm`` field; nothing is changed by showing it."""
    rule = TRANSITIONS.get((journey.state, to_state))
    if rule is None:
        raise Http404
    if not may(request.user, rule.action, journey.unit):
        raise PermissionDenied
    decision = next(d for d in selectors.decisions_for(request.user, journey) if d.to_state == to_state)
    context = {
        "j": journey,
        "d": decision,
        "values": {name: values.get(name, "") for name in DECISION_FIELDS},
        "checks": conclusion_checks(journey) if to_state == State.TPI_MEETS else None,
    }
    return render(request, "workflow/decide.html", context)


@login_required
def decide(request: HttpRequest, pk: int, to_state: str) -> HttpResponse:
    """GET: the confirmation page of an irreversible decision (the journey page's forms lead here too)."""
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    if to_state not in CONFIRM_STATES:
        raise Http404
    return _confirm_page(request, journey, to_state, request.GET)


@login_required
@require_POST
def journey_transition(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError as exc:
        raise Http404 from exc
    to_state = request.POST.get("to_state", "")
    confirmed = request.POST.get("confirm") == "1"
    if to_state in CONFIRM_STATES and not confirmed:
        return _confirm_page(request, journey, to_state, request.POST)  # a step, never the move itself
    data: dict[str, Any] = {}
    if request.POST.get("decree_number"):
        data["decree_number"] = request.POST["decree_number"]
    if request.POST.get("decree_date"):
        data["decree_date"] = parse_date(request.POST["decree_date"])
    if request.POST.get("override_reason"):
        data["override_reason"] = request.POST["override_reason"]
    if to_state in returns.RETURN_STATES:
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("flags", [])))  # type: ignore[arg-type]  # messages
            return redirect("workflow:journey_detail", pk=journey.pk)
        data["flags"] = form.cleaned_data["flags"]
    try:
        services.transition(
            actor=request.user,
            journey=journey,
            to_state=to_state,
            note=request.POST.get("note", ""),
            expected_version=version,
            data=data,
        )
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        if to_state in CONFIRM_STATES and TRANSITIONS.get((journey.state, to_state)) is not None:
            return _confirm_page(request, journey, to_state, request.POST)
        return redirect("workflow:journey_detail", pk=journey.pk)
    messages.success(request, _("Keputusan tersimpan."))
    return redirect("workflow:journey_detail", pk=journey.pk)


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, selectors.may_compare, pk=pk)
    lanes = visible_lanes(request.user, journey.assessment)
    areas, rows = selectors.side_by_side(journey, lanes)
    shown = [lane for lane in selectors.LANES if lane in lanes]
    context = {"j": journey, "areas": areas, "rows": rows, "lanes": shown, "gap": Lane.TPI in shown}
    return render(request, "workflow/compare.html", context)


def _lane_journey(request: HttpRequest, pk: int, lane: str) -> tuple[Journey, frozenset[str]]:
    """The journey whose ``lane`` the user scores (404 out of scope or another team's lane, 403 without the role),
    with the lanes the user sees."""
    if lane not in (Lane.REVIEW, Lane.TPI):
        raise Http404
    scores = Action.REVIEW_SCORE if lane == Lane.REVIEW else Action.TPI_SCORE
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, scores, pk=pk)
    visible = visible_lanes(request.user, journey.assessment)
    if lane not in visible:  # another team's TPI lane still in evaluation: as if it did not exist
        raise Http404
    return journey, visible


def _lane_context(request: HttpRequest, journey: Journey, lane: str, section: str, visible: frozenset[str]) -> dict:
    """One tab of the lane: only that section's answers and evidence are loaded (a fixed number of queries)."""
    ws = assessment_selectors.worksheet(user=request.user, assessment=journey.assessment, lane=lane, section=section)
    selectors.lane_sheet_context(ws, journey, lane, visible)
    return {
        "j": journey,
        "a": journey.assessment,
        "ws": ws,
        "lane": lane,
        "section": ws.section(ws.shown),
        "tab_url": reverse("workflow:lane_sheet", args=[journey.pk, lane]),
        # what the unit changed since the lane's last return, and the lane's flags (zi.workflow.returns)
        "handoff": returns.handoff(journey, lane),
        "handoff_can_write": services.may_write_lane(request.user, journey, lane),
        "handoff_can_flag": returns.may_flag(request.user, journey, lane),
    }


def _lane_url(journey: Journey, lane: str, code: str) -> str:
    section = assessment_selectors.section_key(template_spec(journey.period.template), code)
    url = reverse("workflow:lane_sheet", args=[journey.pk, lane])
    return f"{url}?bagian={section}#q-{code.replace('.', '-')}"


@login_required
def lane_sheet(request: HttpRequest, pk: int, lane: str) -> HttpResponse:
    """The review or TPI lane of one journey, one worksheet tab (``?bagian=``) per page with each tab's progress:
    each question with the criterion of every option and the unit's answer and evidence beside the lane's own
    answer and note, so the scorer never leaves the page (a fixed number of queries whatever the other tabs hold)."""
    journey, visible = _lane_journey(request, pk, lane)
    context = _lane_context(request, journey, lane, request.GET.get("bagian", ""), visible)
    return render(request, "workflow/lane_sheet.html", context)


@login_required
@require_POST
def lane_answer(request: HttpRequest, pk: int, lane: str, code: str) -> HttpResponse:
    """Save one lane answer. A plain post redirects to the question (or, with ``next``, to the next one, on its
    tab); an htmx post gets the question back with its tab's progress, and the next question's place."""
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    question = template_spec(journey.period.template).questions.get(code)
    if question is None or lane not in (Lane.REVIEW, Lane.TPI):
        raise Http404
    if not services.may_write_lane(request.user, journey, lane):
        raise PermissionDenied
    error = ""
    try:
        raw = assessment_forms.raw_answer_from_post(question, request.POST)
        assessment_services.answer_save(
            actor=request.user,
            assessment=journey.assessment,
            question_code=code,
            raw=raw,
            note=request.POST.get("note") if "note" in request.POST else None,
            lane=lane,
            source=request.POST.get("sumber") if "sumber" in request.POST else None,
        )
    except ValidationError as exc:
        error = refusal(exc)
    target = _next_code(journey, code) if request.POST.get("next") and not error else code
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        return _lane_answer_partial(request, journey, lane, code, target, error)
    if error:
        messages.error(request, f"{code}: {error}")
    else:
        messages.success(request, _("Jawaban %(code)s tersimpan.") % {"code": code})
    return redirect(_lane_url(journey, lane, target))


def _lane_answer_partial(
    request: HttpRequest, journey: Journey, lane: str, code: str, target: str, error: str
) -> HttpResponse:
    spec = template_spec(journey.period.template)
    section = assessment_selectors.section_key(spec, code)
    if target != code and assessment_selectors.section_key(spec, target) != section:
        response = HttpResponse(status=204)  # the next question is on another tab: open it
        response["HX-Redirect"] = _lane_url(journey, lane, target)
        return response
    context = _lane_context(request, journey, lane, section, visible_lanes(request.user, journey.assessment))
    context.update({"row": context["ws"].rows[code], "error": error, "saved": not error, "oob": True})
    response = render(request, "workflow/partials/lane_answer_result.html", context)
    response["HX-Trigger-After-Settle"] = json.dumps({"laneFocus": "q-" + target.replace(".", "-")})
    return response


def _next_code(journey: Journey, code: str) -> str:
    """The question after ``code`` in the order of the tabs ("save and next": tab 1's pemenuhan and reform, then
    tab 2, …, hasil last); the last question stays where it is. A failed save never moves on, so the scorer sees
    the refusal next to the question it concerns."""
    spec = template_spec(journey.period.template)
    questions = spec.questions
    keys = [*(str(n) for n in range(1, len(spec.area_names) + 1)), assessment_selectors.HASIL_SECTION]
    tab = {code: keys.index(assessment_selectors.section_key(spec, code)) for code in questions}
    ordered = sorted(questions, key=lambda c: (tab[c], questions[c].order))
    index = ordered.index(code)
    return ordered[min(index + 1, len(ordered) - 1)]


@login_required
def evaluator_queue(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.TPI_SCORE):
        raise PermissionDenied
    items = selectors.evaluator_queue(user=request.user, today=timezone.localdate())
    return render(request, "workflow/queue.html", {"items": items})


@login_required
def team_loads(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.TPI_TEAM_MANAGE):
        raise PermissionDenied

    periods = list(Period.objects.order_by("-year"))
    period = periods[0] if periods else None
    loads = selectors.team_loads(user=request.user, period=period) if period else []
    create = [
        (agency, TeamForm(candidates=selectors.tpi_candidates(agency), prefix=None))
        for agency in selectors.manageable_agencies(request.user, Action.TPI_TEAM_MANAGE)
    ]
    context: dict[str, Any] = {"loads": loads, "period": period, "periods": periods, "create": create}
    context["unassigned"] = selectors.without_tpi_team(user=request.user)
    return render(request, "workflow/teams.html", context)


@login_required
def lhe(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, selectors.sees_lhe_pages, pk=pk)
    return current_pdf(request, journey)
