"""Near-identical answer vectors from one network are flagged at submit time (same single query: the submit cost
test pins it), and an evaluator can re-scan stored responses with new thresholds — flag-only, nothing dropped."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.surveys import services
from zi.surveys.models import RespondentRollup, Response

pytestmark = pytest.mark.django_db


def _submit(campaign, values, tag, now, ip="net-a"):
    """Answer the campaign's 1–4 items with ``values`` in order (the SKM has nine)."""
    items = [i for i in services.campaign_items(campaign) if i.scale == "likert4"]
    sub = services.Submission(
        group="pengguna_layanan",
        answers={item.pk: values[n] for n, item in enumerate(items)},
        form_nonce=f"n-{tag}",
        device_hash=f"d-{tag}",
        ip_hash=ip,
    )
    return services.response_submit(campaign, sub, now=now).response


BASE = [4, 3, 4, 3, 2, 4, 3, 4, 3]


def _variant(position: int, value: int = 1) -> list[int]:
    vector = list(BASE)
    vector[position] = value
    return vector


@pytest.fixture
def near_settings(settings):
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 0
    settings.ZI_SURVEY_STRAIGHTLINE_FLAG_AT = 0
    settings.ZI_SURVEY_NEAR_FLAG_AT = 4
    settings.ZI_SURVEY_NEAR_MAX_DIFF = 1
    return settings


def test_vectors_differing_in_one_answer_from_one_network_are_flagged(make_campaign, near_settings):
    campaign = make_campaign(kinds=("skm",))
    start = timezone.now()
    first = [_submit(campaign, _variant(i), f"v{i}", start + dt.timedelta(minutes=i)) for i in range(3)]
    assert not Response.objects.filter(campaign=campaign, is_flagged=True).exists()  # 3 < 4
    elsewhere = _submit(campaign, _variant(5), "other-net", start, ip="net-b")  # same vector family, other network
    two_off = _submit(campaign, _variant(0, 1)[:1] + [1, 1] + BASE[3:], "two", start)  # differs in two answers
    fourth = _submit(campaign, BASE, "base", start + dt.timedelta(minutes=5))
    flagged = {r.pk: r.flags for r in Response.objects.filter(campaign=campaign, is_flagged=True)}
    assert set(flagged) == {*(r.pk for r in first), fourth.pk}
    assert flagged[fourth.pk]["near_identical_network"] == 4
    assert elsewhere.pk not in flagged and two_off.pk not in flagged
    assert RespondentRollup.objects.get(campaign=campaign).n == 6  # flagged, still counted


def test_rescan_with_new_thresholds_flags_stored_responses_and_drops_nothing(
    client, make_campaign, near_settings, tree
):
    near_settings.ZI_SURVEY_NEAR_FLAG_AT = 0  # off while the responses arrive
    campaign = make_campaign(kinds=("skm",))
    start = timezone.now() - dt.timedelta(hours=3)
    cluster = [_submit(campaign, _variant(0, v), f"c{v}", start + dt.timedelta(minutes=v)) for v in (1, 2, 3)]
    late = _submit(campaign, BASE, "late", start + dt.timedelta(hours=2))  # outside a 30-minute window
    honest = _submit(campaign, [1, 2, 3, 4, 1, 2, 3, 4, 1], "h", start, ip="net-h")
    Response.objects.filter(pk=honest.pk).update(flags={"ip_burst": 6}, is_flagged=True)
    assert Response.objects.filter(campaign=campaign, is_flagged=True).count() == 1
    url = reverse("surveys:campaign_rescan", args=[campaign.pk])
    data = {
        "window": 1800,
        "pattern_flag_at": 0,
        "straightline_flag_at": 0,
        "near_flag_at": 3,
        "near_max_diff": 1,
        "min_items": 6,
    }
    client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["lapas"]))
    assert client.post(url, data).status_code == 403  # the unit does not judge its own answers
    tpi = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=tree["lapas"].agency)
    client.force_login(tpi)
    assert "Pindai ulang" in client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    assert client.post(url, data).status_code == 302
    flags = {r.pk: r.flags for r in Response.objects.filter(campaign=campaign)}
    assert all(flags[r.pk].get("near_identical_network") == 3 for r in cluster)
    assert "near_identical_network" not in flags[late.pk] and flags[honest.pk] == {"ip_burst": 6}
    assert Response.objects.filter(campaign=campaign, excluded=True).count() == 0
    assert RespondentRollup.objects.get(campaign=campaign).n == 5
    event = AuditEvent.objects.get(action="rescan")
    assert event.extra["counts"] == {"near_identical_network": 3} and event.extra["thresholds"]["near_flag_at"] == 3
    # the command does the same; with a wide window the late one joins; nothing is removed
    out = io.StringIO()
    call_command("surveys", "rescan", str(campaign.pk), "--near-flag-at", "3", "--window", "86400", stdout=out)
    assert json.loads(out.getvalue())["newly_flagged"] == {"near_identical_network": 1}
    assert Response.objects.get(pk=late.pk).flags["near_identical_network"] == 4
    assert Response.objects.filter(campaign=campaign).count() == 5


