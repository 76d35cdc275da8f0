"""The public form and kiosk over HTTP: anonymous, no JavaScript, one response per device, bot traps, flags."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from tests.surveys.conftest import answers_for, stamp_from
from zi.surveys import integrity, services
from zi.surveys.models import ItemRollup, OneTimeCode, RespondentRollup, Response, ResponseItem

pytestmark = pytest.mark.django_db


def _get(client, campaign, kiosk=False):
    url = reverse("surveys:kiosk" if kiosk else "surveys:public", args=[campaign.token])
    page = client.get(url)
    assert page.status_code == 200
    return url, page


def _post(client, campaign, kiosk=False, value=4, extra=None, stamp=None, **headers):
    url, page = _get(client, campaign, kiosk)
    data = {
        "ts": stamp or stamp_from(page.content.decode()),
        "kelompok": "pengguna_layanan",
        **answers_for(campaign, value),
    }
    data.update(extra or {})
    return client.post(url, data, **headers)


def test_form_is_small_accessible_and_script_free(client, make_campaign):
    campaign = make_campaign(kinds=("skm", "ipak"))
    url, page = _get(client, campaign)
    html = page.content.decode()
    assert "<script" not in html and "pico" not in html and "htmx" not in html
    assert len(page.content) < 40_000
    assert html.count("<legend>") == html.count("<fieldset") >= 1 + 5
    assert 'type="radio"' in html and 'lang="id"' in html and '<label class="opt"' in html
    assert integrity.DEVICE_COOKIE in page.cookies
    assert "Bagian 1 dari 3" in html and "Lanjut" in html  # IPAK in two parts, SKM in one (surveys/test_paging.py)


def test_valid_submission_is_stored_with_rollups(client, make_campaign):
    campaign = make_campaign(kinds=("skm",))
    response = _post(client, campaign, value=3)
    assert response.status_code == 200 and "Terima kasih" in response.content.decode()
    stored = Response.objects.get(campaign=campaign)
    assert stored.group == "pengguna_layanan" and not stored.excluded
    assert stored.ip_hash and "127.0.0.1" not in stored.ip_hash and len(stored.ip_hash) == 64
    assert ResponseItem.objects.filter(response=stored).count() == 9
    assert sorted(ItemRollup.objects.filter(campaign=campaign).values_list("n", "s", "ss").distinct()) == [(1, 3, 9)]
    assert RespondentRollup.objects.get(campaign=campaign).n == 1


def test_second_response_from_same_device_is_rejected_clearly(client, make_campaign):
    campaign = make_campaign()
    assert _post(client, campaign).status_code == 200
    again = _post(client, campaign)
    assert again.status_code == 409
    assert "sudah mengirim jawaban" in again.content.decode()
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_same_form_posted_twice_makes_one_response(client, make_campaign):
    campaign = make_campaign(kiosk_enabled=True)
    url, page = _get(client, campaign, kiosk=True)
    data = {"ts": stamp_from(page.content.decode()), "kelompok": "pengunjung", **answers_for(campaign)}
    assert client.post(url, data).status_code == 200
    assert client.post(url, data).status_code == 200  # double click / retried request
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_forged_and_foreign_stamps_are_rejected(client, make_campaign):
    campaign = make_campaign()
    other = make_campaign()
    forged = integrity.make_stamp(campaign.pk)[:-3] + "abc"
    response = _post(client, campaign, stamp=forged)
    assert response.status_code == 400 and "Formulir tidak sah" in response.content.decode()
    response = _post(client, campaign, stamp=integrity.make_stamp(other.pk))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_expired_stamp(client, make_campaign, settings):
    settings.ZI_SURVEY_STAMP_MAX_AGE = 60
    campaign = make_campaign()
    response = _post(client, campaign, stamp=integrity.make_stamp(campaign.pk, now=time.time() - 3600))
    assert response.status_code == 400 and "kedaluwarsa" in response.content.decode()


def test_too_fast_submission_is_refused_but_answers_are_kept(client, make_campaign, settings):
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 5
    campaign = make_campaign()
    response = _post(client, campaign, value=2)
    html = response.content.decode()
    assert response.status_code == 400 and "terlalu cepat" in html
    # the respondent does not lose what was filled in: on the page shown, or carried for the other pages
    assert html.count("checked") + len(re.findall(r'type="hidden" name="q\d+" value="2"', html)) >= 9
    slow = _post(client, campaign, stamp=integrity.make_stamp(campaign.pk, now=time.time() - 30))
    assert slow.status_code == 200


def test_honeypot(client, make_campaign):
    campaign = make_campaign()
    response = _post(client, campaign, extra={"website": "http://spam.example"})
    assert response.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.parametrize("bad", ["5", "0", "-1", "abc", "4.5"])
def test_out_of_range_answers(client, make_campaign, bad):
    campaign = make_campaign()
    first = services.campaign_items(campaign)[0]
    response = _post(client, campaign, extra={f"q{first.pk}": bad})
    assert response.status_code == 400 and "di luar pilihan" in response.content.decode()
    assert not Response.objects.exists()


def test_missing_required_answer_and_group(client, make_campaign):
    campaign = make_campaign()
    first = services.campaign_items(campaign)[0]
    response = _post(client, campaign, extra={f"q{first.pk}": "", "kelompok": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Wajib dijawab" in html and "Pilih kelompok responden" in html
    response = _post(client, campaign, extra={"kelompok": "pns"})  # group not enabled on this campaign
    assert response.status_code == 400


def test_optional_yes_no_item_may_stay_blank(client, make_campaign):
    campaign = make_campaign(kinds=("ipak",))
    yesno = [i for i in services.campaign_items(campaign) if i.scale == "yesno"][0]
    assert _post(client, campaign, extra={f"q{yesno.pk}": ""}).status_code == 200
    assert ResponseItem.objects.count() == 10


def test_service_type_required_when_configured(client, make_campaign):
    campaign = make_campaign(service_types=["Kunjungan", "Titipan barang"])
    assert _post(client, campaign).status_code == 400
    assert _post(client, campaign, extra={"layanan": "Kunjungan"}).status_code == 200
    assert Response.objects.get().service_type == "Kunjungan"


def test_closed_campaign(client, make_campaign):
    import datetime as dt

    from django.utils import timezone

    campaign = make_campaign(
        opens_at=timezone.now() - dt.timedelta(days=10), closes_at=timezone.now() - dt.timedelta(days=1)
    )
    url = reverse("surveys:public", args=[campaign.token])
    assert client.get(url).status_code == 410


def test_kiosk_allows_many_respondents_but_flags_bursts(client, make_campaign, settings):
    settings.ZI_SURVEY_DEVICE_FLAG_AT = 3
    settings.ZI_SURVEY_IP_FLAG_AT = 1000
    settings.ZI_SURVEY_STRAIGHTLINE_FLAG_AT = 0  # identical straight-lined answers: tested in test_stuffing.py
    settings.ZI_SURVEY_PATTERN_FLAG_AT = 0
    settings.ZI_SURVEY_NEAR_FLAG_AT = 0
    campaign = make_campaign(kiosk_enabled=True)
    for _ in range(5):
        response = _post(client, campaign, kiosk=True)
        assert response.status_code == 200
        assert 'http-equiv="refresh"' in response.content.decode()  # resets for the next respondent
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    assert len(responses) == 5 and all(r.channel == "kiosk" for r in responses)
    assert [r.is_flagged for r in responses] == [False, False, False, True, True]
    assert responses[-1].flags["device_burst"] == 5
    assert client.get(reverse("surveys:kiosk", args=[make_campaign().token])).status_code == 404  # not enabled


def test_ip_flood_is_flagged_then_hard_floods_rejected(make_campaign, settings, client_factory=None):
    from django.test import Client

    settings.ZI_SURVEY_IP_FLAG_AT = 2
    settings.ZI_SURVEY_IP_REJECT_AT = 4
    campaign = make_campaign()
    statuses = []
    for _ in range(5):  # five different devices (fresh cookie jars) behind one address
        statuses.append(_post(Client(), campaign).status_code)
    assert statuses == [200, 200, 200, 200, 429]
    flags = [r.flags.get("ip_burst") for r in Response.objects.filter(campaign=campaign).order_by("pk")]
    assert flags == [None, None, 3, 4]
    rejected = _post(Client(), campaign)
    assert "Terlalu banyak" in rejected.content.decode()


def test_unit_network_is_flagged(client, make_campaign):
    campaign = make_campaign(unit_networks="10.20.0.0/16\n192.168.1.0/24")
    assert _post(client, campaign, REMOTE_ADDR="10.20.3.4").status_code == 200
    assert Response.objects.get().flags.get("unit_network") is True


def test_no_cookie_is_flagged_not_dropped(make_campaign):
    from django.test import Client

    campaign = make_campaign()
    client = Client()
    url, page = _get(client, campaign)
    client.cookies.clear()
    data = {"ts": stamp_from(page.content.decode()), "kelompok": "pengunjung", **answers_for(campaign)}
    assert client.post(url, data).status_code == 200
    assert Response.objects.get().flags.get("no_device_cookie") is True


def test_one_time_codes(client, make_campaign):
    from django.test import Client

    campaign = make_campaign(require_code=True)
    codes = services.codes_generate(actor=None, campaign=campaign, count=3)
    assert OneTimeCode.objects.filter(campaign=campaign).count() == 3
    assert not OneTimeCode.objects.filter(code_hash__in=codes).exists()  # stored hashed
    assert _post(Client(), campaign).status_code == 400  # no code
    unknown = _post(Client(), campaign, extra={"kode": "ZZZZZZZZ"})
    assert unknown.status_code == 400 and "tidak dikenal" in unknown.content.decode()
    assert _post(Client(), campaign, extra={"kode": codes[0].lower()}).status_code == 200
    reused = _post(Client(), campaign, extra={"kode": codes[0]})
    assert reused.status_code == 400 and "sudah dipakai" in reused.content.decode()
    assert Response.objects.count() == 1


def test_no_accepted_response_is_lost(make_campaign, settings):
    """Every 200 'Terima kasih' has its row, its answers and its rollup increments; rebuilding from raw rows
    gives the same rollups."""
    from django.test import Client

    settings.ZI_SURVEY_IP_FLAG_AT = 3
    campaign = make_campaign(kinds=("skm", "ipkp"))
    accepted = 0
    for i in range(25):
        response = _post(
            Client(), campaign, value=1 + i % 4, extra={"kelompok": ["pengguna_layanan", "pengunjung", "wbp"][i % 3]}
        )
        accepted += response.status_code == 200 and "Terima kasih" in response.content.decode()
    assert accepted == 25 == Response.objects.filter(campaign=campaign).count()
    assert ResponseItem.objects.filter(response__campaign=campaign).count() == 25 * 18
    before = sorted(
        ItemRollup.objects.filter(campaign=campaign).values_list("item_id", "group", "quarter", "n", "s", "ss")
    )
    resp_before = sorted(
        (r[0], r[1], r[2], r[3], round(r[4], 9), round(r[5], 9))
        for r in RespondentRollup.objects.filter(campaign=campaign).values_list(
            "instrument_id", "group", "quarter", "n", "s", "ss"
        )
    )
    services.rollups_rebuild(campaign)
    after = sorted(
        ItemRollup.objects.filter(campaign=campaign).values_list("item_id", "group", "quarter", "n", "s", "ss")
    )
    resp_after = sorted(
        (r[0], r[1], r[2], r[3], round(r[4], 9), round(r[5], 9))
        for r in RespondentRollup.objects.filter(campaign=campaign).values_list(
            "instrument_id", "group", "quarter", "n", "s", "ss"
        )
    )
    assert before == after and resp_before == resp_after
