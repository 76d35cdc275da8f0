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
