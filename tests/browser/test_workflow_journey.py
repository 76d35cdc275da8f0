"""The whole yearly journey in a real browser with three logins: the unit team leader registers the unit,
records the declaration (pencanangan) with its signatories and the integrity pact and starts building, answers in the
worksheet and submits the LKE; the Kanwil reviewer notes a question and returns it; the team leader reads the
note and resubmits; the reviewer forwards; the TPI evaluator scores with the keyboard (save and next) and
concludes; the LHE PDF opens and every step, the declaration included, is in the audit trail by its actor.

The agency admin's steps (TPI team, proposal, TPN result) are covered without a browser in tests/workflow/.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.test_login_journey import log_in
from tests.pdf_checks import pdf_text
from tests.workflow.conftest import PDF_BYTES, fill_lane, make_world, team
from zi.assessments.models import Answer
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.workflow import services
from zi.workflow.models import Declaration, DeclarationDocument, DocumentKind, Journey, State

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _decide(page, to_state: str, note: str = "") -> None:
    form = page.locator(f"form:has(button[data-to='{to_state}'])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()


def _switch(page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def _anchor(code: str) -> str:
    return "q-" + code.replace(".", "-")


def test_unit_reviewer_tpi_through_the_year(page, tree, agency, screenshot):
    from playwright.sync_api import expect

    jw = make_world(tree, agency)
    state = page.locator("#journey-state")
    messages = page.locator(".messages")
    code = jw["codes"]["abc"]
    spec = jw["spec"]
    from zi.assessments.selectors import section_key

    tab = section_key(spec, code)
    in_tab = sorted((c for c in spec.questions if section_key(spec, c) == tab), key=lambda c: spec.questions[c].order)
    next_code = in_tab[in_tab.index(code) + 1]  # "save and next" stays on the tab

    # 1. the unit team leader registers this year's participation, records the declaration and starts building
    log_in(page, "ketua")
    page.get_by_role("link", name="Alur ZI", exact=True).click()
    page.get_by_role("button", name="Daftarkan").click()
    expect(state).to_have_text("Pencanangan")
    journey = Journey.objects.get(assessment=jw["assessment"])
    url = f"/alur/{journey.pk}/"
    page.locator("main").get_by_role("link", name="Pencanangan", exact=True).click()
    page.evaluate("window.ziSamePage = true")  # htmx swaps <main>: the declaration forms never reload the page
    form = page.locator("#declaration-form")
    form.get_by_label("Tempat").fill("Aula Lapas Palembang")
    for person in ("head", "honorer", "pns"):
        form.locator(f"input[name=signatories][value='{jw[person].pk}']").check()
    form.get_by_role("button", name="Simpan pencanangan").click()
    expect(messages).to_contain_text("Pencanangan tercatat.")
    declaration = Declaration.objects.get(unit=jw["lapas"])
    article = page.locator(f"#declaration-{declaration.pk}")
    expect(article.locator(".share")).to_contain_text("3 /")
    article.get_by_label("Jenis dokumen").select_option(DocumentKind.PACT)
    article.get_by_label("Berkas").set_input_files(
        {"name": "pakta-integritas.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    article.get_by_role("button", name="Unggah dokumen").click()
    expect(messages).to_contain_text("Dokumen pencanangan tersimpan.")
    expect(article.locator("li", has_text="pakta-integritas.pdf")).to_be_visible()
    assert page.evaluate("window.ziSamePage") is True
    page.goto(url)
    _decide(page, State.BUILDING)
    expect(state).to_have_text("Pembangunan")

    # the year's work on the LKE (the team fills it; the agency admin assigns the TPI team)
    fill_lane(jw)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))

    # 2. the team leader changes one answer in the worksheet (autosaved) and submits the LKE
    page.get_by_role("link", name="Lembar kerja LKE (mandiri)").click()
    page.locator(f"#f-{_anchor(code)} input[name=choice][value='B']").check()
    expect(page.locator(f"#st-{_anchor(code)}")).to_contain_text("Tersimpan")
    page.get_by_role("button", name="Kirim penilaian").click()
    page.locator("main form button[type=submit]").click()
    page.goto(url)
    expect(state).to_have_text("Penilaian mandiri dikirim")

    # 3. the Kanwil reviewer starts the review, notes one question in the review lane and returns the LKE
    _switch(page, "reviewer")
    page.goto(url)
    _decide(page, State.IN_REVIEW)
    expect(state).to_have_text("Sedang direviu")
    page.get_by_role("link", name="Isi jalur reviu").click()
    form = page.locator(f"form[action$='/jawab/{code}/']")
    form.locator("textarea[name=note]").fill("Lengkapi SK tim kerja ZI")
    form.get_by_role("button", name=f"Simpan {code}", exact=True).click()
    expect(page.locator(f"#{_anchor(code)} .ws-status")).to_contain_text("Tersimpan")  # htmx: saved in place
    page.goto(url)
    _decide(page, State.RETURNED, note="Perbaiki data dukung area manajemen perubahan")
    expect(state).to_have_text("Dikembalikan untuk perbaikan")

    # 4. the team leader reads the note and sends the LKE again
    _switch(page, "ketua")
    page.goto(url)
    expect(page.get_by_role("heading", name="Catatan untuk perbaikan")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Lengkapi SK tim kerja ZI")
    _decide(page, State.SELF_SUBMITTED)
    expect(state).to_have_text("Penilaian mandiri dikirim")

    # 5. the reviewer forwards to TPI
    _switch(page, "reviewer")
    page.goto(url)
    _decide(page, State.IN_REVIEW)
    _decide(page, State.REVIEWED)
    expect(state).to_have_text("Direviu, diteruskan ke TPI")

    # 6. the TPI evaluator (team leader) takes the unit from the queue and scores with the keyboard only:
    #    answer, Tab to the note, type, Ctrl+Enter saves and puts the focus on the next question's answer
    _switch(page, "tpi1")
    page.goto("/alur/evaluator/")
    page.get_by_role("link", name=jw["lapas"].name).click()
    _decide(page, State.TPI_EVALUATION)
    expect(state).to_have_text("Evaluasi TPI")
    page.get_by_role("link", name="Isi jalur TPI").click()
    # one tab per page, the criterion beside each option; the letter key picks the option
    expect(page.locator(f"#{_anchor(code)} .lane-criteria").first).to_be_visible()
    page.locator(f"#c-{_anchor(code)}-1").focus()
    page.keyboard.press("c")
    expect(page.locator(f"#{_anchor(code)} input[name=choice][data-key='C']")).to_be_checked()
    page.keyboard.press("a")
    expect(page.locator(f"#{_anchor(code)} input[name=choice][data-key='A']")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator(f"#n-{_anchor(code)}")).to_be_focused()
    page.keyboard.type("SK tim sudah lengkap")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=f"Simpan {code}", exact=True)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+Enter")  # in the note: save and next (htmx: in place, then the focus moves on)
    expect(page.locator(f"#{_anchor(code)} .ws-status")).to_contain_text("Tersimpan")
    expect(page).to_have_url(re.compile(f"#{_anchor(next_code)}$"))
    expect(page.locator(f"#{_anchor(next_code)} .lane-form fieldset input[name=choice]:checked")).to_be_focused()
    assert Answer.objects.get(assessment=jw["assessment"], lane="tpi", question__code=code).choice == "A"
    page.goto(url)
    expect(page.locator("#conclusion-checks")).to_contain_text("Data syarat instansi")  # before deciding
    _decide(page, State.TPI_MEETS, note="LHE: memenuhi syarat WBK")
    # irreversible: a confirmation step; the unmet preconditions need the TPI's override reason
    expect(page.locator("#decide-warning")).to_be_visible()
    page.locator("textarea[name=override_reason]").fill("Data syarat instansi menyusul dari Inspektorat")
    page.locator("#decide-confirm").click()
    expect(state).to_have_text("TPI: memenuhi")
    expect(page.locator("#tpi-override")).to_contain_text("Data syarat instansi menyusul dari Inspektorat")
    screenshot("workflow-tpi-meets")

    # the LHE PDF (the team's draft: none issued yet) opens with the TPI's note
    lhe = page.request.get(f"/alur/{journey.pk}/lhe.pdf")
    assert lhe.status == 200 and lhe.headers["content-type"] == "application/pdf"
    assert lhe.body().startswith(b"%PDF-") and "SK tim sudah lengkap" in pdf_text(lhe.body())

    # every step is in the audit trail, by the person who took it, and the chain holds
    assert Journey.objects.get(pk=journey.pk).state == State.TPI_MEETS
    document = DeclarationDocument.objects.get(declaration=declaration)
    assert list(
        AuditEvent.objects.filter(object_type__in=["workflow.journey", "workflow.declaration"], action="create")
        .order_by("seq")
        .values_list("actor_label", "object_type")
    ) == [("ketua", "workflow.journey"), ("ketua", "workflow.declaration")]
    assert (
        AuditEvent.objects.get(object_type="workflow.declarationdocument", object_id=str(document.pk)).actor_label
        == "ketua"
    )
    steps = list(
        AuditEvent.objects.filter(action="transition", object_id=str(journey.pk))
        .order_by("seq")
        .values_list("actor_label", "extra__to")
    )
    assert steps == [
        ("ketua", State.BUILDING),
        ("ketua", State.SELF_SUBMITTED),
        ("reviewer", State.IN_REVIEW),
        ("reviewer", State.RETURNED),
        ("ketua", State.SELF_SUBMITTED),
        ("reviewer", State.IN_REVIEW),
        ("reviewer", State.REVIEWED),
        ("tpi1", State.TPI_EVALUATION),
        ("tpi1", State.TPI_MEETS),
    ]
    assert verify().ok
