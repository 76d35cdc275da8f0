"""Statistical stuffing: identical answer vectors and straight-lining from one network are flagged (never dropped),
shown with reasons, excludable with a recorded reason, and indices are shown with and without them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.surveys import services
from zi.surveys.models import ItemRollup, RespondentRollup, Response

pytestmark = pytest.mark.django_db


def _vector(campaign, pattern):
    """Answers for every item: 1–4 items cycle through ``pattern``; yes/no items answer 0."""
    items = services.campaign_items(campaign)
    likert = [i for i in items if i.scale == "likert4"]
    answers = {item.pk: pattern[n % len(pattern)] for n, item in enumerate(likert)}
    answers.update({i.pk: 0 for i in items if i.scale != "likert4"})
    return answers


def _submit(campaign, pattern, tag, now, ip="ip-a"):
    sub = services.Submission(
        group="pengguna_layanan",
        answers=_vector(campaign, pattern),
        form_nonce=f"n-{tag}",
        device_hash=f"d-{tag}",
        ip_hash=ip,
    )
    return services.response_submit(campaign, sub, now=now).response


def _rollup_snapshot(campaign):
    items = sorted(ItemRollup.objects.filter(campaign=campaign).values_list("item_id", "group", "quarter", "n", "s"))
    resp = sorted(
        (i, g, q, n, round(s, 9), round(ss, 9))
        for i, g, q, n, s, ss in RespondentRollup.objects.filter(campaign=campaign).values_list(
            "instrument_id", "group", "quarter", "n", "s", "ss"
        )
    )
    return items, resp


def test_identical_answer_vectors_in_a_window_are_all_flagged(make_campaign, settings):
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 4
    campaign = make_campaign(kinds=("skm", "ipak"))
    start = timezone.now()
    honest = [_submit(campaign, [4, 3, 2, 3], f"h{i}", start, ip=f"ip-{i}") for i in range(3)]
    assert not any(Response.objects.get(pk=r.pk).is_flagged for r in honest)  # 3 < 4: nothing yet
    fourth = _submit(campaign, [4, 3, 2, 3], "h3", start + dt.timedelta(minutes=5), ip="ip-9")
    cluster = Response.objects.filter(pk__in=[r.pk for r in [*honest, fourth]])
    assert all(r.is_flagged and r.flags["pattern_cluster"] >= 3 for r in cluster)
    assert Response.objects.get(pk=fourth.pk).flags["pattern_cluster"] == 4
    other = _submit(campaign, [4, 4, 3, 3], "x", start, ip="ip-x")  # a different vector is not part of it
    assert not Response.objects.get(pk=other.pk).is_flagged
    # nothing dropped: all five are counted
    assert RespondentRollup.objects.filter(campaign=campaign, instrument__kind="skm").get().n == 5


def test_same_vector_outside_the_window_is_not_a_cluster(make_campaign, settings):
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 3
    settings.ZI_SURVEY_PATTERN_WINDOW = 600
    campaign = make_campaign(kinds=("skm",))
    start = timezone.now() - dt.timedelta(hours=5)
    for i in range(4):
        _submit(campaign, [4, 3, 2, 1], f"t{i}", start + dt.timedelta(minutes=15 * i), ip=f"ip-{i}")
    assert not Response.objects.filter(campaign=campaign, is_flagged=True).exists()


def test_short_vectors_are_not_compared(make_campaign, settings):
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 2
    settings.ZI_SURVEY_PATTERN_MIN_ITEMS = 20  # SKM has 9 items
    campaign = make_campaign(kinds=("skm",))
    now = timezone.now()
    for i in range(3):
        _submit(campaign, [4, 3, 2, 1], f"s{i}", now, ip=f"ip-{i}")
    assert not Response.objects.filter(campaign=campaign, is_flagged=True).exists()
    assert set(Response.objects.filter(campaign=campaign).values_list("pattern_hash", flat=True)) == {""}


def test_straight_lining_from_one_network_is_flagged_not_from_many(make_campaign, settings):
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 0
    settings.ZI_SURVEY_NEAR_FLAG_AT = 0
    settings.ZI_SURVEY_STRAIGHTLINE_FLAG_AT = 3
    campaign = make_campaign(kinds=("skm",))
    now = timezone.now()
    spread = [_submit(campaign, [4], f"o{i}", now, ip=f"home-{i}") for i in range(4)]
    same = [_submit(campaign, [4], f"s{i}", now, ip="office") for i in range(3)]
    varied = _submit(campaign, [4, 3], "v", now, ip="office")
    flagged = set(Response.objects.filter(campaign=campaign, is_flagged=True).values_list("pk", flat=True))
    assert flagged == {r.pk for r in same}
    assert Response.objects.get(pk=same[-1].pk).flags == {"straightline_network": 3}
    assert not {r.pk for r in spread} & flagged and varied.pk not in flagged


def test_page_shows_reasons_and_indices_with_and_without_flagged(client, make_campaign, tree, settings):
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 3
    campaign = make_campaign(kinds=("ipak",))
    now = timezone.now()
    for i in range(5):
        _submit(campaign, [1], f"bot{i}", now, ip=f"ip-b{i}")  # identical all-1 vectors: a cluster
    for i, pattern in enumerate(([4, 3], [3, 4], [4, 4, 3])):
        _submit(campaign, pattern, f"p{i}", now, ip=f"ip-p{i}")
    results = services.campaign_results(campaign)
    assert results.flagged == 5 and results.flagged_counted == 5
    with_flagged, without = results.overall[0].index, results.without_flagged[0].index
    assert with_flagged.respondents == 8 and without.respondents == 3
    assert float(without.value) > float(with_flagged.value)
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    client.force_login(reviewer)
    html = client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Pola jawaban identik dengan banyak respons lain" in html
    assert 'id="comparison"' in html and "Tanpa yang ditandai" in html
    assert str(without.value).replace(".", ",") in html or str(without.value) in html


def test_evaluator_excludes_a_cluster_with_a_reason_audited(client, make_campaign, tree, settings):
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 3
    campaign = make_campaign(kinds=("skm", "ipak"))
    now = timezone.now()
    bots = [_submit(campaign, [2, 1], f"bot{i}", now, ip=f"ip-b{i}") for i in range(4)]
    for i, pattern in enumerate(([4, 3], [3, 4])):
        _submit(campaign, pattern, f"p{i}", now, ip=f"ip-p{i}")
    url = reverse("surveys:flagged_exclude", args=[campaign.pk])
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    assert client.post(url, {"flag": "pattern_cluster", "reason": "Pola identik"}).status_code == 403
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    client.force_login(reviewer)
    assert client.post(url, {"flag": "pattern_cluster", "reason": "x"}).status_code == 302  # too short: refused
    assert not Response.objects.filter(campaign=campaign, excluded=True).exists()
    events = AuditEvent.objects.count()
    reply = client.post(url, {"flag": "pattern_cluster", "reason": "Pola identik 4 kiriman dalam 1 menit"})
    assert reply.status_code == 302
    excluded = Response.objects.filter(campaign=campaign, excluded=True)
    assert set(excluded.values_list("pk", flat=True)) == {b.pk for b in bots}
    assert all(r.exclusion_reason.startswith("Pola identik") and r.excluded_by == reviewer for r in excluded)
    assert AuditEvent.objects.count() == events + 4
    assert Response.objects.filter(campaign=campaign).count() == 6  # kept, never deleted
    incremental = _rollup_snapshot(campaign)
    services.rollups_rebuild(campaign)
    assert _rollup_snapshot(campaign) == incremental  # set-based decrement == recomputation
    assert RespondentRollup.objects.filter(campaign=campaign, instrument__kind="skm").get().n == 2
