"""Live dashboards in three browsers: the Kanwil head keeps the Kanwil's dashboard open and the national viewer the
national one, while the agency admin records the TPN decree on the journey page (decision form, then its
confirmation step); within seconds, without a manual refresh, both open dashboards count the new WBK holder and their
"Data per" moves on (the pages poll with htmx every ``ZI_INSIGHTS_POLL_SECONDS``, 1 s here)."""

from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.browser.test_login_journey import log_in
from tests.workflow.conftest import go, journey_at, make_world
from tests.workflow.test_proposal import _ready
from zi.insights.services import rollup_refresh
from zi.organisations.models import Role
from zi.predicates.models import Award
from zi.workflow.models import State

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.once_in("postgresql"), pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tpn_decision_appears_on_the_open_kanwil_dashboard(browser, live_server, page, tree, agency, settings):
    from playwright.sync_api import expect

    settings.ZI_INSIGHTS_POLL_SECONDS = 1
    jw = make_world(tree, agency)
    journey = journey_at(jw, State.TPI_MEETS)
    _ready(jw, journey)
    journey = go(jw, journey, State.PROPOSED, "admin", "Surat usulan")
    rollup_refresh(period=jw["period"])
    factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="kakanwil", full_name="Kepala Kanwil")
    factories.make_user_with_role(Role.NATIONAL_VIEWER, username="nasional", full_name="Pemantau Nasional")

    def open_dashboard(username: str, url: str):
        context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        opened = context.new_page()
        log_in(opened, username)
        opened.goto(url)
        return opened

    contexts: list = []
    try:
        # the Kanwil head's and the national viewer's dashboards, each open in its own browser context
        dashboard = open_dashboard("kakanwil", reverse("insights:node", args=[tree["sumsel"].pk]) + "?periode=2026")
        national = open_dashboard("nasional", reverse("insights:overview") + "?periode=2026")
        held = dashboard.locator("#dash-live a[href*='f=pred_wbk']").first
        held_nationally = national.locator("#dash-live a[href*='f=pred_wbk']").first
        expect(held).to_have_text("0")
        expect(held_nationally).to_have_text("0")
        stamp = dashboard.locator("#dash-refreshed").get_attribute("datetime")
        national_stamp = national.locator("#dash-refreshed").get_attribute("datetime")

        # the agency admin records the Menteri's decree in another context: the form, then the confirmation
        log_in(page, "admin")
        page.goto(reverse("workflow:journey_detail", args=[journey.pk]))
        form = page.locator("form:has(button[data-to='awarded'])")
        form.locator("input[name=decree_number]").fill("KEP-9/M.PAN-RB/12/2026")
        form.locator("input[name=decree_date]").fill(f"{timezone.localdate():%Y-%m-%d}")
        form.locator("button[type=submit]").click()
        expect(page.locator("#decide-warning")).to_be_visible()
        page.locator("#decide-confirm").click()
        expect(page.locator("#journey-state")).to_have_text(re.compile("Ditetapkan|predikat", re.I))
        assert Award.objects.filter(unit=tree["lapas"], predicate="WBK").exists()

        # no reload: the open dashboards poll and show the holder within seconds
        expect(held).to_have_text("1", timeout=8_000)
        expect(held_nationally).to_have_text("1", timeout=8_000)
        assert dashboard.locator("#dash-refreshed").get_attribute("datetime") > stamp
        assert national.locator("#dash-refreshed").get_attribute("datetime") > national_stamp
        assert dashboard.url.endswith("?periode=2026") and national.url.endswith("?periode=2026")  # never navigated
    finally:
        for context in contexts:
            context.close()
