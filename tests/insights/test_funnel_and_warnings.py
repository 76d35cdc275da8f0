"""The pipeline funnel, official predicates and rankings by proposals and results come from the journeys through
the rollup (every number links to its units); early warnings reach the unit head, the reviewer and the evaluator;
the periodic task keeps the rollup fresh."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from zi.assessments import services as assessment_services
from zi.insights.models import UnitPeriodRollup
from zi.insights.rules import TITLES
from zi.insights.services import rollup_refresh
from zi.insights.tasks import insights_refresh_current_period
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.organisations.models import Role
from zi.predicates import services as predicate_services
from zi.predicates.models import Award
from zi.workflow.models import Journey, Predicate, State


def _award(unit, predicate, year, decree_date):
    predicate_services.award_record(
        actor="test", unit=unit, predicate=predicate, year=year, decree_number=f"KEP/{year}", decree_date=decree_date
    )


@pytest.fixture
def pipeline(tree):
    templates_load_all()
    period = assessment_services.period_create(
        actor=None,
        year=2026,
        name="Periode 2026",
        template=LkeTemplate.objects.order_by("pk").first(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    states = {"lapas": State.AWARDED, "rutan": State.NOT_AWARDED, "rutan_tpi": State.RETURNED}
    journeys = {}
    for key, state in states.items():
        assessment = factories.make_assessment(unit=tree[key], period=period, state=state)
        # test data in a given state; the transitions themselves are tested in tests/workflow
        journeys[key] = factories.set_journey(
            assessment,
            target_predicate=Predicate.WBK,
            awarded_predicate=Predicate.WBK if state == State.AWARDED else "",
        )
    _award(tree["lapas"], "WBK", 2026, dt.date(2026, 11, 30))  # the decree the awarded journey recorded
    rollup_refresh(period=period)
    return {"period": period, "journeys": journeys, **tree}


def _column(table, label_col=0, value_col=1):
    return {row[label_col].value: row[value_col].value for row in table.rows}


def test_funnel_counts_reached_stages_and_links_to_units(pipeline, client):
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    page = client.get(reverse("insights:node", args=[pipeline["ditjen"].pk]) + "?periode=2026")
    dash = page.context["dash"]
    funnel = _column(dash.table("tahapan"))
    assert funnel == {
        "Pencanangan": 3,
        "Pembangunan": 3,
        "LKE dikirim": 3,
        "Lolos reviu": 2,  # the returned one never got past review
        "Lolos TPI": 2,
        "Diusulkan ke TPN": 2,  # not awarded still counts as proposed
        "Ditetapkan": 1,
        "Predikat WBK": 1,
        "Predikat WBBM": 0,
    }
    assert dash.summary["pred_wbk"] == 1 and dash.summary["stage6"] == 2
    proposed_link = next(r[1].href for r in dash.table("tahapan").rows if r[0].value == "Diusulkan ke TPN")
    listing = client.get(proposed_link)
    names = [row[0].value for row in listing.context["table"].rows]  # tree (path) order: depends on the ids
    assert sorted(names) == ["Lapas Kelas I Palembang", "Rutan Kelas IIB Prabumulih"]
    wbk = client.get(reverse("insights:unit_list") + f"?periode=2026&unit={pipeline['ditjen'].pk}&f=pred_wbk")
    rows = wbk.context["table"].rows
    assert [r[0].value for r in rows] == ["Lapas Kelas I Palembang"]
    assert rows[0][-1].value == "WBK" and rows[0][-2].value == "Ditetapkan (predikat)"
    csv = b"".join(
        client.get(
            reverse("insights:download", args=["tahapan", "csv"]) + f"?periode=2026&unit={pipeline['ditjen'].pk}"
        ).streaming_content
    ).decode()
    assert "Diusulkan ke TPN,2" in csv and "Predikat WBK,1" in csv


def test_rankings_by_proposals_and_by_results(pipeline, client):
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    dash = client.get(reverse("insights:node", args=[pipeline["ditjen"].pk]) + "?periode=2026").context["dash"]
    by_proposals = dash.table("peringkat_usulan")
    assert [(r[1].value, r[8].value) for r in by_proposals.rows] == [
        ("Kanwil Sumatera Selatan", 2),
        ("Kanwil Kepulauan Riau", 0),
    ]
    by_results = dash.table("peringkat_predikat")
    assert [(r[1].value, r[9].value, r[10].value) for r in by_results.rows][0] == ("Kanwil Sumatera Selatan", 1, 0)
    assert (
        "f=stage6" in by_proposals.rows[0][8].href and f"unit={pipeline['sumsel'].pk}" in by_proposals.rows[0][8].href
    )
    trend = dash.table("tren")
    assert [c.value for c in trend.rows[0]][-3:] == [2, 1, 0]


def test_revoked_predicate_leaves_the_counts_after_refresh(pipeline, client):
    factories.set_state(pipeline["journeys"]["lapas"], State.REVOKED)
    award = Award.objects.get(unit=pipeline["lapas"], year=2026)
    predicate_services.award_revoke(actor="test", award=award, revoked_on=award.decree_date, reason="Pungli terbukti")
    rollup_refresh(period=pipeline["period"])
    row = UnitPeriodRollup.objects.get(unit=pipeline["lapas"], period=pipeline["period"])
    assert row.predicate == "" and row.stage == State.REVOKED and row.stage_rank == 7


@pytest.mark.parametrize(
    "role,where",
    [(Role.UNIT_HEAD, "lapas"), (Role.REVIEWER, "sumsel"), (Role.TPI_EVALUATOR, None), (Role.LEADER, "sumsel")],
)
def test_warnings_with_explanations_reach_head_reviewer_and_evaluator(pipeline, client, role, where):
    kwargs = {"unit": pipeline[where]} if where else {"agency": pipeline["lapas"].agency}
    client.force_login(factories.make_user_with_role(role, username="orang", **kwargs))
    page = client.get(reverse("insights:unit_page", args=[pipeline["lapas"].pk]) + "?periode=2026")
    assert page.status_code == 200
    warnings = page.context["ov"].warnings
    assert warnings, "a submitted LKE without any survey, complaint or consultation must warn"
    html = page.content.decode()
    assert str(TITLES["no_stakeholders"]) in html
    assert all(w.explanation and w.explanation in html for w in warnings)
    listing = client.get(reverse("insights:warning_list") + "?periode=2026").content.decode()
    assert "Lapas Kelas I Palembang" in listing
    assert all(w.explanation in listing for w in warnings)  # the list says why, not only which pattern


def test_team_member_does_not_get_the_warning_pages(pipeline, client):
    client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=pipeline["lapas"], username="a"))
    assert client.get(reverse("insights:unit_page", args=[pipeline["lapas"].pk])).status_code == 403
    assert client.get(reverse("insights:warning_list")).status_code == 403


def test_periodic_task_refreshes_the_newest_period(pipeline):
    factories.set_state(pipeline["journeys"]["rutan"], State.AWARDED)
    Journey.objects.filter(pk=pipeline["journeys"]["rutan"].pk).update(awarded_predicate="WBBM")
    _award(pipeline["rutan"], "WBK", 2024, dt.date(2024, 12, 2))
    _award(pipeline["rutan"], "WBBM", 2026, dt.date(2026, 11, 30))
    assert insights_refresh_current_period.call_local() == 6
    row = UnitPeriodRollup.objects.get(unit=pipeline["rutan"], period=pipeline["period"])
    assert row.predicate == "WBBM"
