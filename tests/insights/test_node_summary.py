"""Dashboards of agency roots, Eselon I units and Kanwil from the refresh's per-node summaries: every number, link,
header and chart equal to the computation over the rollup, for viewers whose grant sits at or above the node, with
no aggregate over the rollup; the rollup is read for viewers who see less, for leaves and for periods summarised
before node summaries existed, which ``migrate`` summarises again by itself."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from zi.insights.models import PeriodSummary
from zi.organisations.models import Role


def _snapshot(dash):
    return (
        dict(dash.summary),
        [(t.key, t.headers, [[(c.value, c.href) for c in r] for r in t.rows], t.chart, t.note) for t in dash.tables],
        dash.refreshed_at,
    )


def _get(client, url, assert_queries):
    with assert_queries(40) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    return response.context["dash"], sql, [q for q in sql if "insights_unitperiodrollup" in q and "COUNT(" in q]


@pytest.mark.parametrize(
    "role,grant,node",
    [
        (Role.NATIONAL_VIEWER, None, "ditjen"),  # global grant, agency root (depth 0)
        (Role.NATIONAL_VIEWER, None, "sumsel"),  # Kanwil (depth 1)
        (Role.LEADER, "ditjen", "ditjen"),  # a leader at the Eselon I node
        (Role.LEADER, "sumsel", "sumsel"),  # a Kanwil head
        (Role.NATIONAL_VIEWER, "agency", "sumsel"),  # an agency-wide grant
    ],
)
@pytest.mark.parametrize("year", [2025, 2026])
def test_node_dashboard_from_summaries_equals_rollup_computation(
    nodes, client, django_assert_max_num_queries, role, grant, node, year
):
    kwargs = {"agency": nodes["lapas"].agency} if grant == "agency" else {"unit": nodes[grant]} if grant else {}
    client.force_login(factories.make_user_with_role(role, username="pemimpin", **kwargs))
    url = reverse("insights:node", args=[nodes[node].pk]) + f"?periode={year}"
    fast, fast_sql, fast_aggregates = _get(client, url, django_assert_max_num_queries)
    assert not fast_aggregates, "the node's summaries stand in for the rollup"
    PeriodSummary.objects.exclude(level=PeriodSummary.ALL).delete()
    PeriodSummary.objects.filter(level=PeriodSummary.ALL).update(data={"rows": 0})  # as written before 0005
    slow, slow_sql, slow_aggregates = _get(client, url, django_assert_max_num_queries)
    assert slow_aggregates
    assert len(fast_sql) <= len(slow_sql)
    assert _snapshot(fast) == _snapshot(slow)
    assert [r[0].value for r in fast.table("tren").rows] == [2025, 2026]


def test_coverage_counts_schools_as_their_own_unit_type(nodes, client):
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    dash = client.get(reverse("insights:node", args=[nodes["sumsel"].pk]) + "?periode=2026").context["dash"]
    coverage = {row[0].value: [c.value for c in row[1:]] for row in dash.table("cakupan").rows}
    assert coverage["Sekolah"] == [1, 1, 0]
    listing = client.get(
        dash.table("cakupan").rows[[r[0].value for r in dash.table("cakupan").rows].index("Sekolah")][2].href
    )
    assert [r[0].value for r in listing.context["table"].rows] == ["SMA Negeri 1"]


def test_viewers_who_see_less_and_leaves_read_the_rollup(nodes, client, django_assert_max_num_queries):
    # a leader of one satker sees only that leaf: its dashboard aggregates its own row
    client.force_login(factories.make_user_with_role(Role.LEADER, unit=nodes["lapas"], username="kalapas"))
    url = reverse("insights:node", args=[nodes["lapas"].pk]) + "?periode=2026"
    dash, _sql, aggregates = _get(client, url, django_assert_max_num_queries)
    assert aggregates and dash.summary["units"] == 1
    assert client.get(reverse("insights:node", args=[nodes["sumsel"].pk])).status_code == 404


def test_migrate_summarises_periods_written_before_node_summaries(nodes, client, django_assert_max_num_queries):
    PeriodSummary.objects.all().delete()  # an upgrade: the rollup is there, the summaries are not
    call_command("migrate", verbosity=0)
    assert PeriodSummary.objects.filter(level=PeriodSummary.NODE, path=nodes["sumsel"].path).count() == 2
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    for url in (reverse("insights:overview"), reverse("insights:node", args=[nodes["ditjen"].pk])):
        _dash, _sql, aggregates = _get(client, url + "?periode=2026", django_assert_max_num_queries)
        assert not aggregates
