"""Issue #16 item 5 in a browser: a unit team member types "1.000" and "2,5" into the LKE worksheet; one thousand
is stored and shown as "1.000", and "2,5" for a count of people is refused with the input's label."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from tests import factories
from tests.test_answer_services import build_world
from zi.assessments.models import Answer

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LHKPN = "A.II.5.iii.a"


def log_in(page, username: str) -> None:
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def type_in(page, form, label: str, text: str) -> None:
    """Type into one input and leave it (Tab): the form autosaves on change; wait for that save to answer, so
    saves never overlap (SQLite in the live server would refuse concurrent writes)."""
    form.get_by_label(label).fill(text)
    form.get_by_label(label).press("Tab")
    page.wait_for_load_state("networkidle")


def _stored(world):
    return Answer.objects.filter(assessment=world["assessment"], question__code=LHKPN, lane="self").first()


def test_worksheet_reads_indonesian_numbers_and_refuses_a_fractional_count(page, tree, screenshot):
    from playwright.sync_api import expect

    world = build_world(tree)
    log_in(page, "anggota")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    page.goto(reverse("assessments:worksheet", args=[world["assessment"].pk]) + "?bagian=5")
    form = page.locator("#f-q-A-II-5-iii-a")
    status = page.locator("#st-q-A-II-5-iii-a")
    type_in(page, form, "Jumlah yang harus melaporkan - Kepala satuan kerja", "1.000")
    type_in(page, form, "Jumlah yang harus melaporkan - Pejabat yang diwajibkan menyampaikan LHKPN", "0")
    type_in(page, form, "Jumlah yang harus melaporkan - Lainnya", "0")
    type_in(page, form, "Jumlah yang sudah melaporkan", "990")  # leaving the last input saves the whole form
    expect(status).to_contain_text("99,00%")  # 990 of one thousand, not 100 %
    expect(status).not_to_contain_text("harus")
    answer = _stored(world)
    assert answer.inputs["wajib_lhkpn_kepala_satker"] == 1000.0 and answer.value == 0.99

    page.reload()
    expect(form.get_by_label("Jumlah yang harus melaporkan - Kepala satuan kerja")).to_have_value("1.000")

    type_in(page, form, "Jumlah yang harus melaporkan - Pejabat yang diwajibkan menyampaikan LHKPN", "2,5")
    expect(status.get_by_role("alert")).to_contain_text(
        "“Jumlah yang harus melaporkan - Pejabat yang diwajibkan menyampaikan LHKPN” harus bilangan bulat"
    )
    screenshot("numbers-worksheet-refusal")
    assert _stored(world).inputs["wajib_lhkpn_pejabat"] == 0.0  # the refusal stored nothing
