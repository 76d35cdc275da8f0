"""A respondent opens a campaign's public form in a real browser, answers and submits (the CSRF token and the
signed form stamp work end to end), sees the thank-you page; a second submission from the same browser is refused
with a clear message. The form also offers the language switch."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from zi.assessments.models import Period
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.surveys import services
from zi.surveys.models import Instrument, Response

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(tree, settings):
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 0
    cache.clear()
    templates_load_all()
    services.instruments_load_all()
    period = Period.objects.create(
        year=2026,
        name="Evaluasi ZI 2026",
        template=LkeTemplate.objects.get(code="permenpanrb-90-2021"),
        starts_on="2026-01-01",
        ends_on="2026-12-31",
    )
    now = timezone.now()
    return services.campaign_create(
        actor=None,
        unit=tree["lapas"],
        period=period,
        instruments=[Instrument.objects.get(kind="skm")],
        title="Survei Kepuasan Layanan Kunjungan",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        respondent_groups=["pengguna_layanan", "pengunjung"],
    )


def fill_and_send(page, campaign) -> None:
    page.goto(f"/survei/s/{campaign.token}/")
    page.get_by_label("Pengguna layanan").check()
    questions = page.locator("fieldset").filter(has=page.locator("input[name^='q']"))
    assert questions.count() == 9
    for index in range(questions.count()):
        questions.nth(index).get_by_role("radio").nth(3).check()  # the best answer (4)
    page.get_by_role("button", name="Kirim jawaban").click()


def test_respondent_submits_once_and_is_refused_the_second_time(page, campaign, screenshot):
    from playwright.sync_api import expect

    page.goto(f"/survei/s/{campaign.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Survei Kepuasan Layanan Kunjungan")
    expect(page.locator("input[name=csrfmiddlewaretoken]")).to_have_count(2)  # answer form + language switch
    screenshot("survey-form")

    fill_and_send(page, campaign)
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
    expect(page.get_by_role("status")).to_contain_text("Jawaban Anda sudah kami terima")
    screenshot("survey-thanks")
    stored = Response.objects.get(campaign=campaign)
    assert stored.items.count() == 9 and set(stored.items.values_list("value", flat=True)) == {4}

    fill_and_send(page, campaign)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anda sudah mengisi survei ini")
    expect(page.get_by_role("status")).to_contain_text("Perangkat ini sudah mengirim jawaban untuk survei ini")
    screenshot("survey-already-answered")
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_public_form_switches_language_without_javascript(browser, live_server, campaign):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"/survei/s/{campaign.token}/")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        page.get_by_role("button", name="English").click()
        expect(page).to_have_url(re.compile(rf"/survei/s/{campaign.token}/$"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()
    finally:
        context.close()


def test_agency_admin_builds_an_internal_survey_adding_rows_in_place(page, tree, screenshot):
    """The agency admin writes an internal survey in the browser: "Tambah baris pertanyaan" adds rows in place
    (htmx swaps only the question rows: the title typed above and the questions typed so far stay), then saves
    five questions and sees them on the instrument page."""
    from playwright.sync_api import expect

    from tests import factories
    from zi.organisations.models import Role

    services.instruments_load_all()
    factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["lapas"].agency, username="admin-instansi")
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill("admin-instansi")
    page.get_by_label("Kata sandi").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto("/survei/instrumen/")
    page.get_by_role("button", name="Buat survei internal").click()
    page.locator("#id_code").fill("budaya-kerja")
    page.locator("#id_version").fill("1")
    page.locator("#id_title").fill("Persepsi pegawai tentang budaya kerja")

    def question(n: int, text: str) -> None:
        page.locator(f"#id_butir-{n}-code").fill(f"P{n + 1}")
        page.locator(f"#id_butir-{n}-aspect").fill("budaya kerja")
        page.locator(f"#id_butir-{n}-text").fill(text)

    for n in range(3):
        question(n, f"Pernyataan budaya kerja nomor {n + 1}")
    expect(page.locator("fieldset.survey-item")).to_have_count(3)
    page.get_by_role("button", name="Tambah baris pertanyaan").click()
    expect(page.locator("fieldset.survey-item")).to_have_count(6)
    assert page.locator("#id_title").input_value() == "Persepsi pegawai tentang budaya kerja"  # not swapped
    assert page.locator("#id_butir-2-text").input_value() == "Pernyataan budaya kerja nomor 3"
    assert "/survei/instrumen/baru/" in page.url  # no page load: the rows were swapped in place
    question(3, "Pimpinan memberi contoh integritas")
    question(4, "Saya tahu cara melaporkan pungli")
    screenshot("instrument-internal-new")
    page.get_by_role("button", name="Simpan versi").click()
    expect(page.get_by_role("heading", name="Persepsi pegawai tentang budaya kerja")).to_be_visible()
    custom = Instrument.objects.get(code="budaya-kerja")
    assert list(custom.items.values_list("text", flat=True))[3:] == [
        "Pimpinan memberi contoh integritas",
        "Saya tahu cara melaporkan pungli",
    ]
    expect(page.get_by_text("Saya tahu cara melaporkan pungli")).to_be_visible()
