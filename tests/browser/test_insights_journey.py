"""A leader (pimpinan) opens the dashboard, follows a number to the list behind it and downloads it as CSV; the
public transparency page works without login and shows only awarded predicates."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.test_login_journey import log_in
from zi.assessments import services as assessment_services
from zi.insights.services import rollup_refresh
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.organisations.models import Role
from zi.predicates import services as predicate_services
from zi.workflow.models import Predicate, State

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def insights_world(tree):
    templates_load_all()
    period = assessment_services.period_create(
        actor=None,
        year=2026,
        name="Periode 2026",
        template=LkeTemplate.objects.order_by("pk").first(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    lapas = factories.make_assessment(unit=tree["lapas"], period=period, state=State.AWARDED)
    factories.make_assessment(unit=tree["rutan"], period=period)
    factories.make_assessment(unit=tree["rutan_tpi"], period=period)
    # test data: the journeys' transitions are covered in tests/workflow
    factories.set_journey(lapas, target_predicate=Predicate.WBK, awarded_predicate=Predicate.WBK)
    predicate_services.award_record(  # the decree the awarded journey recorded, in the predicate register
        actor="test",
        unit=tree["lapas"],
        predicate=Predicate.WBK,
        year=period.year,
        decree_number=f"KEP-1/M.PAN-RB/{period.year}",
        decree_date=min(timezone.localdate(), period.ends_on),
    )
    rollup_refresh(period=period)
    factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="pimpinan", full_name="Kepala Kanwil")
    return tree


def test_leader_follows_a_number_to_its_list_and_downloads_csv(page, insights_world, screenshot):
    from playwright.sync_api import expect

    log_in(page, "pimpinan")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Wawasan").click()
    # one visible node: the overview goes straight to the leader's Kanwil
    expect(page).to_have_url(re.compile(rf"/wawasan/unit/{insights_world['sumsel'].pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kanwil Sumatera Selatan")
    summary = page.get_by_role("region", name="Ringkasan")
    building = summary.locator("a[href*='f=building']").first
    expect(building).to_have_text("2")
    expect(page.locator("main")).not_to_contain_text("Rutan Kelas I Tanjungpinang")  # another Kanwil
    screenshot("insights-dashboard")

    building.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daftar unit")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Lapas Kelas I Palembang")
    expect(rows.nth(1)).to_contain_text("Rutan Kelas IIB Prabumulih")
    screenshot("insights-unit-list")

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115 - small file, read once
    lines = [line for line in text.splitlines() if line.strip()]
    assert any("Lapas Kelas I Palembang" in line for line in lines)
    assert any("Rutan Kelas IIB Prabumulih" in line for line in lines)
    assert "Tanjungpinang" not in text


def test_public_transparency_page_without_login(page, insights_world, screenshot):
    from playwright.sync_api import expect

    page.goto("/akun/masuk/")
    page.get_by_role("link", name="Predikat dan indeks layanan publik").click()
    expect(page).to_have_url(re.compile(r"/wawasan/publik/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Transparansi Zona Integritas")
    predicates = page.locator("#predikat tbody tr")
    expect(predicates).to_have_count(1)
    expect(predicates.first).to_contain_text("Lapas Kelas I Palembang")
    expect(predicates.first).to_contain_text("WBK")
    expect(page.locator("#predikat")).not_to_contain_text("Rutan")
    page.get_by_label("Cari unit atau instansi").fill("Tanjungpinang")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(r"q=Tanjungpinang"))
    expect(page.locator("#predikat")).to_contain_text("Belum ada predikat.")
    screenshot("insights-public")
    page.get_by_label("Cari unit atau instansi").fill("")
    page.get_by_role("button", name="Tampilkan").click()
    page.locator("#predikat").get_by_role("link", name="Lapas Kelas I Palembang").click()  # the unit's public page
    expect(page.get_by_role("heading", level=1)).to_have_text("Lapas Kelas I Palembang")
    expect(page.locator("#riwayat")).to_contain_text("WBK")
    page.get_by_role("button", name="Sampaikan pengaduan").click()  # a link styled as a button
    expect(page).to_have_url(re.compile(rf"/program/pengaduan/{insights_world['lapas'].pk}/baru/$"))
