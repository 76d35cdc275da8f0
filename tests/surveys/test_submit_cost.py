"""The submit path costs a constant, small number of SQL statements, whatever the campaign's size.

Before this work a submit with three instruments issued 17 statements (two duplicate reads, pre-checks, and
2 + 2 × instruments rollup statements on hot rows inside the submit transaction). Now the submit inserts the
response and its answers and does at most two indexed COUNTs; the rollups are folded in set-based afterwards.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.surveys.conftest import answers_for, stamp_from
from zi.surveys import services
from zi.surveys.models import Response

pytestmark = pytest.mark.django_db

# Through the view, with a worker (rollups deferred): campaign, one stuffing COUNT query, response
# INSERT, answers INSERT, plus the transaction's SAVEPOINT/RELEASE (BEGIN/COMMIT outside tests).
SUBMIT_BOUND = 6
# Without a worker (immediate mode) the same request also folds the pending response into the rollups:
# lock pending ids, two GROUP BY aggregates, two upserts, one UPDATE, and that transaction's two statements, plus
# one read of the batch's campaigns (unit, period) to tell the dashboards which rollup rows to refresh.
INLINE_BOUND = SUBMIT_BOUND + 9


def _no_clusters(settings):
    """The same test client answers several times: keep the stuffing flags out of the happy-path count (a cluster
    reaching its threshold adds one UPDATE per earlier member, once: at most threshold − 1)."""
    settings.ZI_SURVEY_IP_FLAG_AT = 10_000
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 10_000
    settings.ZI_SURVEY_NEAR_FLAG_AT = 10_000
    settings.ZI_SURVEY_STRAIGHTLINE_FLAG_AT = 10_000


def _post_counted(client, campaign, value=3):
    url = reverse("surveys:public", args=[campaign.token])
    client.cookies.clear()
    page = client.get(url)
    data = {"ts": stamp_from(page.content.decode()), "kelompok": "pengguna_layanan", **answers_for(campaign, value)}
    with CaptureQueriesContext(connection) as ctx:
        reply = client.post(url, data)
    assert reply.status_code == 200, reply.content.decode()[:500]
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kinds", [("skm",), ("skm", "ipak", "ipkp")])
def test_submit_statement_count_is_constant_with_a_worker(client, make_campaign, settings, kinds):
    settings.HUEY = {**settings.HUEY, "immediate": False}
    _no_clusters(settings)
    campaign = make_campaign(kinds=kinds)
    counts = [_post_counted(client, campaign, value=1 + n % 4) for n in range(6)]
    assert max(counts) <= SUBMIT_BOUND, counts
    assert Response.objects.filter(campaign=campaign, rolled_up=False).count() == 6  # pending, not lost
    assert services.campaign_results(campaign).overall[0].index.respondents == 6  # folded in on read


@pytest.mark.parametrize("kinds", [("skm",), ("skm", "ipak", "ipkp")])
def test_submit_statement_count_is_constant_inline(client, make_campaign, settings, kinds):
    _no_clusters(settings)
    campaign = make_campaign(kinds=kinds)
    counts = [_post_counted(client, campaign, value=1 + n % 4) for n in range(6)]
    assert max(counts) <= INLINE_BOUND, counts
    assert not Response.objects.filter(campaign=campaign, rolled_up=False).exists()
