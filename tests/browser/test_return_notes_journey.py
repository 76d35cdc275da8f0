"""Return with reasons per question, in a real browser (issue #17): the reviewer flags two questions on the lane
page and a third on the return form and returns the LKE; the team leader sees the reason on the worksheet and a
note on each flagged question, marks two of them fixed (one with a reply), sees on the pre-submit page that one is
still open and resubmits; the reviewer sees what changed since the last review — the unit's changed answer, flagged
"jawaban unit berubah" beside the reviewer's untouched value, and the one note still open — and keeps the value.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.fixtures import SCREENSHOT_DIR
from tests.browser.test_login_journey import log_in
from tests.workflow.conftest import fill_lane, go, journey_at, make_world
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Lane
from zi.assessments.selectors import section_for
from zi.workflow.models import ReturnNote, State

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _anchor(code: str) -> str:
    return "q-" + code.replace(".", "-")


def _switch(page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def test_reviewer_returns_with_notes_unit_fixes_reviewer_sees_what_changed(page, tree, agency):
    from playwright.sync_api import expect

    jw = make_world(tree, agency)
    questions = jw["spec"].questions
    choice_codes = [c for c in sorted(questions, key=lambda c: questions[c].order) if questions[c].options]
    first, second, third = choice_codes[:3]
    keys = [o.key for o in questions[first].options]
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    assessment_services.answer_save(actor=jw["member"], assessment=jw["assessment"], question_code=first, raw=keys[0])
    journey = go(jw, journey, State.SELF_SUBMITTED, "leader")
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    journey_url = f"/alur/{journey.pk}/"
    lane_url = f"/alur/{journey.pk}/jalur/review/"
    messages = page.locator(".messages")

    # 1. the reviewer flags two questions while scoring, a third on the return form, and returns the LKE
    log_in(page, "reviewer")
    for code, note in ((first, "Jawaban tidak sesuai SK"), (second, "Unggah SK tim yang ditandatangani")):
        page.goto(f"{lane_url}#{_anchor(code)}")
        article = page.locator(f"#{_anchor(code)}")
        article.locator("details.handoff-flag summary").click()
        article.locator(f"#flag-{_anchor(code)}").fill(note)
        article.get_by_role("button", name="Simpan tanda").click()
        expect(messages).to_contain_text(f"{code} ditandai untuk diperbaiki")
    page.goto(journey_url)
    form = page.locator("form:has(button[data-to='returned'])")
    expect(form).to_contain_text("Unggah SK tim yang ditandatangani")  # the flags made on the lane page
    form.locator("textarea[name=note]").fill("Lengkapi data dukung area manajemen perubahan")
    form.locator("textarea[name=flags]").fill(f"{third} | Notulen rapat belum ada")
    form.locator("button[type=submit]").click()
    expect(page.locator("#journey-state")).to_have_text("Dikembalikan untuk perbaikan")

    # 2. the team leader sees the reason and each note, fixes two and marks them, resubmits with one still open
    _switch(page, "ketua")
    worksheet = f"/penilaian/{jw['assessment'].pk}/"
    page.goto(f"{worksheet}?bagian={section_for(first)}")
    banner = page.locator("#return-banner")
    expect(banner).to_contain_text("Lengkapi data dukung area manajemen perubahan")
    expect(banner).to_contain_text("3 pertanyaan ditandai untuk diperbaiki, 3 belum ditandai sudah diperbaiki")
    banner.screenshot(path=str(SCREENSHOT_DIR / "return-banner.png"))
    marker = page.locator(f"#{_anchor(first)} .return-note")
    expect(marker).to_contain_text("Jawaban tidak sesuai SK")
    assessment_services.answer_save(actor=jw["member"], assessment=jw["assessment"], question_code=first, raw=keys[1])
    for code, reply in ((first, "Jawaban disesuaikan dengan SK"), (second, "")):
        page.goto(f"{worksheet}?bagian={section_for(code)}#{_anchor(code)}")
        marker = page.locator(f"#{_anchor(code)} .return-note")
        marker.locator("textarea[name=reply]").fill(reply)
        marker.get_by_role("button", name="Tandai sudah diperbaiki").click()
        expect(messages).to_contain_text(f"Catatan {code} ditandai sudah diperbaiki")
        expect(page.locator(f"#{_anchor(code)} .return-note")).to_contain_text("sudah diperbaiki")
    page.locator(f"#{_anchor(first)} .return-note").screenshot(path=str(SCREENSHOT_DIR / "return-marker.png"))
    page.goto(f"{worksheet}kirim/")
    expect(page.locator("#return-banner")).to_contain_text("1 belum ditandai sudah diperbaiki")
    page.locator("main form button[type=submit]").click()
    expect(messages).to_contain_text("Penilaian telah dikirim")

    # 3. the reviewer sees exactly what changed and which note is open; the reviewer's value was not overwritten
    _switch(page, "reviewer")
    page.goto(journey_url)
    page.locator("form:has(button[data-to='in_review']) button[type=submit]").click()
    page.goto(lane_url)
    summary = page.locator("#perubahan")
    expect(summary).to_contain_text("Perubahan sejak reviu terakhir")
    expect(summary).to_contain_text("1 pertanyaan berubah · 3 catatan pengembalian, 1 belum ditandai diperbaiki")
    expect(summary.locator(".handoff-links li")).to_have_count(3)
    expect(summary.locator("li", has_text=third)).to_contain_text("catatan belum diperbaiki")
    summary.screenshot(path=str(SCREENSHOT_DIR / "return-summary.png"))
    summary.get_by_role("link", name=first, exact=True).click()
    article = page.locator(f"#{_anchor(first)}")
    expect(article.locator(".handoff")).to_contain_text("jawaban unit berubah")
    expect(article.locator(".handoff")).to_contain_text(f"{keys[0]} → {keys[1]}")
    expect(article.locator(".handoff")).to_contain_text("Jawaban disesuaikan dengan SK")
    article.locator(".handoff").screenshot(path=str(SCREENSHOT_DIR / "return-question.png"))
    review = Answer.objects.get(assessment=jw["assessment"], lane=Lane.REVIEW, question__code=first)
    assert review.choice == keys[0]
    article.get_by_role("button", name="Tetap (nilai saya tidak berubah)").click()
    expect(messages).to_contain_text(f"Nilai {first} ditetapkan")
    expect(page.locator(f"#{_anchor(first)} .handoff")).not_to_contain_text("jawaban unit berubah")
    assert ReturnNote.objects.filter(addressed_at__isnull=True).count() == 1
