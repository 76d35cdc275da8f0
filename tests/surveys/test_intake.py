"""The public intake service (``services.public_submit``) on its own, without a request: what the view shows for
each case, the rate flags and counters, and the batched counters it uses."""

from __future__ import annotations

import time

import pytest

from tests.surveys.conftest import answers_for
from zi.surveys import integrity, services
from zi.surveys.models import Response

pytestmark = pytest.mark.django_db


def _posted(campaign, ip="10.0.0.7", device="dev-1", **fields):
    data = {"ts": integrity.make_stamp(campaign.pk, time.time() - 60), "kelompok": "pengguna_layanan"}
    data.update(answers_for(campaign))
    data.update(fields)
    return services.Posted(fields=data, ip=ip, device_token=device)


def test_outcomes_of_the_intake(make_campaign, settings):
    campaign = make_campaign()
    items = services.campaign_items(campaign)
    bot = services.public_submit(campaign, items, _posted(campaign, website="http://spam"))
    assert (bot.kind, bot.status) == ("notice", 400) and not Response.objects.exists()
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 3600
    fast = services.public_submit(campaign, items, _posted(campaign))
    assert (fast.kind, fast.status, fast.last_page) == ("form", 400, True)
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 0
    missing = services.public_submit(campaign, items, _posted(campaign, kelompok=""))
    assert (missing.kind, missing.status) == ("form", 400) and set(missing.errors) == {"kelompok"}
    stored = services.public_submit(campaign, items, _posted(campaign))
    assert (stored.kind, stored.status) == ("stored", 200)
    again = services.public_submit(campaign, items, _posted(campaign))  # the same device, another form
    assert (again.kind, again.status) == ("notice", 409)
    assert Response.objects.get().flags == {}


def test_rate_flags_and_the_flood_limit(make_campaign, settings):
    settings.ZI_SURVEY_IP_FLAG_AT = 1
    settings.ZI_SURVEY_IP_REJECT_AT = 3
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 0
    settings.ZI_SURVEY_NEAR_FLAG_AT = 0
    settings.ZI_SURVEY_STRAIGHTLINE_FLAG_AT = 0
    campaign = make_campaign()
    items = services.campaign_items(campaign)
    outcomes = [services.public_submit(campaign, items, _posted(campaign, device=f"d{n}")) for n in range(4)]
    assert [o.status for o in outcomes] == [200, 200, 200, 429]
    flags = [r.flags for r in Response.objects.order_by("pk")]
    assert flags[0] == {} and flags[1]["ip_burst"] == 2 and flags[2]["ip_burst"] == 3
    no_cookie = services.public_submit(campaign, items, _posted(campaign, ip="10.0.0.8", device=None))
    assert no_cookie.status == 200 and Response.objects.order_by("pk").last().flags["no_device_cookie"] is True


def test_batched_counters_count_as_the_single_ones():
    limits = integrity.ip_limits()
    counters = [integrity.Counter("ip", 1, "a", limits), integrity.Counter("device", 1, "b", limits)]
    assert integrity.peek_many(counters) == [0, 0]
    integrity.hit_many(counters)
    integrity.hit("ip", 1, "a", limits)
    assert integrity.peek_many(counters) == [2, 1] == [integrity.peek("ip", 1, "a", limits), 1]
    assert integrity.peek_many([]) == []