def _busy_network(campaign, count: int, at, ip="net-a") -> None:
    """``count`` earlier responses from one network (an office NAT on a busy day): answers unlike ``BASE``."""
    Response.objects.bulk_create(
        Response(
            campaign=campaign,
            group="pengguna_layanan",
            submitted_at=at,
            quarter=services.quarter_of(at),
            form_nonce=f"busy-{at.timestamp()}-{n}",
            ip_hash=ip,
            answer_vector="1" * len(BASE),
            rolled_up=True,
        )
        for n in range(count)
    )


def test_the_submit_time_checks_read_a_bounded_number_of_rows_however_busy_the_network(
    make_campaign, near_settings, monkeypatch
):
    """Before: every response of the network within the window was read and compared in Python (3 ms, 46 ms on a
    busy network). Now the same statements and at most ``ZI_SURVEY_CLUSTER_LOOKBACK`` comparisons, and a
    cluster sent among the busy traffic is still flagged."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zi.surveys import integrity

    near_settings.ZI_SURVEY_PATTERN_FLAG_AT = 8  # the fingerprint look-up runs too
    near_settings.ZI_SURVEY_CLUSTER_LOOKBACK = 12
    near_settings.HUEY = {**near_settings.HUEY, "immediate": False}  # the rollups are a worker's (not counted)
    campaign = make_campaign(kinds=("skm",))
    services.campaign_items(campaign)  # cached per process: not part of either count
    compared: list[str] = []
    real = integrity.near_identical
    monkeypatch.setattr(integrity, "near_identical", lambda a, b, d: compared.append(a) or real(a, b, d))
    start = timezone.now() - dt.timedelta(minutes=20)

    def cost(tag: str, values: list[int], minutes: int) -> tuple[int, int]:
        compared.clear()
        with CaptureQueriesContext(connection) as ctx:
            _submit(campaign, values, tag, start + dt.timedelta(minutes=minutes))
        return len(ctx.captured_queries), len(compared)

    _busy_network(campaign, 3, start)
    quiet = cost("quiet", _variant(8, 1), 1)
    _busy_network(campaign, 200, start + dt.timedelta(minutes=2))
    busy = cost("busy", _variant(7, 1), 3)
    assert busy[0] == quiet[0]  # the same statements
    assert quiet[1] == 4 and busy[1] == 12  # every row of the quiet network, the look-back of the busy one
    for i in range(3):  # a cluster among the busy traffic: with "busy", 4 near-identical within the look-back
        cost(f"late{i}", BASE, 4 + i)
    flagged = Response.objects.filter(campaign=campaign, flags__has_key="near_identical_network")
    assert flagged.count() == 4 and max(r.flags["near_identical_network"] for r in flagged) == 4
