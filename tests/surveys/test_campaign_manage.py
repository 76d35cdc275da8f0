"""Editing and closing a campaign (audited, unit team only), the closed public form, and the public form in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.surveys.conftest import answers_for, stamp_from
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.surveys import instrument_strings, instrument_strings_gen, services
from zi.surveys.models import Campaign, Response

pytestmark = pytest.mark.django_db


def _edit_data(campaign, instruments, **over):
    data = {
        "title": "Survei Layanan Kunjungan (revisi)",
        "instruments": [i.pk for i in instruments],
        "opens_at": timezone.localtime(campaign.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": timezone.localtime(campaign.closes_at + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "respondent_groups": ["pengguna_layanan", "pengunjung"],
        "service_types": "Kunjungan\nTitipan barang",
        "population_size": "500",
        "unit_networks": "10.20.0.0/16",
    }
    data.update(over)
    return data


def test_team_edits_campaign_audited(client, make_campaign, tree, instruments):
    campaign = make_campaign(kinds=("skm",))
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    url = reverse("surveys:campaign_edit", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200 and campaign.title in page.content.decode()
    reply = client.post(url, _edit_data(campaign, [instruments["skm"], instruments["ipak"]]))
    assert reply.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title.endswith("(revisi)") and campaign.population_size == 500
    assert campaign.service_types == ["Kunjungan", "Titipan barang"] and campaign.unit_networks == "10.20.0.0/16"
    assert set(campaign.instruments.values_list("kind", flat=True)) == {"skm", "ipak"}
    event = AuditEvent.objects.filter(action="update", object_type="surveys.campaign").latest("seq")
    assert event.before["title"] == "Survei Layanan Kunjungan 2026" and event.after["title"].endswith("(revisi)")
    # bad CIDR and closing before opening are refused with messages
    bad = client.post(url, _edit_data(campaign, [instruments["skm"]], unit_networks="10.0.0.300/8"))
    assert bad.status_code == 200 and "CIDR tidak valid" in bad.content.decode()
    early = _edit_data(campaign, [instruments["skm"]])
    early["closes_at"] = "2020-01-01T08:00"
    assert "Waktu tutup harus setelah waktu buka" in client.post(url, early).content.decode()


def test_instruments_are_locked_once_answered(make_campaign, instruments):
    campaign = make_campaign(kinds=("skm",))
    items = services.campaign_items(campaign)
    services.response_submit(
        campaign,
        services.Submission(
            group="pengguna_layanan", answers={i.pk: 4 for i in items}, form_nonce="a", device_hash="d"
        ),
    )
    with pytest.raises(services.SurveyError) as refused:
        services.campaign_update(actor=None, campaign=campaign, instruments=[instruments["ipak"]])
    assert refused.value.code == "has_responses"
    services.campaign_update(actor=None, campaign=campaign, title="Judul baru")  # other fields still change
    assert Campaign.objects.get(pk=campaign.pk).title == "Judul baru"


def test_edit_and_close_permissions(client, make_campaign, tree):
    campaign = make_campaign()
    edit, close = (reverse(f"surveys:{n}", args=[campaign.pk]) for n in ("campaign_edit", "campaign_close"))
    assert client.get(edit).status_code == 302  # anonymous → login
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    client.force_login(reviewer)
    assert client.get(edit).status_code == 403 and client.post(close).status_code == 403
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(outsider)
    assert client.get(edit).status_code == 404 and client.post(close).status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).closed_at is None


def test_closed_campaign_says_so_and_accepts_nothing(client, make_campaign, tree):
    campaign = make_campaign()
    url = reverse("surveys:public", args=[campaign.token])
    page = client.get(url)  # a respondent opened the form before the campaign was closed
    data = {"ts": stamp_from(page.content.decode()), "kelompok": "pengguna_layanan", **answers_for(campaign)}
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    staff = client.__class__()
    staff.force_login(member)
    close = reverse("surveys:campaign_close", args=[campaign.pk])
    reply = staff.post(close, {"reason": "Target sampel tercapai", "confirm": "1"})
    assert reply.status_code == 302
    campaign.refresh_from_db()
    assert campaign.closed_at is not None and campaign.closed_reason == "Target sampel tercapai"
    assert AuditEvent.objects.filter(action="close", object_type="surveys.campaign").count() == 1
    closed = client.post(url, data)
    assert closed.status_code == 410 and "sudah ditutup" in closed.content.decode()
    assert 'name="ts"' not in closed.content.decode()
    assert client.get(url).status_code == 410
    assert not Response.objects.filter(campaign=campaign).exists()
    assert "Ditutup" in staff.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    again = staff.post(reverse("surveys:campaign_close", args=[campaign.pk]), follow=True)
    assert "sudah ditutup" in again.content.decode()


def test_closing_asks_for_confirmation_first(client, make_campaign, tree):
    """Closing is irreversible: the detail page's button leads to a confirmation page (GET, no JavaScript needed);
    a POST without the confirmation field closes nothing."""
    campaign = make_campaign()
    client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"]))
    close = reverse("surveys:campaign_close", args=[campaign.pk])
    detail = client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    assert f'<form method="get" action="{close}"' in detail
    page = client.get(close, {"reason": "Sampel cukup"})
    html = page.content.decode()
    assert page.status_code == 200 and 'name="confirm" value="1"' in html and 'value="Sampel cukup"' in html
    stray = client.post(close, {"reason": "Sampel cukup"})
    assert stray.status_code == 302 and stray["Location"].startswith(close)
    campaign.refresh_from_db()
    assert campaign.closed_at is None
    assert not AuditEvent.objects.filter(action="close", object_type="surveys.campaign").exists()
    client.post(close, {"reason": "Sampel cukup", "confirm": "1"})
    campaign.refresh_from_db()
    assert campaign.closed_at is not None and campaign.closed_reason == "Sampel cukup"
    assert client.get(close).status_code == 302  # closed: back to the campaign page


def test_not_yet_open_campaign_says_when(client, make_campaign):
    campaign = make_campaign(
        opens_at=timezone.now() + dt.timedelta(days=2), closes_at=timezone.now() + dt.timedelta(days=9)
    )
    page = client.get(reverse("surveys:public", args=[campaign.token]))
    assert page.status_code == 403 and "belum dibuka" in page.content.decode()


def test_public_form_offers_the_language_switch(client, make_campaign):
    campaign = make_campaign(kinds=("skm",))
    url = reverse("surveys:public", args=[campaign.token])
    html = client.get(url).content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html and 'lang="id"' in html
    switched = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    english = client.get(url).content.decode()
    assert '<html lang="en">' in english and 'name="language" value="id"' in english
    assert "<script" not in english  # still script-free


def test_instrument_wording_is_in_the_catalog_source():
    assert set(instrument_strings.STRINGS) == set(instrument_strings_gen.strings()), (
        "run: python -m zi.surveys.instrument_strings_gen > zi/surveys/instrument_strings.py"
    )


def test_survey_links_use_the_configured_address(client, make_campaign, tree, settings):
    settings.ZI_SITE_URL = "https://zi.example.go.id"
    campaign = make_campaign()
    client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"]))
    page = client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    assert f"https://zi.example.go.id{reverse('surveys:public', args=[campaign.token])}" in page
