"""The building work in a browser: a unit team member records an activity with attendance and a complaint and
finds it on the list; a member of the public files a complaint and tracks it with the code they were given."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from tests import factories
from zi.assessments.models import Period
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.organisations.models import Role
from zi.programme.models import Activity, Complaint

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(tree):
    templates_load_all()
    today = timezone.localdate()
    Period.objects.create(
        year=today.year,
        name=f"Evaluasi ZI {today.year}",
        template=LkeTemplate.objects.get(code="permenpanrb-90-2021"),
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 12, 31),
        is_open=True,
    )
    lapas = tree["lapas"]
    member = factories.make_user_with_role(
        Role.UNIT_TEAM_MEMBER, unit=lapas, unit_id=lapas.pk, username="rina", full_name="Rina Anggraini"
    )
    staff = [factories.UserFactory(full_name=name, unit=lapas) for name in ("Andi Pratama", "Budi Santoso", "Citra")]
    return {"lapas": lapas, "member": member, "staff": staff, "today": today}


def log_in(page, username: str) -> None:
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_team_member_records_activity_and_complaint(page, world, screenshot):
    from playwright.sync_api import expect

    log_in(page, "rina")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Program").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pembangunan Zona Integritas")

    page.get_by_role("button", name="Catat kegiatan").click()
    page.locator("#id_kind").select_option("sosialisasi")
    page.locator("#id_title").fill("Sosialisasi Zona Integritas")
    page.locator("#id_held_on").fill(world["today"].isoformat())
    page.locator("#id_place").fill("Aula")
    page.get_by_label("Andi Pratama").check()
    page.get_by_label("Budi Santoso").check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sosialisasi Zona Integritas")
    expect(page.locator("main")).to_contain_text("2 pegawai hadir")
    screenshot("programme-activity")
    activity = Activity.objects.get()
    assert sorted(activity.attendance.values_list("person__full_name", flat=True)) == ["Andi Pratama", "Budi Santoso"]

    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Pembangunan ZI").click()
    expect(page.locator("#kegiatan")).to_contain_text("Sosialisasi Zona Integritas")
    page.get_by_role("button", name="Catat pengaduan dari loket/telepon/SP4N-LAPOR!").click()
    page.locator("#id_channel").select_option("phone")
    page.locator("#id_category").select_option("pelayanan")
    page.locator("#id_subject").fill("Antrean kunjungan terlalu lama")
    page.locator("#id_description").fill("Menunggu dua jam di ruang kunjungan.")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("main")).to_contain_text("Kode lacak untuk pengadu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean kunjungan terlalu lama")

    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Pembangunan ZI").click()
    rows = page.locator("#complaint-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Antrean kunjungan terlalu lama")
    expect(rows.first).to_contain_text("Diterima")
    screenshot("programme-overview")
    assert Complaint.objects.get().channel == "phone"


def test_public_files_a_complaint_and_tracks_it(page, world, screenshot):
    from playwright.sync_api import expect

    page.goto(f"/program/pengaduan/{world['lapas'].pk}/baru/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sampaikan pengaduan")
    page.locator("#id_category").select_option("petugas")
    page.locator("#id_subject").fill("Petugas loket tidak ramah")
    page.locator("#id_description").fill("Di loket 2 pagi tadi.")
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Terima kasih")
    code = page.locator("main code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    screenshot("programme-public-sent")

    page.get_by_role("link", name="Lacak status penanganan").click()
    page.get_by_label("Kode lacak").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Lacak").click()
    expect(page.get_by_role("alert")).to_contain_text("Kode tidak ditemukan")

    page.get_by_label("Kode lacak").fill(code.lower())
    page.get_by_role("button", name="Lacak").click()
    result = page.locator("main article")
    expect(result).to_contain_text("Lapas Kelas I Palembang")
    expect(result).to_contain_text("Petugas loket tidak ramah")
    expect(result).to_contain_text("Diterima")
    expect(page.get_by_label("Kode lacak")).to_have_value("")  # the code is never echoed back
    screenshot("programme-public-track")
    assert Complaint.objects.get().channel == "web"
