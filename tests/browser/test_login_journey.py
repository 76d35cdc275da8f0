"""A team member logs in, sees their role and only their own unit; the language switch turns the UI English."""

from __future__ import annotations

import os
import re

import pytest

from tests import factories
from zi.organisations.models import Role

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(tree):
    return factories.make_user_with_role(
        Role.UNIT_TEAM_MEMBER, unit=tree["lapas"], username="siti", full_name="Siti Rahmawati"
    )


def log_in(page, username: str, password: str = factories.DEFAULT_PASSWORD) -> None:
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_team_member_logs_in_and_sees_only_own_unit(page, tree, member, screenshot):
    from playwright.sync_api import expect

    log_in(page, "siti", "Salah-Sandi-2026!")
    expect(page.get_by_role("alert")).to_contain_text("Nama pengguna atau kata sandi salah.")

    log_in(page, "siti")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang, Siti Rahmawati")
    expect(page.locator("main")).to_contain_text("Anggota tim kerja ZI")
    expect(page.get_by_role("link", name="Jejak audit")).to_have_count(0)
    screenshot("home-id")

    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Unit kerja").click()
    expect(page).to_have_url(re.compile(r"/unit/$"))
    rows = page.locator("#unit-rows ul.unit-tree > li")  # the tree's top level: the person's own unit only
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Lapas Kelas I Palembang")
    for other in ("Rutan Kelas IIB Prabumulih", "Kanwil Sumatera Selatan", "Rutan Kelas I Tanjungpinang"):
        expect(page.locator("main")).not_to_contain_text(other)
    screenshot("unit-list-id")

    page.get_by_role("link", name="Lapas Kelas I Palembang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lapas Kelas I Palembang")
    expect(page.locator("main")).to_contain_text("LAPAS-PLG")

    # another unit's page is not there for this person
    response = page.goto(f"/unit/{tree['rutan_tpi'].pk}/")
    assert response.status == 404


def test_language_switch_to_english(page, member, screenshot):
    from playwright.sync_api import expect

    log_in(page, "siti")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")

    page.locator("#lang-select").select_option("en")  # app.js submits the form on change
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Siti Rahmawati")
    expect(page.locator("main")).to_contain_text("Your roles")
    expect(page.locator("main")).to_contain_text("ZI work team member")
    expect(page.get_by_role("link", name="Work units")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot("home-en")

    page.goto("/unit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Work units")

    page.locator("#lang-select").select_option("id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unit kerja")
