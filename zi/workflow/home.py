"""The workflow's items in the home inbox (:mod:`zi.core.home`): what of the yearly journey waits for this person.

One provider, one query per kind the person may act on (``may(user, action)`` first, so a role that never does
something pays nothing for it), each cut by :func:`zi.organisations.access.scope_filter`:

- ``returned``: the unit's LKE came back (reviewer or TPI) — the unit team and head, with the reviewer's note;
- ``submit``: the unit is building — answer, confirm carried-over answers and submit by the self-assessment deadline;
- ``review``: submissions to review — reviewers;
- ``tpi``: units assigned to one of my TPI teams that wait for TPI (not those returned to the unit);
- ``no_team``: units forwarded to TPI without a TPI team — whoever assigns teams;
- ``proposal``: TPI concluded "memenuhi" — whoever proposes to TPN, by the proposal deadline;
- ``tpn_result``: proposed, the decree to record — whoever records the TPN result;
- ``pact``: staff who have not signed the integrity pact of the unit's declaration — the unit team leader and head;
- ``late`` (to follow, not to act): a stage past its deadline in the units a person oversees (dashboards).

Deadlines are the reminders' (:func:`zi.workflow.reminders.next_deadline`), so the inbox, the e-mails and the
journey list never disagree about a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zi.assessments.models import Lane
from zi.core.actors import Actor
from zi.core.home import PROVIDER_LIMIT, InboxItem
from zi.organisations.access import Action, may, scope_filter
from zi.workflow.conditions import proposal_deadline
from zi.workflow.models import Declaration, Journey, JourneyEvent, State
from zi.workflow.reminders import late_filter, next_deadline
from zi.workflow.selectors import evaluator_queue, without_tpi_team

UNIT_FIX_STATES = (State.RETURNED, State.TPI_RETURNED)
REVIEW_STATES = (State.SELF_SUBMITTED, State.IN_REVIEW)
WAITING_FOR_TPI_TEAM = (State.SELF_SUBMITTED, State.REVIEWED, State.TPI_EVALUATION)
# The pact matters while the unit is on its way to an evaluation (not after a conclusion).
PACT_STATES = (
    State.DECLARED,
    State.BUILDING,
    State.SELF_SUBMITTED,
    State.IN_REVIEW,
    State.RETURNED,
    State.REVIEWED,
    State.TPI_EVALUATION,
    State.TPI_RETURNED,
)


def _journeys(q: Q) -> QuerySet[Journey]:
    return Journey.objects.filter(q).select_related("unit", "period", "period__calendar", "assessment")


def _due(journey: Journey) -> dt.date | None:
    found = next_deadline(journey)
    return found[1] if found else None


def _detail(journey: Journey, anchor: str = "") -> str:
    """The journey page; ``#decisions`` jumps to the decision box where the move is made."""
    return reverse("workflow:journey_detail", args=[journey.pk]) + anchor


def _lane_or_decisions(journey: Journey, lane: str, open_: bool) -> str:
    """The lane sheet once the scorer's lane is open, else the decision box that opens it."""
    return reverse("workflow:lane_sheet", args=[journey.pk, lane]) if open_ else _detail(journey, "#decisions")


def _key(journey: Journey) -> str:
    return f"journey:{journey.pk}"


def _returned(user: Actor) -> Iterator[InboxItem]:
    if not (may(user, Action.ASSESSMENT_ANSWER) or may(user, Action.ASSESSMENT_SUBMIT)):
        return
    scope = scope_filter(user, Action.ASSESSMENT_ANSWER) | scope_filter(user, Action.ASSESSMENT_SUBMIT)
    last_note = JourneyEvent.objects.filter(journey=OuterRef("pk"), to_state=OuterRef("assessment__state")).order_by(
        "-version"
    )
    rows = (
        _journeys(scope & Q(assessment__state__in=UNIT_FIX_STATES))
        .annotate(
            reason=Subquery(last_note.values("note")[:1]),
            carried_open=Count("carried", filter=Q(carried__confirmed_at__isnull=True)),
        )
        .order_by("period__self_assessment_deadline", "unit__path")[:PROVIDER_LIMIT]
    )
    for journey in rows:
        by_tpi = journey.state == State.TPI_RETURNED
        note = (journey.reason or "").strip()
        reasons = [(_("Catatan TPI: %(note)s") if by_tpi else _("Catatan reviewer: %(note)s")) % {"note": note}]
        yield InboxItem(
            kind="returned",
            kind_label=_("Dikembalikan"),
            title=_("Perbaiki LKE yang dikembalikan TPI (LHE 1)") if by_tpi else _("Perbaiki LKE yang dikembalikan"),
            unit=journey.unit.name,
            url=reverse("assessments:worksheet", args=[journey.assessment_id]),
            due=_due(journey),
            reason=" ".join([*(reasons if note else []), _carried_reason(journey.carried_open)]).strip(),
            key=_key(journey),
        )


