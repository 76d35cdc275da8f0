"""The hand-off between roles (issue #17): overdue marks on every deadline, LKEs waiting for TPI without a team
shown to those who assign teams (and e-mailed), and generated links on the configured site address."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.workflow.conftest import go, journey_at, team
from zi.core.deadlines import deadline_status
from zi.workflow import reminders, services
from zi.workflow.models import State


def test_deadline_status_days_left_and_overdue():
    today = dt.date(2026, 12, 6)
    late = deadline_status(dt.date(2026, 4, 30), today)
    assert (late.overdue, late.days_late, late.text) == (True, 220, "terlambat 220 hari")
    assert deadline_status(today, today).text == "hari ini"
    soon = deadline_status(dt.date(2026, 12, 9), today)
    assert (soon.overdue, soon.days_left, soon.text) == (False, 3, "3 hari lagi")
    assert deadline_status(None) is None


def test_overdue_marks_in_the_tpi_queue_journey_list_journey_page_and_calendar(client, jw):
    today = timezone.localdate()
    journey = journey_at(jw, State.REVIEWED)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw), due=today - dt.timedelta(days=12))
    services.calendar_save(
        actor=None,
        period=jw["period"],
        proposal_deadline=today + dt.timedelta(days=30),
        review_deadline=today - dt.timedelta(days=220),
        tpi_deadline=today + dt.timedelta(days=3),
    )
    client.force_login(jw["tpi1"])
    queue = client.get(reverse("workflow:queue")).content.decode()
    assert "terlambat 12 hari" in queue and 'class="overdue"' in queue
    page = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert "terlambat 220 hari" in page and "terlambat 12 hari" in page and "3 hari lagi" in page
    assert "30 hari lagi" in page
    listing = client.get(reverse("workflow:journey_list")).content.decode()
    assert "selesaikan evaluasi TPI" in listing and "terlambat 12 hari" in listing

    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))
    calendar = client.get(reverse("workflow:calendar")).content.decode()
    assert "terlambat 220 hari" in calendar and "30 hari lagi" in calendar


def test_the_reviewers_list_marks_the_overdue_review(client, jw):
    today = timezone.localdate()
    journey = journey_at(jw, State.SELF_SUBMITTED)
    services.calendar_save(
        actor=None,
        period=jw["period"],
        proposal_deadline=today + dt.timedelta(days=30),
        review_deadline=today - dt.timedelta(days=220),
    )
    client.force_login(jw["reviewer"])
    listing = client.get(reverse("workflow:journey_list")).content.decode()
    assert journey.unit.name in listing and "selesaikan reviu" in listing and "terlambat 220 hari" in listing


def test_unit_page_deadlines_carry_the_mark(client, jw):
    today = timezone.localdate()
    services.calendar_save(
        actor=None,
        period=jw["period"],
        proposal_deadline=today + dt.timedelta(days=30),
        review_deadline=today - dt.timedelta(days=5),
    )
    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse("insights:unit_page", args=[jw["lapas"].pk])
    page = client.get(url, {"periode": jw["period"].year}).content.decode()
    assert "terlambat 5 hari" in page and "30 hari lagi" in page


def test_waiting_for_tpi_without_team_listed_for_the_agency_admin(client, jw, django_capture_on_commit_callbacks):
    mail.outbox = []
    journey = journey_at(jw, State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        journey = go(jw, journey, State.REVIEWED, "reviewer")
    # nobody's queue: the TPI evaluators do not see it ...
    client.force_login(jw["tpi1"])
    assert jw["lapas"].name not in client.get(reverse("workflow:queue")).content.decode()
    assert 'data-kind="no_team"' not in client.get(reverse("core:home")).content.decode()
    # ... so the agency admin does, in the home inbox, with a link to create a team (none exists yet)
    client.force_login(jw["admin"])
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-kind="no_team"' in home and jw["lapas"].name in home and reverse("workflow:teams") in home
    # and was told by e-mail, with a link on the configured address
    sent = [m for m in mail.outbox if "tanpa tim TPI" in m.subject]
    assert len(sent) == 1 and jw["admin"].email in sent[0].to
    assert sent[0].to == [jw["admin"].email]
    from django.conf import settings

    assert f"{settings.ZI_SITE_URL}{reverse('workflow:teams')}" in sent[0].body
    # once a team exists the link opens its page with the unit preselected in the assignment form
    made = team(jw)
    home = client.get(reverse("core:home")).content.decode()
    link = f"{reverse('workflow:team_detail', args=[made.pk])}?keikutsertaan={journey.pk}"
    assert link in home
    detail = client.get(link).content.decode()
    assert f'<option value="{journey.pk}" selected>' in detail
    assert 'id="without-tpi-team"' in client.get(reverse("workflow:teams")).content.decode()
    services.tpi_assign(actor=jw["admin"], journey=journey, team=made)
    assert 'data-kind="no_team"' not in client.get(reverse("core:home")).content.decode()


def test_reminder_and_dossier_links_use_the_configured_address(client, jw, settings):
    settings.ZI_SITE_URL = "https://zi.example.go.id"
    mail.outbox = []
    journey = journey_at(jw, State.REVIEWED)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    today = timezone.localdate()
    services.calendar_save(
        actor=None,
        period=jw["period"],
        proposal_deadline=today + dt.timedelta(days=30),
        tpi_deadline=today + dt.timedelta(days=2),
    )
    assert reminders.send_reminders(today=today) == 1
    body = mail.outbox[-1].body
    assert f"https://zi.example.go.id{reverse('workflow:journey_detail', args=[journey.pk])}" in body
    assert "localhost" not in body and "testserver" not in body


def test_absolute_url_uses_the_configured_site_address(settings):
    from zi.core.links import absolute_url

    settings.ZI_SITE_URL = "https://zi.example.go.id/"
    assert absolute_url("/program/kegiatan/7/") == "https://zi.example.go.id/program/kegiatan/7/"
    assert absolute_url("alur/") == "https://zi.example.go.id/alur/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
