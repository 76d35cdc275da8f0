"""Insights: scoping, numbers equal hand counts and the live computation, warnings, exports, query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories, worlds
from zi.assessments.models import Assessment
from zi.assessments.stages import State
from zi.insights import rules as R
from zi.insights.facts import warning_facts
from zi.insights.models import UnitPeriodRollup
from zi.insights.services import rollup_refresh
from zi.organisations.models import Role
from zi.surveys.unit_indices import survey_index_dicts


@pytest.fixture
def world(tree):
    period = worlds.year_period(2026, audited=True)
    for key in ("lapas", "rutan", "rutan_tpi"):
        factories.make_assessment(unit=tree[key], period=period)
    Assessment.objects.filter(unit=tree["rutan"]).update(state=State.SUBMITTED, submitted_at=timezone.now())
    rollup_refresh(period=period)
    return {"period": period, **tree}


def test_rollup_counts_equal_hand_counts(world):
    rows = {r.unit_id: r for r in UnitPeriodRollup.objects.filter(period=world["period"])}
    assert len(rows) == 6
    assert rows[world["lapas"].pk].participates and rows[world["lapas"].pk].status == "draft"
    assert rows[world["rutan"].pk].status == "submitted"
    assert not rows[world["kepri"].pk].participates


def test_kanwil_leader_sees_only_own_kanwil(world, client):
    leader = factories.make_user_with_role(Role.LEADER, unit=world["sumsel"], username="kakanwil")
    client.force_login(leader)
    page = client.get(reverse("insights:node", args=[world["sumsel"].pk]) + "?periode=2026")
    assert page.status_code == 200
    dash = page.context["dash"]
    assert dash.summary["units"] == 3  # Kanwil Sumsel, Lapas, Rutan
    assert dash.summary["building"] == 2
    assert dash.summary["not_building"] == 1
    assert client.get(reverse("insights:node", args=[world["kepri"].pk])).status_code == 404
    assert client.get(reverse("insights:unit_page", args=[world["rutan_tpi"].pk])).status_code == 404
    listing = client.get(reverse("insights:unit_list") + "?periode=2026")
    names = {row[0].value for row in listing.context["table"].rows}
    assert "Rutan Kelas I Tanjungpinang" not in names and "Lapas Kelas I Palembang" in names
    # overview redirects to the only node
    assert client.get(reverse("insights:overview")).status_code == 302


def test_roles_without_dashboard_get_403_and_anonymous_redirect(world, client):
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=world["lapas"], username="anggota")
    assert client.get(reverse("insights:overview")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("insights:overview")).status_code == 403


def test_national_overview_ranking_and_exports(world, client):
    viewer = factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn")
    client.force_login(viewer)
    page = client.get(reverse("insights:node", args=[world["ditjen"].pk]) + "?periode=2026")
    dash = page.context["dash"]
    ranking = dash.table("peringkat_partisipasi")
    assert [(r[1].value, r[3].value) for r in ranking.rows] == [
        ("Kanwil Sumatera Selatan", 2),
        ("Kanwil Kepulauan Riau", 1),
    ]
    assert b"<svg" in page.content and b"<title" in page.content
    response = client.get(
        reverse("insights:download", args=["peringkat_partisipasi", "xlsx"])
        + f"?periode=2026&unit={world['ditjen'].pk}"
    )
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[1][1] == "Kanwil Sumatera Selatan" and values[1][3] == 2
    csv = b"".join(
        client.get(reverse("insights:download", args=["cakupan", "csv"]) + "?periode=2026").streaming_content
    ).decode()
    assert "Satuan kerja,6,3,3" in csv
    pdf = client.get(reverse("insights:report_pdf") + "?periode=2026")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_dashboard_query_count_constant(world, client, django_assert_max_num_queries, settings):
    """National overview, Eselon I, Kanwil and unit dashboards: the same number of queries with 20 more units."""
    settings.ZI_INSIGHTS_CACHE_SECONDS = 0  # measure the computation, not the cache
    viewer = factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn2")
    client.force_login(viewer)
    urls = [reverse("insights:overview") + "?periode=2026"] + [
        reverse("insights:node", args=[world[key].pk]) + "?periode=2026" for key in ("ditjen", "sumsel", "lapas")
    ]
    before = {}
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(25) as ctx:
            assert client.get(url).status_code == 200
        before[url] = len(ctx.captured_queries)
    for i in range(20):
        unit = factories.make_unit(parent=world["sumsel"], name=f"Satker {i}")
        factories.make_assessment(unit=unit, period=world["period"])
    rollup_refresh(period=world["period"])
    for url in urls:
        with django_assert_max_num_queries(before[url]):
            client.get(url)


def test_dashboards_do_not_fetch_the_lke_template_data(world, client, django_assert_max_num_queries, settings):
    """The period menu lists every period with its template: the template's ``data`` (the whole LKE as JSON,
    ≈ 100 KB a row) is not sent with them; its parsed spec is read once per process (``template_spec``)."""
    settings.ZI_INSIGHTS_CACHE_SECONDS = 0
    for year in (2023, 2024, 2025):
        worlds.year_period(year)
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn-data"))
    urls = [reverse("insights:overview") + "?periode=2026", reverse("insights:node", args=[world["lapas"].pk])]
    urls.append(reverse("insights:unit_page", args=[world["lapas"].pk]) + "?periode=2026")
    for url in urls:
        assert client.get(url).status_code == 200  # the spec is parsed (and cached) here at the latest
        with django_assert_max_num_queries(40) as ctx:
            assert client.get(url).status_code == 200
        sent = [q["sql"] for q in ctx.captured_queries if '"lke_lketemplate"."data"' in q["sql"]]
        assert not sent, (url, sent)


def test_dashboard_cached_until_the_next_refresh(world, client, django_assert_max_num_queries):
    viewer = factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn3")
    client.force_login(viewer)
    url = reverse("insights:node", args=[world["sumsel"].pk]) + "?periode=2026"
    assert client.get(url).context["dash"].summary["building"] == 2
    with django_assert_max_num_queries(12) as ctx:  # session, user, grants, period, node, ancestors
        assert client.get(url).context["dash"].summary["building"] == 2
    assert not [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]], "no aggregate on a cached view"
    unit = factories.make_unit(parent=world["sumsel"], name="Satker Baru")
    factories.make_assessment(unit=unit, period=world["period"])
    assert client.get(url).context["dash"].summary["building"] == 2  # the rollup has not changed yet
    rollup_refresh(period=world["period"])
    assert client.get(url).context["dash"].summary["building"] == 3
    # another scope never gets this cached dashboard
    leader = factories.make_user_with_role(Role.LEADER, unit=world["lapas"], username="kalapas")
    client.force_login(leader)
    node = client.get(reverse("insights:node", args=[world["lapas"].pk]) + "?periode=2026")
    assert node.context["dash"].summary["building"] == 1
    assert client.get(url).status_code == 404


def test_public_page_has_no_private_data(world, client):
    page = client.get(reverse("insights:public"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lapas Kelas I Palembang" not in body  # no index yet, and drafts never
    assert "draft" not in body.lower()


def test_survey_indices_equal_live(world):
    # no campaigns: empty indices
    assert survey_index_dicts([world["lapas"].pk], world["period"])[world["lapas"].pk]["ipak"] is None


# --- rules on crafted data --------------------------------------------------------------------------------------


def _facts(**kw):
    return R.UnitFacts(unit_id=1, **kw)


def test_rule_rushed():
    cfg = R.DEFAULT_RULES["rushed"]
    june, aug = dt.date(2026, 6, 1), dt.datetime(2026, 8, 10, tzinfo=dt.UTC)
    assert R.check_rushed(_facts(first_work_on=june, submitted_at=aug), cfg).code == "rushed"
    assert R.check_rushed(_facts(first_work_on=dt.date(2026, 1, 5), submitted_at=aug), cfg) is None
    assert R.check_rushed(_facts(first_work_on=june), cfg) is None


def test_rule_no_stakeholders():
    cfg = R.DEFAULT_RULES["no_stakeholders"]
    assert R.check_no_stakeholders(_facts(), cfg).code == "no_stakeholders"
    assert R.check_no_stakeholders(_facts(survey_responses=3), cfg) is None


def test_rule_paperwork():
    cfg = R.DEFAULT_RULES["paperwork"]
    assert R.check_paperwork(_facts(evidence_revisions=20, evidence_in_burst=18), cfg).code == "paperwork"
    assert R.check_paperwork(_facts(max_questions_per_file=7), cfg).code == "paperwork"
    assert R.check_paperwork(_facts(answered_areas=(1, 2, 3, 4), activity_areas=(1,)), cfg).code == "paperwork"
    assert (
        R.check_paperwork(
            _facts(evidence_revisions=20, evidence_in_burst=5, answered_areas=(1, 2), activity_areas=(1, 2)), cfg
        )
        is None
    )


def test_rule_few_people():
    cfg = R.DEFAULT_RULES["few_people"]
    assert R.check_few_people(_facts(staff=50, participants=5), cfg).code == "few_people"
    assert R.check_few_people(_facts(staff=50, participants=30), cfg) is None
    assert R.check_few_people(_facts(staff=3, participants=0), cfg) is None


def test_rule_innovation_need():
    cfg = R.DEFAULT_RULES["innovation_need"]
    short = R.InnovationFact("Aplikasi", dt.date(2026, 3, 1), need_chars=10)
    late = R.InnovationFact("Loket", dt.date(2026, 3, 1), need_chars=0, complaint_received_on=dt.date(2026, 4, 1))
    good = R.InnovationFact("Antrian", dt.date(2026, 3, 1), need_chars=0, complaint_received_on=dt.date(2026, 2, 1))
    assert R.check_innovation_need(_facts(innovations=[short]), cfg).code == "innovation_need"
    assert R.check_innovation_need(_facts(innovations=[late]), cfg).code == "innovation_need"
    assert R.check_innovation_need(_facts(innovations=[good]), cfg) is None


def test_rule_reward_chasing():
    cfg = R.DEFAULT_RULES["reward_chasing"]
    flat = {"ikm": 80.0, "ipak": 3.1, "ipkp": 3.2}
    assert (
        R.check_reward_chasing(_facts(score_now=80, score_before=70, indices_now=flat, indices_before=flat), cfg).code
        == "reward_chasing"
    )
    better = {"ikm": 85.0, "ipak": 3.1, "ipkp": 3.2}
    assert (
        R.check_reward_chasing(_facts(score_now=80, score_before=70, indices_now=better, indices_before=flat), cfg)
        is None
    )
    assert R.check_reward_chasing(_facts(score_now=71, score_before=70), cfg) is None


def test_rules_overridable(settings):
    settings.ZI_WARNING_RULES = {"rushed": {"min_months": 1}, "few_people": {"enabled": False}}
    merged = R.rules()
    assert merged["rushed"]["min_months"] == 1 and merged["few_people"]["enabled"] is False
    assert [w.code for w in R.evaluate(_facts(staff=50), merged)] == ["no_stakeholders"]


def test_warning_facts_from_data(world):
    facts = warning_facts(world["rutan"].pk, world["period"])
    assert facts.submitted_at is not None and facts.first_work_on is None
    codes = [w.code for w in R.evaluate(facts)]
    assert "rushed" in codes and "no_stakeholders" in codes
    row = UnitPeriodRollup.objects.get(unit=world["rutan"], period=world["period"])
    assert "rushed" in row.warnings


def test_top_units_roots_for_a_national_viewer_scope_for_a_leader(world):
    """One function decides the top nodes: the roots for a viewer who sees everything, the scope's tops else."""
    from django.db.models import Q

    from zi.insights import selectors
    from zi.organisations.access import Action, scope_filter
    from zi.organisations.models import Unit

    factories.make_unit(agency=world["ditjen"].agency, name="Akar kedua", code="AKAR-2")
    viewer = factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn")
    leader = factories.make_user_with_role(Role.LEADER, unit=world["sumsel"], username="kakanwil")
    for user in (viewer, leader):
        visible = Unit.objects.filter(scope_filter(user, Action.DASHBOARD_VIEW, ""))
        by_scope = visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk"))).order_by("path")
        assert list(selectors.top_units(user)) == list(by_scope)
    assert selectors.sees_everything(viewer) and not selectors.sees_everything(leader)
    assert list(selectors.top_units(leader)) == [world["sumsel"]]
    assert len(selectors.top_units(viewer)) == 2


