"""The yearly journey in a real browser with three logins on the unit side, the Kanwil reviewer and the TPI:
the unit head submits the LKE from the worksheet, the reviewer notes a question and returns it, the team leader
reads the note and resubmits, the reviewer forwards, the TPI evaluator scores in the TPI lane and concludes;
the LHE PDF opens and every step is in the audit trail."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_login_journey import log_in
from tests.workflow.conftest import fill_lane, journey_at, make_world, team
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.workflow import services
from zi.workflow.models import Journey, State

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _decide(page, to_state: str, note: str = "") -> None:
    form = page.locator(f"form:has(button[data-to='{to_state}'])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()


def _switch(page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def test_unit_reviewer_tpi_through_the_year(page, tree, agency, screenshot):
    from playwright.sync_api import expect

    jw = make_world(tree, agency)
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    url = f"/alur/{journey.pk}/"
    state = page.locator("#journey-state")
    code = jw["codes"]["abc"]

    # 1. the unit head finds the journey through the nav and submits the LKE from the worksheet
    log_in(page, "kepala")
    page.get_by_role("link", name="Alur ZI", exact=True).click()
    page.get_by_role("link", name=jw["lapas"].name).click()
    expect(state).to_have_text("Pembangunan")
    page.get_by_role("link", name="Lembar kerja LKE (mandiri)").click()
    page.get_by_role("button", name="Kirim penilaian").click()
    page.locator("main form button[type=submit]").click()
    page.goto(url)
    expect(state).to_have_text("Penilaian mandiri dikirim")

    # 2. the Kanwil reviewer starts the review, notes one question in the review lane and returns the LKE
    _switch(page, "reviewer")
    page.goto(url)
    _decide(page, State.IN_REVIEW)
    expect(state).to_have_text("Sedang direviu")
    page.get_by_role("link", name="Isi jalur reviu").click()
    form = page.locator(f"form[action$='/jawab/{code}/']")
    form.locator("textarea[name=note]").fill("Lengkapi SK tim kerja ZI")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(f"Jawaban {code} tersimpan")
    page.goto(url)
    _decide(page, State.RETURNED, note="Perbaiki data dukung area manajemen perubahan")
    expect(state).to_have_text("Dikembalikan untuk perbaikan")

    # 3. the unit team leader reads the note and sends the LKE again
    _switch(page, "ketua")
    page.goto(url)
    expect(page.get_by_role("heading", name="Catatan untuk perbaikan")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Lengkapi SK tim kerja ZI")
    _decide(page, State.SELF_SUBMITTED)
    expect(state).to_have_text("Penilaian mandiri dikirim")

    # 4. the reviewer forwards to TPI
    _switch(page, "reviewer")
    page.goto(url)
    _decide(page, State.IN_REVIEW)
    _decide(page, State.REVIEWED)
    expect(state).to_have_text("Direviu, diteruskan ke TPI")

    # 5. the TPI evaluator (team leader) takes the unit from the queue, scores and concludes
    _switch(page, "tpi1")
    page.goto("/alur/evaluator/")
    page.get_by_role("link", name=jw["lapas"].name).click()
    _decide(page, State.TPI_EVALUATION)
    expect(state).to_have_text("Evaluasi TPI")
    page.get_by_role("link", name="Isi jalur TPI").click()
    form = page.locator(f"form[action$='/jawab/{code}/']")
    form.locator("textarea[name=note]").fill("SK tim sudah lengkap")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(f"Jawaban {code} tersimpan")
    page.goto(url)
    _decide(page, State.TPI_MEETS, note="LHE: memenuhi syarat WBK")
    expect(state).to_have_text("TPI: memenuhi")
    screenshot("workflow-tpi-meets")

    # the LHE PDF opens with the TPI's note
    lhe = page.request.get(f"/alur/{journey.pk}/lhe.pdf")
    assert lhe.status == 200 and lhe.headers["content-type"] == "application/pdf"
    assert lhe.body().startswith(b"%PDF-") and b"SK tim sudah lengkap" in lhe.body()

    # every step is in the audit trail, by the person who took it, and the chain holds
    assert Journey.objects.get(pk=journey.pk).state == State.TPI_MEETS
    steps = list(
        AuditEvent.objects.filter(action="transition", object_id=str(journey.pk))
        .order_by("seq")
        .values_list("actor_label", "extra__to")
    )
    assert steps[1:] == [
        ("kepala", State.SELF_SUBMITTED),
        ("reviewer", State.IN_REVIEW),
        ("reviewer", State.RETURNED),
        ("ketua", State.SELF_SUBMITTED),
        ("reviewer", State.IN_REVIEW),
        ("reviewer", State.REVIEWED),
        ("tpi1", State.TPI_EVALUATION),
        ("tpi1", State.TPI_MEETS),
    ]
    assert verify().ok
