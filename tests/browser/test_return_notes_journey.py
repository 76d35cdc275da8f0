"""The hand-off between roles, in a real browser (issue #17): the reviewer flags two questions on the lane page and a
third on the return form and returns the LKE; the team leader sees the reason on the home page (the inbox) and on
the worksheet with a note on each flagged question, changes one answer in the worksheet, marks two notes fixed (one
with a reply), confirms the carried-over answers of an area in bulk on the pre-submit page, sees that one note is
still open and resubmits; the reviewer sees exactly what changed since the last review — the unit's changed answer,
flagged "jawaban unit berubah" beside the reviewer's untouched value, and the one note still open —, keeps the
value and forwards the LKE to TPI; the TPI team leader's home page lists the unit.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.fixtures import SCREENSHOT_DIR
from tests.browser.test_login_journey import log_in
from tests.workflow.conftest import fill_lane, go, journey_at, make_world, team
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Lane
from zi.assessments.selectors import section_for
from zi.workflow import carryover, services
from zi.workflow.models import CarriedQuestion, ReturnNote, State

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _anchor(code: str) -> str:
    return "q-" + code.replace(".", "-")


def _switch(page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def _carried_over(jw, journey, codes: list[str]) -> None:
    """The team took ``codes`` back from last year's LKE while the LKE was with them (the self lane is writable after
    a return): 2025's answers, the same as the ones submitted (nothing changes for the reviewer), now "jawaban bawaan
    — konfirmasi" until confirmed. Through :func:`carryover.carry_over`, which carries only unanswered questions."""
    import datetime as dt

    previous = assessment_services.period_create(
        actor=None,
        year=2025,
        name="Periode 2025",
        template=jw["template"],
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    old = assessment_services.assessment_start(actor=jw["member"], unit=jw["lapas"], period=previous)
    current = Answer.objects.filter(assessment=jw["assessment"], lane=Lane.SELF, question__code__in=codes)
    for answer in current.select_related("question"):
        assessment_services.answer_save(
            actor=jw["member"], assessment=old, question_code=answer.question.code, raw=answer.choice
        )
    current.delete()
    carryover.carry_over(actor=jw["leader"], journey=journey)
    assert CarriedQuestion.objects.filter(journey=journey, confirmed_at__isnull=True).count() == len(codes)


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
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))  # the agency admin's part, done early
    # four questions of another area that the team will take back from last year's LKE
    area = next(section_for(c) for c in reversed(choice_codes) if section_for(c) not in ("hasil", section_for(first)))
    carried = [c for c in choice_codes if section_for(c) == area and c not in (first, second, third)][:4]
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

    # 2. the team leader sees the reason on the home page and on the worksheet, each note on its question, changes
    # one answer, marks two notes fixed, confirms the carried-over answers of one area at once, resubmits
    _carried_over(jw, journey, carried)
    _switch(page, "ketua")
    worksheet = f"/penilaian/{jw['assessment'].pk}/"
    page.goto("/")
    item = page.locator("#inbox li[data-kind=returned]")
    expect(item).to_contain_text("Perbaiki LKE yang dikembalikan")
    expect(item).to_contain_text("Catatan reviewer: Lengkapi data dukung area manajemen perubahan")
    expect(item).to_contain_text(f"{len(carried)} jawaban bawaan periode lalu belum dikonfirmasi")
    item.screenshot(path=str(SCREENSHOT_DIR / "return-home.png"))
    item.get_by_role("link", name="Perbaiki LKE yang dikembalikan").click()
    expect(page).to_have_url(re.compile(re.escape(worksheet)))
    page.goto(f"{worksheet}?bagian={section_for(first)}")
    banner = page.locator("#return-banner")
    expect(banner).to_contain_text("Lengkapi data dukung area manajemen perubahan")
    expect(banner).to_contain_text("3 pertanyaan ditandai untuk diperbaiki, 3 belum ditandai sudah diperbaiki")
    banner.screenshot(path=str(SCREENSHOT_DIR / "return-banner.png"))
    marker = page.locator(f"#{_anchor(first)} .return-note")
    expect(marker).to_contain_text("Jawaban tidak sesuai SK")
    page.locator(f"#f-{_anchor(first)} input[name=choice][value='{keys[1]}']").check()  # autosaved
    expect(page.locator(f"#st-{_anchor(first)}")).to_contain_text("Tersimpan")
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
    blockers = page.locator("#blok-carried")
    expect(blockers.locator(".ws-links li")).to_have_count(len(carried))
    expect(page.locator("#kirim")).to_have_count(0)  # no submitting past a blocker
    blockers.get_by_role("button", name=f"Konfirmasi semua di area {area} ({len(carried)})").click()
    expect(messages).to_contain_text(f"{len(carried)} jawaban bawaan dikonfirmasi")
    expect(page.locator("#blok-carried")).to_have_count(0)
    page.locator("#kirim").click()
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

    # 4. the reviewer forwards the LKE to TPI; the TPI team leader's home page lists the unit, linking to it
    page.goto(journey_url)
    page.locator("form:has(button[data-to='reviewed']) button[type=submit]").click()
    expect(page.locator("#journey-state")).to_have_text("Direviu, diteruskan ke TPI")
    _switch(page, "tpi1")
    page.goto("/")
    item = page.locator("#inbox li[data-kind=tpi]")
    expect(item).to_contain_text(jw["lapas"].name)
    expect(item).to_contain_text("Mulai evaluasi TPI")
    item.screenshot(path=str(SCREENSHOT_DIR / "return-tpi-home.png"))
    item.get_by_role("link", name="Mulai evaluasi TPI").click()
    expect(page.locator("#journey-state")).to_have_text("Direviu, diteruskan ke TPI")
