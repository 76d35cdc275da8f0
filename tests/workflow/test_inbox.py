"""The home page as an inbox (issue #17): every kind of item for the right person and nobody else, deadlines with
their overdue mark, oldest first, the count on the navigation, the empty state, a fixed number of queries, the
hand-off e-mails, and every demo login's inbox pointing at pages that open."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.workflow.conftest import OVERRIDE, declare, go, journey_at, team
from zi.assessments.models import Lane
from zi.core.home import inbox_items
from zi.organisations.models import Role
from zi.programme import services as programme_services
from zi.surveys.models import Campaign
from zi.workflow import reminders, services
from zi.workflow.models import Journey, State


def kinds(user) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in inbox_items(user):
        found.setdefault(item.kind, []).append(item)
    return found


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(autouse=True)
def _fresh_badges():
    cache.clear()  # the badge count is cached per person for a minute


def calendar(jw, **days):
    today = timezone.localdate()
    values = {key: today + dt.timedelta(days=n) for key, n in days.items()}
    values.setdefault("proposal_deadline", today + dt.timedelta(days=30))
    return services.calendar_save(actor=None, period=jw["period"], **values)


# --- each kind, for the right person only ------------------------------------------------------------------------


def test_returned_lke_shows_the_reviewers_reason_to_the_unit_only(client, jw):
    journey = journey_at(jw, State.IN_REVIEW)
    go(jw, journey, State.RETURNED, "reviewer", note="Lengkapi bukti monev area 1.")
    for who in ("member", "leader", "head"):
        [item] = kinds(jw[who])["returned"]
        assert item.unit == jw["lapas"].name and "Lengkapi bukti monev area 1." in item.reason
        assert item.url == reverse("assessments:worksheet", args=[journey.assessment_id])
    for who in ("other", "reviewer", "admin", "tpi1"):
        assert "returned" not in kinds(jw[who])
    page = home(client, jw["leader"])
    assert "Catatan reviewer: Lengkapi bukti monev area 1." in page
    assert client.get(reverse("assessments:worksheet", args=[journey.assessment_id])).status_code == 200


def test_returned_lke_also_says_the_carried_over_answers_still_to_confirm(jw):
    from zi.lke.models import LkeQuestion
    from zi.workflow.models import CarriedQuestion

    journey = journey_at(jw, State.IN_REVIEW)
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Lengkapi bukti monev area 1.")
    question = LkeQuestion.objects.get(template=jw["template"], code=jw["codes"]["abc"])
    CarriedQuestion.objects.create(journey=journey, question=question, source_assessment=jw["assessment"])
    [item] = kinds(jw["leader"])["returned"]
    assert item.reason == (
        "Catatan reviewer: Lengkapi bukti monev area 1. 1 jawaban bawaan periode lalu belum dikonfirmasi."
    )  # the pre-submit check's blocker, said where the leader starts


def test_submissions_to_review_for_reviewers_of_the_subtree(jw):
    outsider = factories.make_user_with_role(Role.REVIEWER, unit=jw["kepri"], username="reviewer-kepri")
    journey = journey_at(jw, State.SELF_SUBMITTED)
    [item] = kinds(jw["reviewer"])["review"]
    assert item.url == reverse("workflow:journey_detail", args=[journey.pk]) + "#decisions"
    assert "review" not in kinds(outsider) and "review" not in kinds(jw["member"])
    go(jw, journey, State.IN_REVIEW, "reviewer")
    [item] = kinds(jw["reviewer"])["review"]
    assert item.url == reverse("workflow:lane_sheet", args=[journey.pk, Lane.REVIEW])


def test_tpi_lanes_for_the_assigned_team_only(client, jw):
    journey = journey_at(jw, State.REVIEWED)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw), due=timezone.localdate())
    for who in ("tpi1", "tpi2", "tpi3"):
        [item] = kinds(jw[who])["tpi"]
        assert item.url == reverse("workflow:journey_detail", args=[journey.pk]) + "#decisions"
    assert "tpi" not in kinds(jw["tpi_home"])  # a TPI evaluator of the agency, not in the team
    go(jw, journey, State.TPI_EVALUATION, "tpi1")
    [item] = kinds(jw["tpi3"])["tpi"]
    assert item.url == reverse("workflow:lane_sheet", args=[journey.pk, Lane.TPI])
    client.force_login(jw["tpi3"])
    assert client.get(item.url).status_code == 200
    go(jw, journey, State.TPI_RETURNED, "tpi1", note="LHE 1: perbaiki area 2.")
    assert "tpi" not in kinds(jw["tpi1"])  # with the unit now
    [item] = kinds(jw["member"])["returned"]
    assert item.reason == "Catatan TPI: LHE 1: perbaiki area 2."


def test_forwarded_without_team_for_the_agency_admin_of_that_agency(jw):
    other_admin = factories.make_user_with_role(
        Role.AGENCY_ADMIN, agency=factories.AgencyFactory(code="LAIN"), username="admin-lain"
    )
    journey = journey_at(jw, State.REVIEWED)
    [item] = kinds(jw["admin"])["no_team"]
    assert item.url == reverse("workflow:teams")
    assert "no_team" not in kinds(other_admin) and "no_team" not in kinds(jw["tpi1"])
    made = team(jw)
    [item] = kinds(jw["admin"])["no_team"]
    assert item.url.startswith(reverse("workflow:team_detail", args=[made.pk]) + f"?keikutsertaan={journey.pk}")


def test_proposal_to_make_and_tpn_result_to_record(jw):
    calendar(jw, proposal_deadline=20)
    journey = journey_at(jw, State.TPI_MEETS)
    [item] = kinds(jw["admin"])["proposal"]
    assert item.due == timezone.localdate() + dt.timedelta(days=20) and item.deadline.text == "20 hari lagi"
    assert "proposal" not in kinds(jw["leader"]) and "proposal" not in kinds(jw["tpi1"])
    factories.set_state(journey, State.PROPOSED)
    Journey.objects.filter(pk=journey.pk).update(proposed_at=timezone.now())
    found = kinds(jw["admin"])
    assert "proposal" not in found and found["tpn_result"][0].url.startswith(
        reverse("workflow:journey_detail", args=[journey.pk])
    )
    assert "tpn_result" not in kinds(jw["head"])


def test_staff_who_have_not_signed_the_pact(client, jw):
    declaration = declare(jw)
    journey = services.participation_create(actor=jw["head"], assessment=jw["assessment"])
    staff = set(jw["lapas"].staff.filter(is_active=True).values_list("pk", flat=True))
    signed = set(declaration.signatories.values_list("pk", flat=True))
    missing = len(staff - signed)
    assert missing > 0
    for who in ("head", "leader"):
        [item] = kinds(jw[who])["pact"]
        assert item.title == f"{missing} pegawai belum menandatangani pakta integritas"
        assert item.url == reverse("workflow:declaration", args=[journey.pk])
    assert "pact" not in kinds(jw["member"]) and "pact" not in kinds(jw["other"])
    client.force_login(jw["head"])
    assert client.get(item.url).status_code == 200
    services.declaration_sign(actor=jw["head"], declaration=declaration, users=list(staff - signed))
    assert "pact" not in kinds(jw["head"])


def overdue_complaint(jw, days_ago=60, unit=None):
    complaint, _code = programme_services.complaint_create(
        actor=jw["member"] if unit is None else jw["other"],
        unit=unit or jw["lapas"],
        channel="counter",
        category="pelayanan",
        subject=f"Antrean lama {days_ago}",
        description="Menunggu tiga jam.",
        received_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    return complaint


def test_overdue_complaints_for_the_units_handlers(client, jw):
    complaint = overdue_complaint(jw)
    overdue_complaint(jw, unit=jw["rutan"])
    [item] = kinds(jw["member"])["complaint"]
    assert item.url == complaint.get_absolute_url() and item.deadline.overdue
    [rutan] = kinds(jw["other"])["complaint"]
    assert rutan.unit == jw["rutan"].name
    assert "complaint" not in kinds(jw["reviewer"]) and "complaint" not in kinds(jw["admin"])
    page = home(client, jw["member"])
    assert f"terlambat {item.deadline.days_late} hari" in page and complaint.subject in page
    assert client.get(item.url).status_code == 200


def test_campaigns_short_of_respondents_near_or_after_their_deadline(jw):
    now = timezone.now()

    def campaign(unit, closes_in_days, title):
        return Campaign.objects.create(
            unit=unit,
            period=jw["period"],
            title=title,
            opens_at=now - dt.timedelta(days=30),
            closes_at=now + dt.timedelta(days=closes_in_days),
            respondent_groups=["pengguna_layanan"],
        )

    near = campaign(jw["lapas"], 3, "IPKP triwulan IV")
    campaign(jw["lapas"], 60, "Masih lama")
    past = campaign(jw["lapas"], -2, "Sudah ditutup")
    campaign(jw["rutan"], 3, "Rutan")
    items = kinds(jw["member"])["survey"]
    assert [i.url for i in items] == [
        reverse("surveys:campaign_detail", args=[past.pk]),
        reverse("surveys:campaign_detail", args=[near.pk]),
    ]
    assert items[1].reason == "0 dari minimal 30 responden." and "sudah ditutup" in items[0].reason
    assert [i.unit for i in kinds(jw["other"])["survey"]] == [jw["rutan"].name]
    assert "survey" not in kinds(jw["reviewer"])


def test_late_stage_to_follow_for_overseers_not_twice_for_the_actor(jw):
    leader_role = factories.make_user_with_role(Role.LEADER, unit=jw["sumsel"], username="kakanwil")
    journey = journey_at(jw, State.SELF_SUBMITTED)
    calendar(jw, review_deadline=-9)
    [late] = kinds(leader_role)["late"]
    assert late.watch and late.deadline.text == "terlambat 9 hari" and "selesaikan reviu" in late.reason
    assert late.url == reverse("workflow:journey_detail", args=[journey.pk])
    found = kinds(jw["reviewer"])  # the reviewer acts on it: one item, to act on, with the same mark
    assert "late" not in found and found["review"][0].deadline.text == "terlambat 9 hari"


def test_late_filter_agrees_with_the_reminders_deadline(jw):
    calendar(jw, review_deadline=-3, tpi_deadline=-1)
    journey = journey_at(jw, State.SELF_SUBMITTED)
    today = timezone.localdate()
    for state in (State.SELF_SUBMITTED, State.IN_REVIEW, State.REVIEWED, State.BUILDING, State.TPI_MEETS):
        factories.set_state(journey, state)
        fresh = Journey.objects.select_related("period", "period__calendar", "unit").get(pk=journey.pk)
        found = reminders.next_deadline(fresh)
        expected = bool(found and found[1] < today)
        assert Journey.objects.filter(reminders.late_filter(today), pk=journey.pk).exists() == expected, state


# --- order, marks, count, empty state, queries ---------------------------------------------------------------------


def test_oldest_deadline_first_and_no_deadline_last(jw):
    overdue_complaint(jw, days_ago=40)
    overdue_complaint(jw, days_ago=90)
    journey_at(jw, State.BUILDING)  # due: the period's self-assessment deadline
    jw["period"].self_assessment_deadline = timezone.localdate() + dt.timedelta(days=5)
    jw["period"].save()
    items = inbox_items(jw["leader"])
    days = [i.due_day for i in items]
    dated = [d for d in days if d is not None]
    assert dated == sorted(dated) and days[: len(dated)] == dated
    assert items[0].kind == "complaint" and items[0].title.endswith("90")


def test_nav_badge_counts_the_inbox_and_empty_state(client, jw):
    overdue_complaint(jw)
    overdue_complaint(jw, days_ago=45)
    page = home(client, jw["member"])
    assert re.search(r'class="badge badge-bad nav-count"[^>]*>.*?2</span>', page)
    assert 'id="inbox-empty"' not in page
    other_page = client.get(reverse("organisations:unit_list")).content.decode()
    assert re.search(r"nav-count.*?2</span>", other_page)  # the cached count on any page
    quiet = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=jw["kepri"], username="sepi")
    page = home(client, quiet)
    assert 'id="inbox-empty"' in page and "Tidak ada yang menunggu Anda saat ini." in page
    assert "nav-count" not in page


def test_badge_text_caps_at_99():
    from zi.core.home import badge_text

    assert (badge_text(7), badge_text(99), badge_text(100)) == ("7", "99", "99+")


def test_badge_on_other_pages_costs_no_query_when_cached(client, jw, django_assert_max_num_queries):
    overdue_complaint(jw)
    home(client, jw["member"])
    url = reverse("organisations:unit_list")
    client.get(url)
    with django_assert_max_num_queries(30) as cached:
        client.get(url)
    cache.clear()
    with django_assert_max_num_queries(60) as fresh:
        client.get(url)
    assert len(fresh.captured_queries) > len(cached.captured_queries)  # the count is computed only when missing


def test_inbox_queries_do_not_grow_with_the_data(jw, django_assert_max_num_queries):
    journey_at(jw, State.BUILDING)
    overdue_complaint(jw)
    user = get_user_model().objects.get(pk=jw["leader"].pk)
    inbox_items(user)  # grants loaded
    with django_assert_max_num_queries(20) as first:
        before = inbox_items(user)
    for n in range(6):
        overdue_complaint(jw, days_ago=30 + n)
    user = get_user_model().objects.get(pk=jw["leader"].pk)
    inbox_items(user)
    with django_assert_max_num_queries(len(first.captured_queries)):
        after = inbox_items(user)
    assert len(after) == len(before) + 6


# --- e-mails --------------------------------------------------------------------------------------------------------


def test_return_forward_and_conclusion_send_emails(jw, settings, django_capture_on_commit_callbacks):
    settings.ZI_SITE_URL = "https://zi.example.go.id"
    inbox_link = f"https://zi.example.go.id{reverse('core:home')}"
    journey = journey_at(jw, State.IN_REVIEW)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        journey = go(jw, journey, State.RETURNED, "reviewer", note="Bukti area 2 kurang.")
    [returned] = mail.outbox
    assert set(returned.to) == {jw[w].email for w in ("member", "leader", "head")}
    assert "dikembalikan" in returned.subject and "Bukti area 2 kurang." in returned.body
    assert inbox_link in returned.body and "testserver" not in returned.body

    journey = go(jw, journey, State.SELF_SUBMITTED, "leader")
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    made = team(jw)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=made)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        journey = go(jw, journey, State.REVIEWED, "reviewer")
    [forwarded] = mail.outbox
    assert set(forwarded.to) == {jw[w].email for w in ("tpi1", "tpi2", "tpi3")}
    assert "menunggu evaluasi TPI" in forwarded.subject and inbox_link in forwarded.body

    journey = go(jw, journey, State.TPI_EVALUATION, "tpi1")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        go(jw, journey, State.TPI_MEETS, "tpi1", note="Memenuhi ambang WBK.", data={"override_reason": OVERRIDE})
    [concluded] = mail.outbox
    assert set(concluded.to) == {jw[w].email for w in ("member", "leader", "head", "admin")}
    assert "Simpulan TPI" in concluded.subject and "Memenuhi ambang WBK." in concluded.body
    assert f"https://zi.example.go.id{reverse('workflow:journey_detail', args=[journey.pk])}" in concluded.body


def test_a_refused_move_sends_nothing(jw, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    journey = journey_at(jw, State.IN_REVIEW)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        go(jw, journey, State.RETURNED, "reviewer", note="")  # a return needs a note
    assert mail.outbox == []


def test_emails_are_written_in_the_site_language(jw, django_capture_on_commit_callbacks):
    from django.utils import translation

    journey = journey_at(jw, State.IN_REVIEW)
    mail.outbox = []
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        go(jw, journey, State.RETURNED, "reviewer", note="x")
    assert settings.LANGUAGE_CODE == "id" and "dikembalikan" in mail.outbox[0].subject


# --- the demo ---------------------------------------------------------------------------------------------------


def test_every_demo_login_has_something_to_act_on_and_each_link_opens(demo_db, client):
    from zi.demo.organisations import DEMO_LOGINS

    for login in DEMO_LOGINS:
        user = get_user_model().objects.get(username=login.username)
        items = inbox_items(user)
        assert items, f"{login.username} has nothing in the inbox"
        page = home(client, user)
        assert 'id="inbox-empty"' not in page
        for item in items:
            assert item.url in page.replace("&amp;", "&")
            assert client.get(item.url).status_code == 200, (login.username, item.kind, item.url)
