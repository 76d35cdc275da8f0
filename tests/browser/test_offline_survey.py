"""Offline survey device (issue #23) in a real browser: the page a device's QR code opens installs its service
worker; with the browser offline three responses are kept in IndexedDB, the page reloads from the worker's cache
and still works, the queue is exported as a file; back online it syncs: exactly three stored. Sending the exported
batch again stores nothing more. After the device is revoked a sync is refused with a message and the new answers
stay on the device.

``ZI_DOCS_IMAGES=1`` also writes the screenshots used by docs/surveys.md to docs/images/."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.browser.fixtures import SCREENSHOT_DIR
from zi.assessments.models import Period
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.surveys import devices, services
from zi.surveys.models import DeviceResponse, Instrument, Response

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
PHONE = {"width": 412, "height": 860}


@pytest.fixture
def device(tree, settings):
    settings.ZI_SURVEY_OFFLINE_HOURS = "00-24"
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
    campaign = services.campaign_create(
        actor=None,
        unit=tree["lapas"],
        period=period,
        instruments=[Instrument.objects.get(kind="skm")],
        title="Survei Kepuasan Layanan Kunjungan",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        respondent_groups=["pengunjung"],
    )
    point = services.service_point_create(actor=None, campaign=campaign, name="Ruang kunjungan")
    return devices.device_register(actor=None, campaign=campaign, name="Tablet kios 1", service_point=point)


def _shot(page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("ZI_DOCS_IMAGES") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_IMAGES / f"{name}.png")


def _fill(page, choice: int) -> None:
    questions = page.locator("fieldset[data-name^='q']")
    assert questions.count() == 9
    for index in range(questions.count()):
        questions.nth(index).get_by_role("radio").nth((choice + index) % 4).check()
    page.get_by_role("button", name="Simpan jawaban").click()


def test_offline_device_keeps_answers_and_syncs_them_exactly_once(browser, live_server, device):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        url = f"/survei/l/{device.token}/"
        page.goto(url)
        page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
        page.wait_for_function("(url) => caches.match(url).then((r) => !!r)", arg=url)
        context.set_offline(True)
        expect(page.locator("#net-status")).to_contain_text("Tanpa jaringan")
        for n in range(3):
            _fill(page, n)
            expect(page.locator("#queue-count")).to_have_text(str(n + 1))
            expect(page.locator("#saved")).to_be_visible()
        assert Response.objects.count() == 0
        page.reload()  # offline: the service worker serves the cached form
        expect(page.get_by_role("heading", name="Survei Kepuasan Layanan Kunjungan")).to_be_visible()
        expect(page.locator("#queue-count")).to_have_text("3")
        expect(page.locator("fieldset[data-name^='q']")).to_have_count(9)
        assert page.evaluate("() => navigator.serviceWorker.controller !== null && !navigator.onLine")
        _shot(page, "survei-luring-antrean")
        with page.expect_download() as download:
            page.get_by_role("button", name="Ekspor").click()
        exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert len(exported["responses"]) == 3 and exported["device"] == "Tablet kios 1"

        context.set_offline(False)  # back online, the page sends the queue by itself
        expect(page.locator("#queue-count")).to_have_text("0")
        expect(page.locator("#sync-message")).to_contain_text("Terkirim")
        page.get_by_role("button", name="Kirim sekarang").click()  # asked again: nothing is left to send
        expect(page.locator("#sync-message")).to_contain_text("Tidak ada jawaban yang menunggu")
        assert Response.objects.filter(campaign=device.device.campaign).count() == 3
        assert set(DeviceResponse.objects.values_list("client_id", flat=True)) == {
            uuid.UUID(r["id"]) for r in exported["responses"]
        }
        _shot(page, "survei-luring-terkirim")

        # the exported file sent again (a repeated sync): every response acknowledged as duplicate, nothing stored
        batch = {"sent_at": timezone.now().isoformat(), "responses": exported["responses"]}
        again = page.request.post(
            "/survei/luring/kirim/",
            data=json.dumps(batch),
            headers={"Authorization": f"Bearer {device.token}", "Content-Type": "application/json"},
        )
        assert again.ok and [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
        assert Response.objects.count() == 3

        # revoked: the sync is refused with a message and new answers stay on the device
        devices.device_revoke(actor=None, device=device.device, reason="tablet hilang")
        for n in range(3):
            _fill(page, n)
            expect(page.locator("#queue-count")).to_have_text(str(n + 1))
        expect(page.locator("#sync-message")).to_contain_text("dicabut")
        page.get_by_role("button", name="Kirim sekarang").click()
        expect(page.locator("#sync-message")).to_contain_text("dicabut")
        page.reload()  # the server refuses the page (403); the worker shows the cached one with the queue
        expect(page.locator("#queue-count")).to_have_text("3")
        _shot(page, "survei-luring-dicabut")
        assert Response.objects.count() == 3
    finally:
        context.close()


def test_team_registers_a_kiosk_and_scans_its_qr_code(browser, live_server, device):
    """The unit team registers a device from the campaign page and gets its QR code once; the link opens the
    device page."""
    from playwright.sync_api import expect

    from tests import factories
    from zi.organisations.models import Role

    campaign = device.device.campaign
    factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=campaign.unit, username="tim-zi-lapas")
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    try:
        page.goto("/akun/masuk/")
        page.get_by_label("Nama pengguna").fill("tim-zi-lapas")
        page.get_by_label("Kata sandi").fill(factories.DEFAULT_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.goto(f"/survei/{campaign.pk}/")
        page.get_by_role("button", name="Perangkat luring").click()
        page.get_by_label("Nama perangkat").fill("Tablet ruang kunjungan 2")
        page.get_by_label("Titik layanan").select_option(label="Ruang kunjungan")
        page.get_by_role("button", name="Daftarkan dan tampilkan kode QR").click()
        expect(page.locator("#registered svg")).to_be_visible()
        expect(page.get_by_role("cell", name="Tablet ruang kunjungan 2")).to_be_visible()
        _shot(page, "survei-luring-daftar")
        path = "/survei/l/" + page.locator("#app-url").inner_text().split("/survei/l/")[1]
        page.goto(path)
        expect(page.get_by_role("button", name="Simpan jawaban")).to_be_visible()
    finally:
        context.close()
