"""Live dashboards: every kind of event (a journey transition, an LKE rescore, a survey response batch, a complaint,
a predicate award and revocation) refreshes the affected unit's rollup row once its transaction commits (the task
queue runs tasks immediately in tests), leaves the other units' rows alone, and keeps the period's summaries equal
to a full rebuild's; the periodic safety net skips its rebuild when nothing was written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.workflow.conftest import fill_lane, go, journey_at, make_world
from zi.assessments import services as assessment_services
from zi.assessments.models import Lane
from zi.assessments.scoring import lane_rescore
from zi.core import events
from zi.insights import tasks
from zi.insights.models import PeriodSummary, UnitPeriodRollup
from zi.insights.services import rollup_refresh, rollup_refresh_units, summaries_refresh
from zi.organisations.models import Role
from zi.predicates import services as predicate_services
from zi.programme import services as programme_services
from zi.surveys import services as survey_services
from zi.surveys.models import Instrument
from zi.workflow.models import State

OTHERS = ("rutan", "rutan_tpi", "sumsel", "kepri", "ditjen")


@pytest.fixture
def live(tree, agency, settings, django_capture_on_commit_callbacks):
    settings.ZI_INSIGHTS_SUMMARY_MIN_ROWS = 2  # the small tree stands in for big subtrees: node rows in detail
    settings.ZI_INSIGHTS_CACHE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):  # the world is "committed" before each test's event
        world = make_world(tree, agency)
        for key in ("rutan", "rutan_tpi"):
            assessment_services.assessment_start(
                actor=factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree[key], username=f"ketua-{key}"),
                unit=tree[key],
                period=world["period"],
            )
    rollup_refresh(period=world["period"])
    return world


def _row(world, key):
    return UnitPeriodRollup.objects.get(unit=world[key], period=world["period"])


def _others(world):
    return {
        key: {f: v for f, v in _row(world, key).__dict__.items() if not f.startswith("_")}
        for key in OTHERS
        if UnitPeriodRollup.objects.filter(unit=world[key], period=world["period"]).exists()
    }


def _summaries(period):
    return sorted(
        (s.level, s.path, s.agency_id or 0, s.unit_type_id or 0, json.dumps(s.data, sort_keys=True))
        for s in PeriodSummary.objects.filter(period=period)
    )


def _check(world, before_others, summaries_before=None):
    """Other units' rows untouched; the summaries the event wrote equal a full rebuild over the same rollup."""
    assert _others(world) == before_others
    incremental = _summaries(world["period"])
    if summaries_before is not None:
        assert incremental != summaries_before, "the summaries follow the changed row"
    summaries_refresh(period=world["period"])
    assert incremental == _summaries(world["period"])


