"""Deadline reminders by e-mail, at most one per journey, kind and deadline (``zi workflow remind`` and the daily
Huey task ``zi.workflow.tasks.workflow_send_reminders``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from zi.core import tasks
from zi.core.links import absolute_url
from zi.organisations.access import Action, may
from zi.organisations.models import RoleAssignment
from zi.workflow.conditions import proposal_deadline
from zi.workflow.models import Journey, ReminderLog, State

DJANGO_DEFAULT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def _backend() -> str:
    """The configured backend; the console when nothing was configured (Django's SMTP default to localhost)."""
    backend = getattr(settings, "EMAIL_BACKEND", DJANGO_DEFAULT_BACKEND)
    if backend == DJANGO_DEFAULT_BACKEND and getattr(settings, "EMAIL_HOST", "localhost") == "localhost":
        return CONSOLE_BACKEND
    return backend


def recipients(journey: Journey, action: Action) -> list[str]:
    """E-mail addresses of people who may do ``action`` on the journey's unit (asked through access.may)."""
    unit = journey.unit
    candidates = RoleAssignment.objects.filter(
        Q(unit_id__in=[*unit.ancestor_ids, unit.pk])
        | Q(agency_id=unit.agency_id)
        | Q(unit__isnull=True, agency__isnull=True)
    ).select_related("user")
    emails = set()
    for assignment in candidates:
        user = assignment.user
        if user.email and user.is_active and may(user, action, unit):
            emails.add(user.email)
    if action == Action.TPI_SCORE and journey.tpi_team_id:
        team = journey.tpi_team
        emails = {e for e in emails if e in set(team_emails(team))} or set(team_emails(team))
    return sorted(emails)


def team_emails(team: Any) -> list[str]:
    return [u.email for u in get_user_model().objects.filter(pk__in=team.member_ids()) if u.email]


def _due(journey: Journey) -> list[tuple[str, dt.date, Action, str]]:
    """(kind, deadline, who, what) reminders that apply to the journey's state."""
    calendar = getattr(journey.period, "calendar", None)
    items = []
    if (
        journey.state in (State.BUILDING, State.RETURNED, State.TPI_RETURNED)
        and journey.period.self_assessment_deadline
    ):
        items.append(
            ("self", journey.period.self_assessment_deadline, Action.ASSESSMENT_SUBMIT, _("kirim penilaian mandiri"))
        )
    if journey.state in (State.SELF_SUBMITTED, State.IN_REVIEW) and calendar and calendar.review_deadline:
        items.append(("review", calendar.review_deadline, Action.REVIEW_SCORE, _("selesaikan reviu")))
    tpi_due = journey.tpi_due or (calendar.tpi_deadline if calendar else None)
    if journey.state in (State.REVIEWED, State.TPI_EVALUATION) and tpi_due:
        items.append(("tpi", tpi_due, Action.TPI_SCORE, _("selesaikan evaluasi TPI")))
    if journey.state == State.TPI_MEETS:
        items.append(("proposal", proposal_deadline(journey.period), Action.PROPOSAL_SUBMIT, _("usulkan ke TPN")))
    return items


def late_filter(today: dt.date) -> Q:
    """The journeys whose current deadline (:func:`_due`, the same rule in SQL) passed before ``today``: the late
    stages a leader follows on the home page. A period without a calendar has no review, TPI or proposal deadline
    here (its default proposal date is not in the database); ``tests/workflow/test_inbox.py`` checks both agree."""
    unit_states = (State.BUILDING, State.RETURNED, State.TPI_RETURNED)
    tpi_states = (State.REVIEWED, State.TPI_EVALUATION)
    return (
        Q(assessment__state__in=unit_states, period__self_assessment_deadline__lt=today)
        | Q(assessment__state__in=(State.SELF_SUBMITTED, State.IN_REVIEW), period__calendar__review_deadline__lt=today)
        | Q(assessment__state__in=tpi_states, tpi_due__lt=today)
        | Q(assessment__state__in=tpi_states, tpi_due__isnull=True, period__calendar__tpi_deadline__lt=today)
        | Q(assessment__state=State.TPI_MEETS, period__calendar__proposal_deadline__lt=today)
    )


def next_deadline(journey: Journey) -> tuple[str, dt.date] | None:
    """(what to do, by when) the journey's current state waits on — the deadline the reminders are about; shown with
    its days left or overdue mark in the journey list (the reviewers' and teams' queue)."""
    items = _due(journey)
    return (items[0][3], items[0][1]) if items else None


def notify_without_team(journey: Journey) -> int:
    """A submitted or forwarded LKE whose unit has no TPI team sits in no evaluator's queue: tell those who assign
    teams (``workflow.tpi_team``), through the task queue after the commit. Returns the number of addressees."""
    to = recipients(journey, Action.TPI_TEAM_MANAGE)
    if not to:
        return 0
    subject = _("[ZI] %(unit)s menunggu TPI tanpa tim TPI") % {"unit": journey.unit.name}
    body = _(
        "LKE unit %(unit)s (%(period)s) berada pada tahap “%(state)s”, tetapi unit ini belum ditugaskan ke tim TPI; "
        "tidak ada evaluator yang melihatnya di antreannya. Tugaskan tim TPI: %(url)s"
    ) % {
        "unit": journey.unit.name,
        "period": journey.period.name,
        "state": journey.get_state_display(),
        "url": absolute_url(reverse("workflow:teams")),
    }

    def send() -> None:
        tasks.send_email(subject, body, to)

    transaction.on_commit(send, robust=True)
    return len(to)


def send_reminders(*, today: dt.date) -> int:
    """Send the reminders whose deadline falls within the reminder window; each (journey, kind, deadline) is
    reminded once, so running it again (any day) sends nothing new. Returns e-mails sent."""
    sent = 0
    connection = get_connection(_backend())
    journeys = Journey.objects.filter(period__is_open=True).select_related("unit", "period", "tpi_team", "assessment")
    for journey in journeys:
        calendar = getattr(journey.period, "calendar", None)
        window = calendar.remind_days if calendar else 14
        for kind, deadline, action, what in _due(journey):
            if not (today <= deadline <= today + dt.timedelta(days=window)):
                continue
            to = recipients(journey, action)
            if not to:
                continue
            when = f"{deadline:%d-%m-%Y}"
            subject = _("[ZI] %(unit)s: %(what)s sebelum %(date)s") % {
                "unit": journey.unit.name,
                "what": what,
                "date": when,
            }
            body = _("Unit %(unit)s (%(period)s) berada pada tahap “%(state)s”. Mohon %(what)s sebelum %(date)s.") % {
                "unit": journey.unit.name,
                "period": journey.period.name,
                "state": journey.get_state_display(),
                "what": what,
                "date": when,
            }
            body += "\n\n" + absolute_url(reverse("workflow:journey_detail", args=[journey.pk]))
            try:
                # The log row and the send succeed together: a failed send rolls the row back (retried next run);
                # a concurrent run waits on the unique row and then skips.
                with transaction.atomic():
                    ReminderLog.objects.create(
                        journey=journey, kind=kind, deadline=deadline, day=today, recipients=len(to)
                    )
                    send_mail(subject, body, None, to, connection=connection)
            except IntegrityError:
                continue  # already reminded of this deadline
            sent += 1
    return sent
