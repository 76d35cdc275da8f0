"""The national dashboard from the refresh's per-period summaries: every number and link equal to the computation
over the rollup, fewer queries and no aggregate over the rollup, and the rollup read whenever the summaries cannot
stand in for it (a narrower scope, a period no refresh has summarised)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.assessments import services as assessment_services
from zi.assessments.models import Assessment
from zi.assessments.stages import State
from zi.insights.models import PeriodSummary, UnitPeriodRollup
from zi.insights.services import rollup_refresh
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.organisations.models import Role


@pytest.fixture
def national(tree):
    """Two agencies, two periods with assessments, scores, survey indices and journeys in the rollup."""
    templates_load_all()
    template = LkeTemplate.objects.order_by("pk").first()
    other = factories.make_unit(name="Kementerian Lain")
    other_child = factories.make_unit(parent=other, name="Satker Lain")
    periods = []
    for year in (2025, 2026):
        period = assessment_services.period_create(
            actor=None,
            year=year,
            name=f"Periode {year}",
            template=template,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
        )
        for key in ("lapas", "rutan", "rutan_tpi"):
            factories.make_assessment(unit=tree[key], period=period)
        factories.make_assessment(unit=other_child, period=period)
        Assessment.objects.filter(unit=tree["rutan"], period=period).update(
            state=State.SUBMITTED, submitted_at=timezone.now()
        )
        rollup_refresh(period=period)
        periods.append(period)
    # numbers that only the rollup knows (written by the refresh from live data in the other tests)
    UnitPeriodRollup.objects.filter(unit=tree["lapas"]).update(
        total=71.25, area1=10.5, ikm=88.1, ipak=3.2, ipkp=3.4, eligible_wbk=True, stage_rank=6, predicate="WBK"
    )
    UnitPeriodRollup.objects.filter(unit=tree["rutan"]).update(total=64.4, ikm=80.3, stage_rank=3)
    UnitPeriodRollup.objects.filter(unit=other_child).update(total=90.0, ipkp=3.9, eligible_wbbm=True)
    for period in periods:  # the summaries of those numbers
        from zi.insights.services import summaries_refresh

        summaries_refresh(period=period)
    return {"periods": periods, "other": other, **tree}


def _snapshot(dash):
    return (
        {k: v for k, v in dash.summary.items()},
        [(t.key, t.headers, [[(c.value, c.href) for c in r] for r in t.rows], t.chart, t.note) for t in dash.tables],
        dash.refreshed_at,
    )


def _get(client, url, assert_queries):
    with assert_queries(40) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    return response.context["dash"], sql, [q for q in sql if "insights_unitperiodrollup" in q and "COUNT(" in q]


@pytest.mark.parametrize("year", [2025, 2026])
def test_national_dashboard_from_summaries_equals_rollup_computation(
    national, client, settings, django_assert_max_num_queries, year
):
    settings.ZI_INSIGHTS_CACHE_SECONDS = 0
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    url = reverse("insights:overview") + f"?periode={year}"
    fast, fast_sql, fast_aggregates = _get(client, url, django_assert_max_num_queries)
    assert not fast_aggregates, "the summaries stand in for the rollup"
    assert fast.summary["building"] == 4 and fast.summary["avg_total"] == round((71.25 + 64.4 + 90.0) / 3, 2)
    assert [r[0].value for r in fast.table("tren").rows] == [2025, 2026]
    PeriodSummary.objects.all().delete()  # no summaries: the dashboard aggregates the rollup as before
    slow, slow_sql, slow_aggregates = _get(client, url, django_assert_max_num_queries)
    assert slow_aggregates
    assert len(fast_sql) < len(slow_sql)
    assert _snapshot(fast) == _snapshot(slow)


def test_summaries_follow_the_refresh_and_scope(national, client, settings):
    settings.ZI_INSIGHTS_CACHE_SECONDS = 0
    period = national["periods"][1]
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    url = reverse("insights:overview") + "?periode=2026"
    assert client.get(url).context["dash"].summary["units"] == 8
    unit = factories.make_unit(parent=national["sumsel"], name="Satker Baru")
    factories.make_assessment(unit=unit, period=period)
    rollup_refresh(period=period)
    dash = client.get(url).context["dash"]
    assert dash.summary["units"] == 9 and dash.summary["building"] == 5
    assert PeriodSummary.objects.get(period=period, level=PeriodSummary.ALL).data["units"] == 9
    # an agency-wide viewer never gets the national summaries: only their agency's rows
    agency_viewer = factories.make_user_with_role(
        Role.NATIONAL_VIEWER, agency=national["other"].agency, username="kementerian"
    )
    client.force_login(agency_viewer)
    assert client.get(url).context["dash"].summary["units"] == 2


def test_period_not_summarised_reads_the_rollup(national, client, settings):
    settings.ZI_INSIGHTS_CACHE_SECONDS = 0
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    url = reverse("insights:overview") + "?periode=2026"
    expected = [[c.value for c in row] for row in client.get(url).context["dash"].table("tren").rows]
    PeriodSummary.objects.filter(period=national["periods"][0]).delete()  # e.g. refreshed before the upgrade
    rows = [[c.value for c in row] for row in client.get(url).context["dash"].table("tren").rows]
    assert rows == expected and [r[0] for r in rows] == [2025, 2026]
