"""Journey data pages: declaration, unit preconditions / SPTJM / performance agreement, agency preconditions,
TPI teams, the period calendar, carry-over and the proposal dossier (post-predicate monitoring:
``views.monitoring``).

Thin like :mod:`zi.workflow.views.journey`: scoped loads (404), ``access.may`` for the page (403), services for writes
(which check again and audit). Forms work without JavaScript; refusals come back as messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.assessments import services as assessment_services
from zi.assessments.models import Period
from zi.core import downloads
from zi.core.feedback import attempt_result
from zi.core.links import absolute_url
from zi.organisations.access import Action, may
from zi.organisations.models import Agency
from zi.organisations.scoped import get_scoped_or_404
from zi.workflow import carryover, dossier, forms, selectors, services
from zi.workflow.models import AgencyProfile, Declaration, PerformanceAgreement, PeriodCalendar


def _form_errors(form: Any) -> str:
    parts = [f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()]
    return " ".join(parts)


def _refuse(request: HttpRequest, form: Any) -> None:
    messages.error(request, _form_errors(form))


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    value: Any = None


def _apply(
    request: HttpRequest,
    form: Any | None,
    action: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], str],
) -> _Outcome:
    """The one shape of every write on these pages: validate the form, call the service with the cleaned data,
    and report the outcome as a message: the form's errors or the service's refusal (nothing stored), else
    ``success`` (a text, or a function of the service's result). The caller picks the redirect. Without a
    form the action gets no data (buttons that only name the object in the URL)."""
    if form is not None and not form.is_valid():
        _refuse(request, form)
        return _Outcome(ok=False)
    ok, value = attempt_result(request, lambda: action(form.cleaned_data if form is not None else {}), success)
    return _Outcome(ok=ok, value=value)


def _journey_write(page: str) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """A POST that changes one of a journey's pages: signed in, POST only, the journey loaded in scope (404); the
    view body applies its form (``_apply``), and the answer goes back to ``page`` of the journey either way."""

    def decorate(write: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        @wraps(write)
        def view(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
            write(request, journey, **kwargs)
            return redirect(page, pk=journey.pk)

        return view

    return decorate


# --- declaration -----------------------------------------------------------------------------------------------


def _declaration_of(request: HttpRequest, journey: Any, declaration_pk: int) -> Declaration:
    return get_scoped_or_404(Declaration, request.user, pk=declaration_pk, unit=journey.unit)


@login_required
def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    may_edit = may(request.user, Action.PARTICIPATION_MANAGE, journey.unit)
    staff = selectors.unit_staff(journey.unit)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        outcome = _apply(
            request,
            forms.DeclarationForm(request.POST, staff=staff),
            lambda data: services.declaration_record(actor=request.user, unit=journey.unit, **data),
            _("Pencanangan tercatat."),
        )
        if outcome.ok:
            return redirect("workflow:declaration", pk=journey.pk)
    declarations = []
    for item in journey.unit.declarations.order_by("-declared_on").prefetch_related("documents", "signatories"):
        signed = {u.pk for u in item.signatories.all()}
        declarations.append(
            {
                "d": item,
                "share": selectors.declaration_share(item),
                "unsigned": forms.SignForm(staff=staff.exclude(pk__in=signed)) if may_edit else None,
                "has_unsigned": staff.exclude(pk__in=signed).exists(),
            }
        )
    context = {
        "j": journey,
        "may_edit": may_edit,
        "declarations": declarations,
        "form": forms.DeclarationForm(
            staff=staff, initial={"target_predicate": journey.target_predicate, "declared_on": timezone.localdate()}
        ),
        "document_form": forms.DocumentForm(),
    }
    return render(request, "workflow/declaration.html", context)


@_journey_write("workflow:declaration")
def declaration_sign(request: HttpRequest, journey: Any, declaration_pk: int) -> None:
    item = _declaration_of(request, journey, declaration_pk)
    _apply(
        request,
        forms.SignForm(request.POST, staff=selectors.unit_staff(journey.unit)),
        lambda data: services.declaration_sign(actor=request.user, declaration=item, users=data["users"]),
        _("Tanda tangan tercatat."),
    )


@_journey_write("workflow:declaration")
def declaration_document(request: HttpRequest, journey: Any, declaration_pk: int) -> None:
    item = _declaration_of(request, journey, declaration_pk)
    _apply(
        request,
        forms.DocumentForm(request.POST, request.FILES),
        lambda data: services.declaration_add_document(
            actor=request.user, declaration=item, kind=data["kind"], uploaded_file=data["file"]
        ),
        _("Dokumen pencanangan tersimpan."),
    )


# --- unit data: preconditions, SPTJM, performance agreement ----------------------------------------------------


@login_required
def participation_data(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(
        selectors.journeys_shown(request.user), request.user, Action.PARTICIPATION_MANAGE, pk=pk
    )
    agreement = PerformanceAgreement.objects.filter(unit=journey.unit, year=journey.period.year).first()
    initial_targets = ""
    if agreement is not None:
        initial_targets = "\n".join(f"{t.indicator} | {t.target}" for t in agreement.targets.order_by("pk"))
    context = {
        "j": journey,
        "preconditions_form": forms.PreconditionsForm(
            initial={
                "tlhp_percent": journey.tlhp_percent,
                "lhkpn_percent": journey.lhkpn_percent,
                "sakip_internal": journey.sakip_internal,
            }
        ),
        "sptjm_form": forms.SptjmForm(),
        "agreement": agreement,
        "agreement_form": forms.PerformanceAgreementForm(
            initial={
                "year": journey.period.year,
                "signed_on": agreement.signed_on if agreement else None,
                "targets": initial_targets,
            }
        ),
        "proposal_reasons": services.proposal_reasons(journey, today=timezone.localdate()),
        "deadline": services.proposal_deadline(journey.period),
    }
    return render(request, "workflow/participation_data.html", context)


@_journey_write("workflow:participation_data")
def preconditions_save(request: HttpRequest, journey: Any) -> None:
    _apply(
        request,
        forms.PreconditionsForm(request.POST),
        lambda data: services.preconditions_record(actor=request.user, journey=journey, **data),
        _("Syarat unit tersimpan."),
    )


@_journey_write("workflow:participation_data")
def sptjm_upload(request: HttpRequest, journey: Any) -> None:
    _apply(
        request,
        forms.SptjmForm(request.POST, request.FILES),
        lambda data: services.sptjm_upload(actor=request.user, journey=journey, uploaded_file=data["file"]),
        _("SPTJM tersimpan."),
    )


@_journey_write("workflow:participation_data")
def agreement_save(request: HttpRequest, journey: Any) -> None:
    _apply(
        request,
        forms.PerformanceAgreementForm(request.POST),
        lambda data: services.performance_agreement_save(actor=request.user, unit=journey.unit, **data),
        _("Perjanjian kinerja tersimpan."),
    )


# --- agency preconditions ------------------------------------------------------------------------------------------


def _default_year() -> int:
    period = Period.objects.order_by("-year").first()
    return period.year if period else timezone.localdate().year


@login_required
def agency_profiles(request: HttpRequest) -> HttpResponse:
    agencies = selectors.manageable_agencies(request.user, Action.PROPOSAL_SUBMIT)
    if not agencies:
        raise PermissionDenied
    year = _default_year()
    rows = []
    for agency in agencies:
        profile = AgencyProfile.objects.filter(agency=agency, year=year).first()
        initial: dict[str, Any] = {"year": year}
        if profile is not None:
            initial.update(
                bpk_opinion=profile.bpk_opinion,
                sakip=profile.sakip,
                indeks_rb=profile.indeks_rb,
                spip_level=profile.spip_level,
                source=profile.source,
            )
        rows.append({"agency": agency, "profile": profile, "form": forms.AgencyProfileForm(initial=initial)})
    profiles = AgencyProfile.objects.filter(agency__in=agencies).select_related("agency").order_by("-year")
    return render(request, "workflow/agency_profiles.html", {"rows": rows, "year": year, "profiles": profiles})


@login_required
@require_POST
def agency_profile_save(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = Agency.objects.filter(pk=agency_pk).first()
    if agency is None or not may(request.user, Action.UNIT_VIEW, agency):
        raise Http404
    _apply(
        request,
        forms.AgencyProfileForm(request.POST),
        lambda data: services.agency_profile_save(actor=request.user, agency=agency, **data),
        _("Syarat instansi tersimpan."),
    )
    return redirect("workflow:agency_profiles")


# --- TPI teams -------------------------------------------------------------------------------------------------


@login_required
@require_POST
def team_create(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = Agency.objects.filter(pk=agency_pk).first()
    if agency is None:
        raise Http404
    if not may(request.user, Action.TPI_TEAM_MANAGE, agency):
        raise PermissionDenied
    period = Period.objects.filter(pk=request.POST.get("period")).first()  # type: ignore[misc]  # None finds nothing
    if period is None:
        messages.error(request, _("Pilih periode."))
        return redirect("workflow:teams")
    outcome = _apply(
        request,
        forms.TeamForm(request.POST, candidates=selectors.tpi_candidates(agency)),
        lambda data: services.tpi_team_create(actor=request.user, agency=agency, period=period, **data),
        _("Tim TPI dibuat."),
    )
    if outcome.ok:
        return redirect("workflow:team_detail", pk=outcome.value.pk)
    return redirect("workflow:teams")


def _team(request: HttpRequest, pk: int) -> Any:
    """A TPI team: 403 for a role that manages teams nowhere, 404 for a team of an agency out of scope."""
    return get_scoped_or_404(
        selectors.teams_shown(), request.user, page=Action.TPI_TEAM_MANAGE, see=selectors.manages_team, pk=pk
    )


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    candidates = selectors.tpi_candidates(team.agency)
    journeys = selectors.team_journeys(team)
    assigned = [j for j in journeys if j.tpi_team_id == team.pk]
    conflicts = selectors.team_conflicts(team, journeys)
    context = {
        "team": team,
        "members": team.members.order_by("username"),
        "members_form": forms.MembersForm(candidates=candidates, initial={"members": team.members.all()}),
        "assign_form": forms.AssignForm(
            journeys=journeys.exclude(tpi_team=team), initial={"journey": request.GET.get("keikutsertaan")}
        ),
        "assigned": [(j, conflicts.get(j.pk, [])) for j in assigned],
        "others": [(j, conflicts.get(j.pk, [])) for j in journeys if j.tpi_team_id != team.pk],
        "load": services.team_load(team),
        "capacity": team.effective_capacity(),
    }
    return render(request, "workflow/team_detail.html", context)


@login_required
@require_POST
def team_members(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    _apply(
        request,
        forms.MembersForm(request.POST, candidates=selectors.tpi_candidates(team.agency)),
        lambda data: services.tpi_team_set_members(actor=request.user, team=team, members=data["members"]),
        _("Anggota tim tersimpan."),
    )
    return redirect("workflow:team_detail", pk=team.pk)


@login_required
@require_POST
def team_assign(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    _apply(
        request,
        forms.AssignForm(request.POST, journeys=selectors.team_journeys(team)),
        lambda data: services.tpi_assign(actor=request.user, journey=data["journey"], team=team, due=data["due"]),
        lambda journey: _("%(unit)s ditugaskan ke %(team)s.") % {"unit": journey.unit, "team": team},
    )
    return redirect("workflow:team_detail", pk=team.pk)


# --- calendar --------------------------------------------------------------------------------------------------


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.CALENDAR_MANAGE):
        raise PermissionDenied
    periods = list(Period.objects.order_by("-year"))
    period = next((p for p in periods if str(p.pk) == request.GET.get("periode", request.POST.get("period"))), None)
    period = period or (periods[0] if periods else None)
    if period is None:
        raise Http404
    existing = PeriodCalendar.objects.filter(period=period).first()
    if request.method == "POST":
        outcome = _apply(
            request,
            forms.CalendarForm(request.POST),
            lambda data: services.calendar_save(actor=request.user, period=period, **data),
            _("Kalender periode tersimpan."),
        )
        if outcome.ok:
            return redirect(f"{reverse('workflow:calendar')}?periode={period.pk}")
    initial = {"proposal_deadline": services.proposal_deadline(period), "remind_days": 14}
    if existing is not None:
        initial.update(
            review_deadline=existing.review_deadline,
            tpi_deadline=existing.tpi_deadline,
            remind_days=existing.remind_days,
        )
    context = {"periods": periods, "period": period, "existing": existing, "form": forms.CalendarForm(initial=initial)}
    context["proposal_deadline"] = initial["proposal_deadline"]
    return render(request, "workflow/calendar.html", context)


# --- carry-over ------------------------------------------------------------------------------------------------


@login_required
def carried(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    rows = list(carryover.carried_rows(journey))
    context = {
        "j": journey,
        "rows": rows,
        "open": sum(1 for r in rows if r.confirmed_at is None),
        "source": carryover.previous_assessment(journey),
        "may_carry": carryover.may_carry_over(request.user, journey),
        "may_confirm": bool(rows) and assessment_services.may_answer(request.user, journey.assessment),
    }
    return render(request, "workflow/carried.html", context)


@_journey_write("workflow:carried")
def carry_over(request: HttpRequest, journey: Any) -> None:
    _apply(
        request,
        None,
        lambda _data: carryover.carry_over(actor=request.user, journey=journey),
        lambda result: (
            _("%(answers)s jawaban dan %(evidence)s data dukung dari %(year)s disalin; konfirmasi satu per satu.")
            % {"answers": result.answers, "evidence": result.evidence, "year": result.source.period.year}
        ),
    )


@login_required
@require_POST
def carry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm carried-over answers: the checked ``code``s, one tab (``bagian``) or all (``bagian=semua``); back to
    ``next`` (the worksheet question or the pre-submit page) when it is a page of this site."""
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    codes = request.POST.getlist("code")
    section = request.POST.get("bagian") or None
    _apply(
        request,
        None,
        lambda _data: carryover.carry_confirm(
            actor=request.user,
            journey=journey,
            question_codes=codes if codes or section is None else None,
            section=section,
        ),
        lambda n: _("%(n)s jawaban bawaan dikonfirmasi.") % {"n": n},
    )
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("workflow:carried", pk=journey.pk)


# --- proposal dossier ------------------------------------------------------------------------------------------


@login_required
def dossier_download(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_scoped_or_404(selectors.journeys_shown(request.user), request.user, pk=pk)
    if journey.state not in dossier.DOSSIER_STATES:
        raise Http404
    if not dossier.may_download(request.user, journey):
        raise PermissionDenied

    def link_for(evidence_pk: int, number: int) -> str:
        return absolute_url(reverse("assessments:evidence_file", args=[evidence_pk, number]))

    content = dossier.dossier_export(actor=request.user, journey=journey, link_for=link_for)
    return downloads.attachment(content, f"berkas-usulan-{journey.unit.code}-{journey.period.year}.zip")


# --- proposal list -----------------------------------------------------------------------------------------------


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.PROPOSAL_SUBMIT):
        raise PermissionDenied
    years = list(Period.objects.order_by("-year").values_list("year", flat=True))
    try:
        year = int(request.GET.get("tahun") or (years[0] if years else timezone.localdate().year))
    except ValueError as exc:
        raise Http404 from exc
    journeys = list(selectors.proposal_list(user=request.user, year=year))
    today = timezone.localdate()
    rows = [
        {
            "j": j,
            "reasons": services.proposal_reasons(j, today=today) if j.proposed_at is None else [],
        }
        for j in journeys
    ]
    context = {"rows": rows, "year": year, "years": years, "proposed": sum(1 for j in journeys if j.proposed_at)}
    return render(request, "workflow/proposals.html", context)