def _carried_reason(count: int) -> str:
    """The carried-over answers still to confirm before the LKE can be (re)submitted (a blocker of the pre-submit
    check), said on the unit's inbox items."""
    if not count:
        return ""
    return ngettext(
        "%(n)s jawaban bawaan periode lalu belum dikonfirmasi.",
        "%(n)s jawaban bawaan periode lalu belum dikonfirmasi.",
        count,
    ) % {"n": count}


def _building(user: Actor) -> Iterator[InboxItem]:
    if not (may(user, Action.ASSESSMENT_ANSWER) or may(user, Action.ASSESSMENT_SUBMIT)):
        return
    scope = scope_filter(user, Action.ASSESSMENT_ANSWER) | scope_filter(user, Action.ASSESSMENT_SUBMIT)
    rows = (
        _journeys(scope & Q(assessment__state=State.BUILDING, period__is_open=True))
        .annotate(carried_open=Count("carried", filter=Q(carried__confirmed_at__isnull=True)))
        .order_by("period__self_assessment_deadline", "unit__path")[:PROVIDER_LIMIT]
    )
    for journey in rows:
        reason = _carried_reason(journey.carried_open)
        yield InboxItem(
            kind="submit",
            kind_label=_("Penilaian mandiri"),
            title=_("Lengkapi dan kirim penilaian mandiri"),
            unit=journey.unit.name,
            url=reverse("assessments:worksheet", args=[journey.assessment_id]),
            due=_due(journey),
            reason=reason,
            key=_key(journey),
        )


def _review(user: Actor) -> Iterator[InboxItem]:
    if not may(user, Action.REVIEW_SCORE):
        return
    rows = _journeys(scope_filter(user, Action.REVIEW_SCORE) & Q(assessment__state__in=REVIEW_STATES)).order_by(
        "period__calendar__review_deadline", "assessment__submitted_at", "unit__path"
    )[:PROVIDER_LIMIT]
    for journey in rows:
        started = journey.state == State.IN_REVIEW
        yield InboxItem(
            kind="review",
            kind_label=_("Reviu"),
            title=_("Lanjutkan reviu") if started else _("Mulai reviu LKE yang dikirim"),
            unit=journey.unit.name,
            url=_lane_or_decisions(journey, Lane.REVIEW, started),
            due=_due(journey),
            key=_key(journey),
        )


def _tpi(user: Actor) -> Iterator[InboxItem]:
    if not may(user, Action.TPI_SCORE):
        return
    for item in evaluator_queue(user=user, today=timezone.localdate()):
        journey = item.journey
        if journey.state == State.TPI_RETURNED:  # with the unit now: its fixes come back to the queue
            continue
        evaluating = journey.state == State.TPI_EVALUATION
        if evaluating:
            title = _("Nilai jalur TPI (LHE 2)") if journey.tpi_stage >= 2 else _("Nilai jalur TPI")
        else:
            title = _("Mulai evaluasi TPI")
        yield InboxItem(
            kind="tpi",
            kind_label=_("Evaluasi TPI"),
            title=title,
            unit=journey.unit.name,
            url=_lane_or_decisions(journey, Lane.TPI, evaluating),
            due=item.due or _due(journey),
            reason=_("Tim: %(team)s") % {"team": journey.tpi_team.name} if journey.tpi_team else "",
            key=_key(journey),
        )


def _without_team(user: Actor) -> Iterator[InboxItem]:
    if not may(user, Action.TPI_TEAM_MANAGE):
        return
    for item in without_tpi_team(user=user):
        journey = item.journey
        calendar = getattr(journey.period, "calendar", None)
        if item.team is not None:
            url = reverse("workflow:team_detail", args=[item.team.pk]) + f"?keikutsertaan={journey.pk}#assign-form"
            title = _("Tugaskan ke tim TPI (%(team)s)") % {"team": item.team.name}
        else:
            url, title = reverse("workflow:teams"), _("Buat tim TPI dan tugaskan unit ini")
        yield InboxItem(
            kind="no_team",
            kind_label=_("Tanpa tim TPI"),
            title=title,
            unit=journey.unit.name,
            url=url,
            due=journey.tpi_due or (calendar.tpi_deadline if calendar else None),
            reason=_("LKE sudah menunggu TPI (“%(state)s”), tetapi tidak ada evaluator yang melihatnya di antreannya.")
            % {"state": journey.get_state_display()},
            key=_key(journey),
        )