def test_rankings_show_their_first_rows_all_on_request(world, client, monkeypatch):
    from zi.insights.selectors import aggregates

    monkeypatch.setattr(aggregates, "RANKING_ROWS", 1)  # where the rankings are built
    viewer = factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn")
    client.force_login(viewer)
    url = reverse("insights:node", args=[world["ditjen"].pk]) + "?periode=2026"
    html = client.get(url).content.decode()
    ranking = html[html.index('id="t-peringkat_partisipasi"') :]
    ranking = ranking[: ranking.index("</section>")]
    assert "Kanwil Sumatera Selatan" in ranking and "Kanwil Kepulauan Riau" not in ranking.split("</table>")[0]
    assert "Menampilkan 1 teratas dari 2." in ranking and "semua=1#t-peringkat_partisipasi" in ranking
    full = client.get(url + "&semua=1").content.decode()
    ranking = full[full.index('id="t-peringkat_partisipasi"') :]
    assert "Kanwil Kepulauan Riau" in ranking[: ranking.index("</section>")]
    csv = b"".join(
        client.get(
            reverse("insights:download", args=["peringkat_partisipasi", "csv"])
            + f"?periode=2026&unit={world['ditjen'].pk}"
        ).streaming_content
    ).decode()
    assert "Kanwil Kepulauan Riau" in csv  # downloads carry every row
