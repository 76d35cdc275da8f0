"""An agency admin in the browser (issue #22): adds a unit below a Kanwil, moves it to another Kanwil by searching
for the new parent, and gives a person a role there through the person picker (htmx narrows the results while
typing)."""

from __future__ import annotations

import os
import re

import pytest

from tests import factories
from zi.organisations.models import Role, RoleAssignment, Unit

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_adds_moves_and_staffs_a_unit(page, tree, screenshot):
    from playwright.sync_api import expect

    factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["lapas"].agency, username="admin-pohon")
    factories.UserFactory(username="siti.a", full_name="Siti Aminah", unit=tree["rutan_tpi"])
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill("admin-pohon")
    page.get_by_label("Kata sandi").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.goto(f"/unit/{tree['sumsel'].pk}/")
    page.get_by_role("button", name="Tambah unit di bawahnya").click()
    page.get_by_label("Kode").fill("BAPAS-PLG")
    page.get_by_label("Nama", exact=True).fill("Bapas Kelas I Palembang")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bapas Kelas I Palembang")
    unit = Unit.objects.get(code="BAPAS-PLG")
    assert unit.parent_id == tree["sumsel"].pk

    page.get_by_role("button", name="Pindahkan").click()
    page.get_by_label("Cari unit induk baru (nama atau kode)").fill("kanwil-kepri")
    choice = page.get_by_role("radio", name=re.compile("^Kanwil Kepulauan Riau"))
    expect(choice).to_be_visible()  # htmx replaced the results while typing
    expect(page.locator("#parent-choices input[type=radio]")).to_have_count(2)  # it, and "the top of the agency"
    screenshot("unit-move-search")
    choice.check()
    page.get_by_role("button", name="Pindahkan").click()
    expect(page.get_by_role("status")).to_contain_text("dipindahkan")
    expect(page.get_by_role("navigation", name="breadcrumb")).to_contain_text("Kanwil Kepulauan Riau")
    unit.refresh_from_db()
    assert unit.parent_id == tree["kepri"].pk and unit.path.startswith(tree["kepri"].path)

    page.get_by_label("Cari orang (nama, nama pengguna atau NIP)").fill("Aminah")
    person = page.get_by_label("Siti Aminah")
    expect(person).to_be_visible()
    person.check()
    page.get_by_role("combobox", name="Peran").select_option(Role.UNIT_TEAM_LEADER)
    screenshot("unit-role-picker")
    page.get_by_role("button", name="Berikan peran").click()
    expect(page.get_by_role("status")).to_contain_text("Peran diberikan.")
    assert RoleAssignment.objects.filter(user__username="siti.a", unit=unit, role=Role.UNIT_TEAM_LEADER).exists()
