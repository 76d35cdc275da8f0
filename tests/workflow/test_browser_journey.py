"""Browser journey: the team leader submits, the reviewer starts and forwards, the TPI leader concludes."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_login_journey import log_in
from tests.workflow.conftest import fill_lane, journey_at, make_world, team
from zi.workflow import services
from zi.workflow.models import Journey, State

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _decide(page, to_state: str, note: str = "") -> None:  # noqa: F811
    form = page.locator(f"form:has(button[data-to='{to_state}'])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()


def test_submit_review_forward_tpi_conclude(page, tree, agency):  # noqa: F811
    from playwright.sync_api import expect

    jw = make_world(tree, agency)
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    url = f"/alur/{journey.pk}/"
    state = page.locator("#journey-state")

    log_in(page, "ketua")
    page.goto(url)
    _decide(page, State.SELF_SUBMITTED)
    expect(state).to_have_text("Penilaian mandiri dikirim")

    page.context.clear_cookies()
    log_in(page, "reviewer")
    page.goto(url)
    _decide(page, State.IN_REVIEW)
    expect(state).to_have_text("Sedang direviu")
    _decide(page, State.REVIEWED)
    expect(state).to_have_text("Direviu, diteruskan ke TPI")

    page.context.clear_cookies()
    log_in(page, "tpi1")
    page.goto(url)
    _decide(page, State.TPI_EVALUATION)
    expect(state).to_have_text("Evaluasi TPI")
    _decide(page, State.TPI_MEETS, note="LHE 2: memenuhi")
    expect(state).to_have_text("TPI: memenuhi")
    assert Journey.objects.get(pk=journey.pk).state == State.TPI_MEETS
