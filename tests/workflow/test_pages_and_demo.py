"""Journey pages through the HTTP client, the LHE PDF, reminders, and the demo journeys."""

from __future__ import annotations

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from tests import factories
from tests.pdf_checks import pdf_text
from tests.workflow.conftest import fill_lane, go, journey_at, team
from zi.assessments import services as assessment_services
from zi.assessments.models import Lane
from zi.core.audit import verify
from zi.organisations.models import Role
from zi.workflow import services
from zi.workflow.models import Journey, ReminderLog, State


def _login(client, user):
    client.force_login(user)


def test_detail_scoped_and_anonymous(client, jw, tree):
    journey = journey_at(jw, State.BUILDING)
    url = reverse("workflow:journey_detail", args=[journey.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    _login(client, jw["head"])
    html = client.get(url).content.decode()
    assert "Pembangunan" in html and "3 / 5" in html
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan_tpi"], username="luar")
    _login(client, outsider)
    assert client.get(url).status_code == 404
    assert client.post(reverse("workflow:transition", args=[journey.pk]), {"version": 1}).status_code == 404


def test_decisions_by_post_with_stale_version(client, jw):
    journey = journey_at(jw, State.SELF_SUBMITTED)
    url = reverse("workflow:transition", args=[journey.pk])
    _login(client, jw["reviewer"])
    page = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert 'value="in_review"' in page
    response = client.post(url, {"version": journey.version, "to_state": State.IN_REVIEW}, follow=True)
    assert "Keputusan tersimpan" in response.content.decode()
    response = client.post(url, {"version": journey.version, "to_state": State.REVIEWED}, follow=True)
    assert "diubah orang lain" in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).state == State.IN_REVIEW
    _login(client, jw["member"])  # a member may not decide: refused by the service → 403
    assert client.post(url, {"version": journey.version + 1, "to_state": State.REVIEWED}).status_code == 403


def test_lane_sheet_compare_and_lhe_pdf(client, jw):
    journey = journey_at(jw, State.REVIEWED)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw), due=dt.date(2026, 5, 20))
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi1")
    code = jw["codes"]["abc"]
    _login(client, jw["tpi3"])
    queue = client.get(reverse("workflow:queue")).content.decode()
    assert jw["lapas"].name in queue and "overdue" in queue
    sheet = reverse("workflow:lane_sheet", args=[journey.pk, "tpi"])
    assert client.get(sheet).status_code == 200
    answer_url = reverse("workflow:lane_answer", args=[journey.pk, "tpi", code])
    assert client.post(answer_url, {"choice": "C", "note": "Bukti tidak lengkap"}).status_code == 302
    _login(client, jw["member"])
    assert client.get(sheet).status_code == 403
    _login(client, jw["tpi1"])
    html = client.get(reverse("workflow:compare", args=[journey.pk])).content.decode()
    assert "over-claim" in html and "Bukti tidak lengkap" in html
    response = client.get(reverse("workflow:lhe", args=[journey.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)  # the team's draft while no LHE is issued
    assert "Lapas Kelas I Palembang" in text and "Bukti tidak lengkap" in text and "DRAF" in text
    _login(client, jw["admin"])
    teams = client.get(reverse("workflow:teams")).content.decode()
    assert "Tim 1" in teams
    _login(client, jw["tpi1"])
    assert client.get(reverse("workflow:teams")).status_code == 403


def test_remind_is_idempotent_per_day(jw):
    journey = journey_at(jw, State.BUILDING)
    jw["leader"].email = "ketua@example.go.id"
    jw["leader"].save()
    period = jw["period"]
    period.self_assessment_deadline = dt.date(2026, 6, 10)
    period.save()
    call_command("workflow", "remind", "--date", "2026-06-01", stdout=io.StringIO())
    call_command("workflow", "remind", "--date", "2026-06-01", stdout=io.StringIO())
    assert len(mail.outbox) == 1 and "ketua@example.go.id" in mail.outbox[0].to
    assert ReminderLog.objects.filter(journey=journey).count() == 1
    call_command("workflow", "remind", "--date", "2026-05-01", stdout=io.StringIO())  # outside the window
    assert len(mail.outbox) == 1


def test_demo_journeys_varied_and_idempotent(demo_db):
    from zi.demo.workflow import INBOX_EXAMPLES, seed_workflow
    from zi.workflow.selectors import registered

    # demo_db is what zi seed_demo builds, and zi seed_demo runs seed_workflow itself
    # 8 Kemenkumham journeys + 2 Kalsel ones submitted to TPI (zi.demo.workflow.seed_inbox_examples)
    assert registered().count() == 8 + len(INBOX_EXAMPLES)  # every assessment has a journey; these registered
    assert seed_workflow()["journeys"] == 0
    states = dict(registered().values_list("unit__name", "assessment__state"))
    assert states["Lapas Perempuan Kelas IIA Palembang"] == State.RETURNED
    assert list(states.values()).count(State.TPI_EVALUATION) == 2
    assert states["Bapas Kelas I Palembang"] == State.PROPOSED
    awarded = Journey.objects.get(assessment__state=State.AWARDED)
    assert awarded.decree_number and awarded.awarded_predicate == "WBK"
    returned = Journey.objects.get(assessment__state=State.RETURNED)
    assert returned.assessment.answers.filter(lane=Lane.REVIEW).exclude(note="").exists()
    assert verify().ok


def test_a_journey_names_the_unit_and_period_of_its_assessment(demo_db):
    """Journey.unit/period are copies of the assessment's, written once when the journey opens (docs/architecture.md
    "One state, one owner"): across the whole demo, every journey's equal its assessment's."""
    journeys = Journey.objects.all()
    assert journeys.count() > 10
    differing = journeys.exclude(unit_id=F("assessment__unit_id")) | journeys.exclude(
        period_id=F("assessment__period_id")
    )
    assert not differing.exists()


def test_worksheet_submit_button_moves_the_journey(client, jw):
    journey = journey_at(jw, State.BUILDING)
    assessment_services.answer_save(
        actor=jw["member"], assessment=jw["assessment"], question_code=jw["codes"]["abc"], raw="A"
    )
    fill_lane(jw)  # every question answered: the one pre-submit check
    _login(client, jw["leader"])
    assert client.post(reverse("assessments:submit", args=[jw["assessment"].pk])).status_code == 302
    journey.refresh_from_db()
    assert journey.state == State.SELF_SUBMITTED