def test_transition_refreshes_the_units_row(live, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        journey = journey_at(live, State.BUILDING)
    assert _row(live, "lapas").stage == State.BUILDING
    with django_capture_on_commit_callbacks(execute=True):
        fill_lane(live)
    others, summaries = _others(live), _summaries(live["period"])
    with django_capture_on_commit_callbacks(execute=True):
        go(live, journey, State.SELF_SUBMITTED, "leader")
    row = _row(live, "lapas")
    assert (row.stage, row.stage_rank, row.status) == (State.SELF_SUBMITTED, 3, "submitted")
    _check(live, others, summaries)
    node = PeriodSummary.objects.get(period=live["period"], level=PeriodSummary.NODE, path=live["sumsel"].path)
    assert node.data["stage3"] == 1 and node.data["submitted"] == 1


def test_lane_rescore_refreshes_the_units_row(live, django_capture_on_commit_callbacks):
    assessment = live["assessment"]
    others = _others(live)
    assert _row(live, "lapas").total in (None, 0)
    with django_capture_on_commit_callbacks(execute=True):
        fill_lane(live)  # answers saved without rescoring, then one rescore of the self-assessment lane
    row = _row(live, "lapas")
    assert row.total and row.total > 0 and row.area1 is not None
    _check(live, others)
    # the callback ran only after the commit: inside a transaction that rolls back nothing changes
    score = row.total
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lane_rescore(assessment=assessment, lane=Lane.SELF)
    assert callbacks and _row(live, "lapas").refreshed_at == row.refreshed_at and _row(live, "lapas").total == score


def test_survey_response_batch_refreshes_the_units_row(live, django_capture_on_commit_callbacks):
    survey_services.instruments_load_all()
    now = timezone.now()
    campaign = survey_services.campaign_create(
        actor=None,
        unit=live["lapas"],
        period=live["period"],
        instruments=[Instrument.objects.filter(kind="skm").first()],
        title="Survei Layanan Kunjungan",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        respondent_groups=["pengguna_layanan"],
    )
    others = _others(live)
    items = survey_services.campaign_items(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            survey_services.response_submit(
                campaign,
                survey_services.Submission(
                    group="pengguna_layanan", answers={i.pk: 4 for i in items}, form_nonce=f"n{n}", device_hash=f"d{n}"
                ),
            )
    row = _row(live, "lapas")
    assert row.respondents == 3 and row.ikm is not None
    _check(live, others)


def test_complaint_changes_refresh_the_units_row(live, django_capture_on_commit_callbacks):
    others = _others(live)
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _code = programme_services.complaint_create(
            actor=live["leader"],
            unit=live["lapas"],
            channel="counter",
            category="pelayanan",
            subject="Antrean lama",
            description="Menunggu dua jam",
            received_at=timezone.now() - dt.timedelta(days=2),
        )
    assert (_row(live, "lapas").complaints, _row(live, "lapas").complaints_resolved) == (1, 0)
    _check(live, others)
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.complaint_update(
            actor=live["leader"], complaint=complaint, status="resolved", public_response="Loket ditambah"
        )
    assert _row(live, "lapas").complaints_resolved == 1
    _check(live, others)


def test_predicate_award_and_revocation_refresh_the_units_row(live, django_capture_on_commit_callbacks):
    others = _others(live)
    with django_capture_on_commit_callbacks(execute=True):
        award = predicate_services.award_record(
            actor=live["admin"],
            unit=live["lapas"],
            predicate="WBK",
            year=2026,
            decree_number="KEP-1/M.PAN-RB/12/2026",
            decree_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert _row(live, "lapas").predicate == "WBK"
    node = PeriodSummary.objects.get(period=live["period"], level=PeriodSummary.NODE, path=live["sumsel"].path)
    assert node.data["pred_wbk"] == 1
    _check(live, others)
    with django_capture_on_commit_callbacks(execute=True):
        predicate_services.award_revoke(
            actor=live["admin"], award=award, revoked_on=timezone.localdate(), reason="Pungli terbukti"
        )
    assert _row(live, "lapas").predicate == ""
    _check(live, others)


def test_kanwil_dashboard_shows_the_event_at_once(live, client, django_capture_on_commit_callbacks):
    """The Kanwil head's page (read from the node's summaries) and its "Data per" follow the award; a poll while
    nothing changed answers 204 (htmx leaves the page), one after the change gets the page."""
    head = factories.make_user_with_role(Role.LEADER, unit=live["sumsel"], username="kakanwil")
    client.force_login(head)
    url = reverse("insights:node", args=[live["sumsel"].pk]) + "?periode=2026"
    page = client.get(url)
    assert page.context["dash"].summary["pred_wbk"] == 0
    version = page.context["live"]["version"]
    assert f"&quot;versi&quot;: &quot;{version}&quot;" in page.content.decode() or version in page.content.decode()
    poll = client.get(url + f"&versi={version}", headers={"HX-Request": "true"})
    assert poll.status_code == 204
    stamp = page.context["dash"].refreshed_at
    with django_capture_on_commit_callbacks(execute=True):
        predicate_services.award_record(
            actor=live["admin"],
            unit=live["lapas"],
            predicate="WBK",
            year=2026,
            decree_number="KEP-2/M.PAN-RB/12/2026",
            decree_date=timezone.localdate(),
        )
    poll = client.get(url + f"&versi={version}", headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert poll.context["dash"].summary["pred_wbk"] == 1 and poll.context["dash"].refreshed_at > stamp
    assert 'id="dash-live"' in poll.content.decode()


def test_nothing_refreshes_a_period_never_built(tree, agency, django_capture_on_commit_callbacks):
    world = make_world(tree, agency)
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.complaint_create(
            actor=world["leader"],
            unit=world["lapas"],
            channel="counter",
            category="pelayanan",
            subject="Antrean",
            description="Lama",
        )
    assert not UnitPeriodRollup.objects.exists()  # the first view or `zi insights refresh` builds the whole period
    assert rollup_refresh_units(unit_ids=[world["lapas"].pk], period_id=world["period"].pk) == 0


def test_a_failing_handler_never_fails_the_change(live, django_capture_on_commit_callbacks):
    def broken(unit_ids, period_id):
        raise RuntimeError("broker down")

    events.register(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            complaint, _code = programme_services.complaint_create(
                actor=live["leader"],
                unit=live["lapas"],
                channel="counter",
                category="pelayanan",
                subject="Antrean",
                description="Lama",
            )
    finally:
        events.unregister(broken)
    assert complaint.pk and _row(live, "lapas").complaints == 1  # the other handler still ran


def test_periodic_safety_net_skips_when_nothing_was_written(live):
    cache.delete(tasks.PERIODIC_MARK_KEY)
    assert tasks.insights_refresh_current_period.call_local() == 3 + 3  # six units, none written since
    stamp = _row(live, "lapas").refreshed_at
    assert tasks.insights_refresh_current_period.call_local() == 0  # nothing written: no rebuild
    assert _row(live, "lapas").refreshed_at == stamp
    programme_services.complaint_create(  # a write whose event was lost (no commit callbacks run here)
        actor=live["leader"],
        unit=live["lapas"],
        channel="counter",
        category="pelayanan",
        subject="Antrean",
        description="Lama",
    )
    assert tasks.insights_refresh_current_period.call_local() == 6
    assert _row(live, "lapas").complaints == 1


def test_announcements_of_one_transaction_dispatch_once_and_a_rollback_drops_them(
    db, django_capture_on_commit_callbacks
):
    from django.db import transaction

    calls = []

    def record(unit_ids, period_id):
        calls.append((unit_ids, period_id))

    events.register(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events.on_unit_changed(3, 1)
            events.on_units_changed([2, 3, None], 1)
            events.on_unit_changed(3)
            try:
                with transaction.atomic():
                    events.on_unit_changed(9, 1)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        # 9 joined the collector registered before its savepoint: refreshed needlessly, which is harmless
        assert calls == [([3], None), ([2, 3, 9], 1)]
        calls.clear()
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        events.on_unit_changed(7, 1)  # the collector is registered inside the savepoint…
                        raise RuntimeError("rolled back")
                except RuntimeError:
                    pass
                events.on_unit_changed(8, 1)  # …so after its rollback a new one collects
        assert calls == [([8], 1)]
    finally:
        events.unregister(record)
