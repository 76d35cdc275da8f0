"""A unit's public page (``insights:public_unit``, no login): its predicate history, its public-service indices,
the surveys anyone may answer now and its complaint form; only public facts, and the transparency page links to it.

The data is cached per unit, the page is rendered per request (a visitor never sees another visitor's header)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories, worlds
from zi.insights.models import UnitPeriodRollup
from zi.organisations.models import Role
from zi.organisations.services import unit_update
from zi.predicates import services as predicate_services
from zi.surveys import services as survey_services
from zi.surveys.models import Instrument
from zi.workflow.models import Predicate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(tree):
    worlds.lke_template()
    survey_services.instruments_load_all()
    period = worlds.year_period(2026, audited=True)
    lapas = tree["lapas"]
    old = predicate_services.award_record(
        actor="test",
        unit=lapas,
        predicate=Predicate.WBK,
        year=2021,
        decree_number="KEP-LAMA/2021",
        decree_date=dt.date(2021, 12, 10),
    )
    predicate_services.award_revoke(actor="test", award=old, revoked_on=dt.date(2022, 2, 3), reason="Pungli terbukti")
    predicate_services.award_record(
        actor="test",
        unit=lapas,
        predicate=Predicate.WBK,
        year=2025,
        decree_number="KEP-BARU/2025",
        decree_date=dt.date(2025, 12, 1),
    )
    now = timezone.now()
    skm = Instrument.objects.get(kind="skm")
    internal = Instrument.objects.get(kind="internal")

    def campaign(title, instruments, **fields):
        fields.setdefault("opens_at", now - dt.timedelta(days=1))
        fields.setdefault("closes_at", now + dt.timedelta(days=30))
        return survey_services.campaign_create(
            actor=None,
            unit=lapas,
            period=period,
            instruments=instruments,
            title=title,
            respondent_groups=["pengguna_layanan"],
            **fields,
        )

    campaigns = {
        "open": campaign("Survei Kepuasan Kunjungan", [skm]),
        "internal": campaign("Survei Internal Pegawai", [internal]),
        "coded": campaign("Survei Dengan Kode", [skm], require_code=True),
        "later": campaign(
            "Survei Bulan Depan", [skm], opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=9)
        ),
        "closed": campaign("Survei Yang Ditutup", [skm]),
    }
    survey_services.campaign_close(actor=None, campaign=campaigns["closed"], reason="selesai")
    rollup = UnitPeriodRollup.objects.create(
        unit=lapas,
        period=period,
        path=lapas.path,
        agency=lapas.agency,
        unit_type=lapas.unit_type,
        ikm=88.5,
        ipkp=3.41,
        ipak=3.2,
        respondents=123,
        complaints=7,
        total=71.25,
        refreshed_at=now,
    )
    return {"tree": tree, "lapas": lapas, "campaigns": campaigns, "rollup": rollup}


def _url(unit) -> str:
    return reverse("insights:public_unit", args=[unit.pk])


def test_anyone_sees_a_units_predicate_history_indices_surveys_and_complaint_form(client, world):
    lapas = world["lapas"]
    response = client.get(_url(lapas))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lapas Kelas I Palembang" in html and "<strong>WBK 2025</strong>" in html
    history = html.split('id="riwayat"')[1].split("</section>")[0]
    assert history.index(">2025<") < history.index(">2021<") and "dicabut 03-02-2022" in history  # newest first
    assert "dipegang" in history
    for private in ("Pungli terbukti", "KEP-"):  # neither the revocation's reason nor decree numbers are shown
        assert private not in html, private
    assert "88,5" in html and "3,41" in html and "123" in html  # Indonesian decimals
    assert "71,25" not in html  # the self-assessment score is not public
    assert reverse("programme:complaint_public", args=[lapas.pk]) in html
    assert reverse("surveys:public", args=[world["campaigns"]["open"].token]) in html
    for hidden in ("internal", "coded", "later", "closed"):
        campaign = world["campaigns"][hidden]
        assert campaign.token not in html and campaign.title not in html, hidden


def test_a_unit_without_predicate_or_surveys_says_so(client, world):
    html = client.get(_url(world["tree"]["rutan"])).content.decode()
    assert "Unit ini belum memegang predikat Zona Integritas." in html
    assert "Tidak ada survei yang sedang dibuka untuk masyarakat." in html
    assert "Belum ada data." in html


def test_unknown_and_closed_units_are_404(client, world):
    rutan = world["tree"]["rutan"]
    unit_update(actor=None, unit=rutan, is_active=False)
    assert client.get(_url(rutan)).status_code == 404
    assert client.get(reverse("insights:public_unit", args=[999_999])).status_code == 404


def test_english_with_the_language_cookie(client, world):
    client.cookies["django_language"] = "en"
    html = client.get(_url(world["lapas"])).content.decode()
    assert "Predicate history" in html and "Submit a complaint" in html and "Riwayat predikat" not in html


def test_the_data_is_cached_but_not_the_page(world):
    """A signed-in visitor's menu is never served to the next visitor; the facts stay cached until they expire."""
    leader = factories.make_user_with_role(Role.LEADER, unit=world["tree"]["sumsel"], full_name="Kepala Kanwil Rahasia")
    signed_in = Client()
    signed_in.force_login(leader)
    assert "Kepala Kanwil Rahasia" in signed_in.get(_url(world["lapas"])).content.decode()
    world["rollup"].delete()
    anonymous = Client().get(_url(world["lapas"])).content.decode()
    assert "Kepala Kanwil Rahasia" not in anonymous
    assert "88,5" in anonymous  # the cached data, not a fresh query
    cache.clear()
    assert "88,5" not in Client().get(_url(world["lapas"])).content.decode()


def test_the_transparency_page_links_to_each_listed_units_page(client, world):
    html = client.get(reverse("insights:public")).content.decode()
    assert f'href="{_url(world["lapas"])}"' in html