def _proposals(user: Actor) -> Iterator[InboxItem]:
    if not may(user, Action.PROPOSAL_SUBMIT):
        return
    deadlines: dict[int, dt.date] = {}  # one calendar read per period, not per unit
    rows = _journeys(scope_filter(user, Action.PROPOSAL_SUBMIT) & Q(assessment__state=State.TPI_MEETS)).order_by(
        "period__year", "unit__path"
    )[:PROVIDER_LIMIT]
    for journey in rows:
        if journey.period_id not in deadlines:
            deadlines[journey.period_id] = proposal_deadline(journey.period)
        yield InboxItem(
            kind="proposal",
            kind_label=_("Usulan ke TPN"),
            title=_("Usulkan ke TPN (TPI: memenuhi)"),
            unit=journey.unit.name,
            url=_detail(journey, "#decisions"),
            due=deadlines[journey.period_id],
            reason=journey.tpi_conclusion[:300],
            key=_key(journey),
        )


def _tpn_results(user: Actor) -> Iterator[InboxItem]:
    if not may(user, Action.TPN_RESULT_RECORD):
        return
    rows = _journeys(scope_filter(user, Action.TPN_RESULT_RECORD) & Q(assessment__state=State.PROPOSED)).order_by(
        "proposed_at", "unit__path"
    )[:PROVIDER_LIMIT]
    for journey in rows:
        proposed = timezone.localdate(journey.proposed_at) if journey.proposed_at else None
        yield InboxItem(
            kind="tpn_result",
            kind_label=_("Hasil TPN"),
            title=_("Catat keputusan TPN (penetapan atau tidak ditetapkan)"),
            unit=journey.unit.name,
            url=_detail(journey, "#decisions"),
            reason=_("Diusulkan pada %(date)s.") % {"date": f"{proposed:%d-%m-%Y}"} if proposed else "",
            key=_key(journey),
        )


def _pact(user: Actor) -> Iterator[InboxItem]:
    """Active staff of the unit missing from the signatories of its latest declaration."""
    if not may(user, Action.PARTICIPATION_MANAGE):
        return
    latest = Declaration.objects.filter(unit=OuterRef("unit")).order_by("-declared_on", "-pk").values("pk")[:1]
    signed = Declaration.signatories.through.objects.filter(declaration_id=OuterRef(OuterRef("declaration_pk")))
    unsigned = (
        get_user_model()
        .objects.filter(unit=OuterRef("unit"), is_active=True)
        .exclude(pk__in=signed.values("user_id"))
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        _journeys(scope_filter(user, Action.PARTICIPATION_MANAGE) & Q(assessment__state__in=PACT_STATES))
        .filter(period__is_open=True)
        .annotate(declaration_pk=Subquery(latest))
        .filter(declaration_pk__isnull=False)
        .annotate(unsigned=Coalesce(Subquery(unsigned, output_field=IntegerField()), Value(0)))
        .filter(unsigned__gt=0)
        .order_by("period__self_assessment_deadline", "unit__path")[:PROVIDER_LIMIT]
    )
    for journey in rows:
        yield InboxItem(
            kind="pact",
            kind_label=_("Pakta integritas"),
            title=ngettext(
                "%(n)s pegawai belum menandatangani pakta integritas",
                "%(n)s pegawai belum menandatangani pakta integritas",
                journey.unsigned,
            )
            % {"n": journey.unsigned},
            unit=journey.unit.name,
            url=reverse("workflow:declaration", args=[journey.pk]),
            due=journey.period.self_assessment_deadline,
            key=f"pact:{journey.pk}",
        )


def _late(user: Actor) -> Iterator[InboxItem]:
    """Stages past their deadline in the units the person oversees: to follow up, not to act on themselves."""
    if not may(user, Action.DASHBOARD_VIEW):
        return
    today = timezone.localdate()
    rows = _journeys(scope_filter(user, Action.DASHBOARD_VIEW) & late_filter(today)).filter(period__is_open=True)[
        :PROVIDER_LIMIT
    ]
    proposals: dict[int, dt.date] = {}  # one calendar read per period (next_deadline would read it per unit)
    for journey in rows:
        if journey.state == State.TPI_MEETS:
            if journey.period_id not in proposals:
                proposals[journey.period_id] = proposal_deadline(journey.period)
            found: tuple[str, dt.date] | None = (_("usulkan ke TPN"), proposals[journey.period_id])
        else:
            found = next_deadline(journey)
        if found is None or found[1] >= today:
            continue
        what, day = found
        yield InboxItem(
            kind="late",
            kind_label=_("Tahap terlambat"),
            title=_("Tindak lanjuti: %(state)s") % {"state": journey.get_state_display()},
            unit=journey.unit.name,
            url=_detail(journey),
            due=day,
            reason=_("Belum: %(what)s (batas %(date)s).") % {"what": what, "date": f"{day:%d-%m-%Y}"},
            key=_key(journey),
            watch=True,
        )


KINDS = (_returned, _building, _review, _tpi, _without_team, _proposals, _tpn_results, _pact, _late)


def workflow_inbox(user: Actor) -> list[InboxItem]:
    """Every workflow item for ``user`` (registered with :func:`zi.core.home.register_inbox`)."""
    return [item for kind in KINDS for item in kind(user)]
