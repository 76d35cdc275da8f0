"""axe-core over every HTML page of the route matrix, for each demo role that may open it: WCAG 2.0/2.1 A and AA.

The pages come from ``tests/security/test_routes.py``, which accounts for every route: each route (but the JSON
API) is either a page here, with the concrete objects of the seeded demo world it is opened with (``candidates``),
or in ``NOT_PAGES`` with the reason it is not an HTML page (a POST-only action, a download, JSON). A new route in
neither fails the page test; ``NOT_PAGES`` naming a route that is gone fails ``test_not_pages_are_routes``. Each
page is fetched for the anonymous visitor and each demo login (one per role); every principal that gets it (200,
a whole HTML document) is what "may open it" means, and the page is checked as that principal saw it. A page no
demo role may open (the national calendar: superusers only) is checked as a superuser. Each page must be opened
by someone: a candidate that no one may open fails the test.

How, within CI's budget: no live server; the test client renders each page once, and ONE chromium page shows it
by routing every request to that client (static files from the finders), with axe-core (bundled by
``axe-playwright-python``) preloaded as an init script and run with only the WCAG 2.0/2.1 A and AA tags. A view
whose markup is identical to one already checked (see ``structure``) is counted, not checked again. A violation
fails the test with the page, the principal, the rule and the element. ``test_axe_fails_on_an_unlabelled_input``
shows the check would catch a regression.

In CI (``ZI_CI_PASS`` set) every page is checked once, as the first principal who may open it (about 100 checks,
1–2 minutes); the whole page × role matrix (about 290 checks after the identical-markup rule, 3–6 minutes) runs
everywhere else and in CI with ``ZI_AXE_ALL=1`` (docs/testing.md "Which CI pass runs what").
"""

from __future__ import annotations

import mimetypes
import os
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.security.test_routes import routes

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    # markup and styles do not depend on the database: checked once, in the SQLite pass (CI time)
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the SQLite pass"),
]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
ORIGIN = "http://testserver"
# every principal's view of every page (else, in CI, each page once: the first principal who may open it)
EVERY_ROLE = not os.environ.get("ZI_CI_PASS") or bool(os.environ.get("ZI_AXE_ALL"))
# one demo login per role (the Kalimantan Selatan logins repeat the admin and TPI roles in another agency)
ROLES = [
    "demo-tim",
    "demo-ketua",
    "demo-kepala",
    "demo-reviewer",
    "demo-tpi",
    "demo-admin",
    "demo-pimpinan",
    "demo-nasional",
]
SUPERUSER = "axe-superuser"

# Routes that are not HTML pages, and why (the JSON API under /api/ is left out as a whole).
_POST = "POST-only action (redirects back to its page)"
NOT_PAGES = {
    "accounts:logout": _POST,
    "accounts:sso_start": "redirects to the identity provider (single sign-on is off in tests: 404)",
    "accounts:sso_callback": "the identity provider's redirect back: redirects on",
    "set_language": "redirects back after switching the language",
    "core:healthz": "JSON probe",
    "organisations:unit_children": "htmx fragment: one level of the unit tree, inside organisations:unit_list",
    "core:readyz": "JSON probe",
    "portalrb_ui:index": "redirects to the agency's preview (portalrb_ui:preview, checked)",
    "portalrb_ui:snapshot": "JSON body of a stored fetch",
    "portalrb_ui:token-revoke": _POST,
    "portalrb_ui:workbook-export": "xlsx download",
    "portalrb:unit-wbk": "PortalRB JSON API",
    "portalrb:unit-wbbm": "PortalRB JSON API",
    "portalrb:jawaban-unit": "PortalRB JSON API",
    "portalrb:evidence-file": "file download",
    "portalrb:<catch-all>": "PortalRB JSON 404",
    "organisations:import_template": "xlsx download",
    "organisations:unit_close": _POST,
    "organisations:unit_reopen": _POST,
    "organisations:unit_role_add": _POST,
    "organisations:unit_role_revoke": _POST,
    "assessments:answer_save": _POST,
    "assessments:assessment_start": _POST,
    "assessments:evidence_add": _POST,
    "assessments:evidence_revise": _POST,
    "assessments:evidence_withdraw": _POST,
    "assessments:evidence_file": "file download",
    "assessments:export_xlsx": "xlsx download",
    "insights:download": "csv/xlsx download",
    "insights:report_pdf": "PDF download",
    "insights:unit_recap_xlsx": "xlsx download",
    "predicates:import_template": "csv download",
    "programme:activity_attendance": _POST,
    "programme:activity_photo": "image download",
    "programme:activity_photo_add": _POST,
    "programme:activity_photo_withdraw": _POST,
    "programme:attach_evidence": _POST,
    "programme:complaint_action_delete": _POST,
    "programme:complaint_photo": "image download",
    "programme:complaints_export": "xlsx download",
    "integrity:export": "xlsx download",
    "surveys:campaign_rescan": _POST,
    "surveys:codes_generate": _POST,
    "surveys:device_import": _POST,
    "surveys:device_revoke": _POST,
    "surveys:export_csv": "csv download",
    "surveys:export_xlsx": "xlsx download",
    "surveys:flagged_exclude": _POST,
    "surveys:instrument_periods": _POST,
    "surveys:offline_manifest": "web manifest (JSON)",
    "surveys:offline_sw": "service worker (JavaScript)",
    "surveys:offline_sync": "JSON sync endpoint",
    "surveys:poster_pdf": "PDF download",
    "surveys:report_pdf": "PDF download",
    "surveys:response_exclude": _POST,
    "surveys:service_point_add": _POST,
    "workflow:agency_profile_save": _POST,
    "workflow:agreement_save": _POST,
    "workflow:carry_confirm": _POST,
    "workflow:carry_over": _POST,
    "workflow:change_confirm": _POST,
    "workflow:declaration_document": _POST,
    "workflow:declaration_sign": _POST,
    "workflow:dossier": "zip download",
    "workflow:lane_answer": _POST,
    "workflow:lhe": "PDF download",
    "workflow:lhe_download": "PDF download",
    "workflow:lhe_issue": _POST,
    "workflow:lhe_notes": _POST,
    "workflow:lhe_preview": "PDF download",
    "workflow:monitoring_check_add": _POST,
    "workflow:monitoring_report_add": _POST,
    "workflow:monitoring_report_file": "file download",
    "workflow:participation_create": _POST,
    "workflow:preconditions_save": _POST,
    "workflow:return_addressed": _POST,
    "workflow:return_flag": _POST,
    "workflow:sptjm_upload": _POST,
    "workflow:team_assign": _POST,
    "workflow:team_create": _POST,
    "workflow:team_members": _POST,
    "workflow:transition": _POST,
}


def world() -> SimpleNamespace:
    """The demo objects the pages are opened with: Lapas Kelas I Palembang (the demo's own unit, inside every
    Kemenkumham role's scope) and its records; journeys of the agency in several states."""
    from zi.assessments.models import Evidence
    from zi.integrity import models as im
    from zi.organisations.models import Unit
    from zi.portalrb.selectors import sign_evidence
    from zi.predicates.models import Award
    from zi.programme import models as pm
    from zi.surveys import devices
    from zi.surveys.models import Campaign, Instrument, ServicePoint
    from zi.workflow.models import Journey, TpiTeam

    unit = Unit.objects.get(code="LAPAS-KELAS-I-PALEMBANG")
    agency = unit.agency
    journeys = {j.state: j for j in Journey.objects.filter(unit__agency=agency).order_by("-pk")}
    own = Journey.objects.filter(unit=unit).order_by("-period__year", "-pk").first()  # this year's
    evidence = Evidence.objects.filter(assessment=own.assessment, is_withdrawn=False).order_by("pk").first()
    campaign = Campaign.objects.filter(unit=unit).order_by("pk").first()
    point = ServicePoint.objects.filter(campaign=campaign).order_by("pk").first()
    admin = get_user_model().objects.get(username="demo-admin")
    device = devices.device_register(actor=admin, campaign=campaign, name="Tablet loket", service_point=point)

    def first(model: Any, **lookup: Any) -> Any:
        return model.objects.filter(**lookup).order_by("pk").first()

    return SimpleNamespace(
        unit=unit,
        agency=agency,
        journeys=journeys,
        own=own,
        evidence=evidence,
        campaign=campaign,
        device_token=device.token,
        instrument=first(Instrument, agency=agency) or first(Instrument),
        team=first(TpiTeam, agency=agency),
        award=first(Award, unit__agency=agency),
        plan=first(pm.WorkPlan, unit=unit),
        item=first(pm.PlanItem, work_plan__unit=unit),
        activity=first(pm.Activity, unit=unit),
        agent=first(pm.ChangeAgent, unit=unit),
        change=first(pm.ConcreteChange, agent__unit=unit),
        complaint=first(pm.Complaint, unit=unit),
        action=first(pm.FollowUpAction, complaint__unit=unit),
        service=first(pm.PublicService, unit=unit),
        innovation=first(pm.Innovation, unit=unit),
        gratification=first(im.GratificationReport, unit=unit),
        conflict=first(im.ConflictOfInterest, unit=unit),
        whistle=first(im.WhistleReport, unit=unit),
        signed=sign_evidence(own.assessment),
    )


def candidates(w: SimpleNamespace) -> dict[str, list[str]]:
    """Route name → the URLs it is checked at (more than one where the markup differs by the object's state)."""
    j = w.journeys

    def at(name: str, query: str = "", **kwargs: Any) -> str:
        return reverse(name, kwargs=kwargs) + query

    unit, plain = {"pk": w.unit.pk}, {}
    pages: dict[str, list[str]] = {
        name: [at(name, **plain)]
        for name in (
            "accounts:login",
            "accounts:otp_setup",
            "accounts:otp_verify",
            "assessments:assessment_list",
            "core:audit_list",
            "core:home",
            "insights:overview",
            "insights:public",
            "insights:unit_list",
            "insights:warning_list",
            "lke:template_list",
            "organisations:import",
            "organisations:unit_list",
            "predicates:import",
            "predicates:register",
            "programme:public_sent",
            "programme:track",
            "surveys:campaign_create",
            "surveys:campaign_list",
            "surveys:instrument_internal_new",
            "surveys:instrument_list",
            "workflow:agency_profiles",
            "workflow:calendar",
            "workflow:journey_list",
            "workflow:monitoring",
            "workflow:proposals",
            "workflow:queue",
            "workflow:teams",
        )
    }
    for name in (
        "organisations:unit_detail",
        "organisations:unit_edit",
        "organisations:unit_move",
        "insights:node",
        "insights:unit_page",
        "insights:public_unit",
        "programme:unit_overview",
        "programme:workplan_create",
        "programme:activity_create",
        "programme:agent_create",
        "programme:complaint_create",
        "programme:innovation_create",
        "programme:innovation_list",
        "programme:service_list",
        "integrity:gratification_list",
        "integrity:conflict_list",
        "integrity:whistle_list",
    ):
        pages[name] = [at(name, **unit)]
    one = {
        "organisations:unit_create": at("organisations:unit_create", f"?induk={w.unit.pk}"),
        "organisations:letterhead": at("organisations:letterhead", agency_pk=w.agency.pk),
        "lke:template_detail": at("lke:template_detail", pk=w.own.period.template_id),
        "assessments:worksheet": at("assessments:worksheet", pk=w.own.assessment_id),
        "assessments:submit": at("assessments:submit", pk=w.own.assessment_id),
        "assessments:import_xlsx": at("assessments:import_xlsx", pk=w.own.assessment_id),
        "assessments:evidence_preview": at("assessments:evidence_preview", pk=w.evidence.pk, number=1),
        "surveys:campaign_detail": at("surveys:campaign_detail", pk=w.campaign.pk),
        "surveys:campaign_edit": at("surveys:campaign_edit", pk=w.campaign.pk),
        "surveys:campaign_close": at("surveys:campaign_close", pk=w.campaign.pk),
        "surveys:device_list": at("surveys:device_list", pk=w.campaign.pk),
        "surveys:external_index": at("surveys:external_index", unit_id=w.unit.pk, period_id=w.own.period_id),
        "surveys:instrument_detail": at("surveys:instrument_detail", pk=w.instrument.pk),
        "surveys:instrument_version_new": at("surveys:instrument_version_new", pk=w.instrument.pk),
        "surveys:public": at("surveys:public", token=w.campaign.token),
        "surveys:kiosk": at("surveys:kiosk", token=w.campaign.token),
        "surveys:offline_app": at("surveys:offline_app", token=w.device_token),
        "programme:complaint_public": at("programme:complaint_public", unit_pk=w.unit.pk),
        "integrity:whistle_public": at("integrity:whistle_public", unit_pk=w.unit.pk),
        "programme:workplan_edit": at("programme:workplan_edit", pk=w.plan.pk),
        "programme:plan_item_create": at("programme:plan_item_create", pk=w.plan.pk),
        "programme:plan_item_edit": at("programme:plan_item_edit", pk=w.item.pk),
        "programme:activity_detail": at("programme:activity_detail", pk=w.activity.pk),
        "programme:activity_edit": at("programme:activity_edit", pk=w.activity.pk),
        "programme:agent_edit": at("programme:agent_edit", pk=w.agent.pk),
        "programme:change_create": at("programme:change_create", pk=w.agent.pk),
        "programme:change_edit": at("programme:change_edit", pk=w.change.pk),
        "programme:complaint_detail": at("programme:complaint_detail", pk=w.complaint.pk),
        "programme:complaint_edit": at("programme:complaint_edit", pk=w.complaint.pk),
        "programme:complaint_action_edit": at("programme:complaint_action_edit", pk=w.action.pk),
        "programme:innovation_detail": at("programme:innovation_detail", pk=w.innovation.pk),
        "programme:innovation_edit": at("programme:innovation_edit", pk=w.innovation.pk),
        "programme:service_edit": at("programme:service_edit", pk=w.service.pk),
        "integrity:gratification_edit": at("integrity:gratification_edit", pk=w.gratification.pk),
        "integrity:conflict_edit": at("integrity:conflict_edit", pk=w.conflict.pk),
        "integrity:whistle_detail": at("integrity:whistle_detail", pk=w.whistle.pk),
        "workflow:compare": at("workflow:compare", pk=j["tpi_evaluation"].pk),
        "workflow:lane_sheet": at("workflow:lane_sheet", pk=j["tpi_evaluation"].pk, lane="tpi"),
        "workflow:lhe_page": at("workflow:lhe_page", pk=j["proposed"].pk),
        "workflow:declaration": at("workflow:declaration", pk=w.own.pk),
        "workflow:participation_data": at("workflow:participation_data", pk=w.own.pk),
        "workflow:carried": at("workflow:carried", pk=w.own.pk),
        "workflow:team_detail": at("workflow:team_detail", pk=w.team.pk),
        "workflow:monitoring_award": at("workflow:monitoring_award", pk=w.award.pk),
        "portalrb_ui:tokens": at("portalrb_ui:tokens", agency_pk=w.agency.pk),
        "portalrb_ui:preview": at("portalrb_ui:preview", agency_pk=w.agency.pk),
        "portalrb_ui:workbook-import": at("portalrb_ui:workbook-import", pk=w.own.assessment_id),
        "portalrb:evidence-index": at("portalrb:evidence-index", signed=w.signed),
    }
    pages.update({name: [url] for name, url in one.items()})
    # the journey page and the decision page differ by state: the unit's own journey in building, one returned,
    # one in TPI evaluation, one awarded
    pages["workflow:journey_detail"] = [
        at("workflow:journey_detail", pk=j[state].pk) for state in ("building", "returned", "tpi_evaluation", "awarded")
    ]
    pages["workflow:decide"] = [
        at("workflow:decide", pk=j["tpi_evaluation"].pk, to_state="tpi_meets"),
        at("workflow:decide", pk=j["proposed"].pk, to_state="awarded"),
    ]
    return pages


def html_routes() -> set[str]:
    return {route.name for route in routes() if not route.name.startswith("api")} - set(NOT_PAGES)


def test_not_pages_are_routes():
    """``NOT_PAGES`` names only existing routes (the other direction, every route accounted for, needs the demo
    objects and is asserted by the page test)."""
    names = {route.name for route in routes() if not route.name.startswith("api")}
    assert not set(NOT_PAGES) - names, f"NOT_PAGES names routes that no longer exist: {set(NOT_PAGES) - names}"


def violations(page: Any) -> list[str]:
    """axe's WCAG A/AA violations on a page already loaded (axe injected here), one line per rule and element; used
    by ``test_public_phone.py`` on its live-server pages."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} {node['html'][:160]}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


class Browser:
    """ONE chromium page whose every request is answered in process: the page under test from the response the
    test client already rendered, static files from the finders, anything else (htmx, images) by the same client."""

    def __init__(self, browser: Any) -> None:
        from axe_playwright_python import sync_playwright as axe_module

        self.client: Client = Client()
        self.document: tuple[str, Any] | None = None
        self.static: dict[str, tuple[bytes, str]] = {}
        self.context = browser.new_context(base_url=ORIGIN, locale="id-ID", viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(20_000)
        self.context.add_init_script(path=str(Path(axe_module.__file__).with_name("axe.min.js")))
        self.context.route("**/*", self._answer)
        self.page = self.context.new_page()

    def _answer(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            route.abort()
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith("/static/"):
            body, kind = self._static(parts.path.removeprefix("/static/"))
            route.fulfill(status=200 if body else 404, body=body, content_type=kind)
            return
        if self.document is not None and self.document[0] == path:
            response = self.document[1]
        elif route.request.method == "GET":
            response = self.client.get(path)
        else:
            route.abort()
            return
        headers = {key: value for key, value in response.items() if key.lower() != "content-length"}
        route.fulfill(status=response.status_code, headers=headers, body=response.content)

    def _static(self, name: str) -> tuple[bytes, str]:
        if name not in self.static:
            found = finders.find(name)
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self.static[name] = (Path(found).read_bytes() if found else b"", kind)
        return self.static[name]

    def violations(self, path: str, response: Any) -> list[str]:
        """axe's WCAG A/AA violations of ``response`` (rendered for ``path``), one line per rule and element."""
        self.document = (path, response)
        self.page.goto(path)
        found = self.page.evaluate(
            """options => axe.run(document, options).then(result => result.violations.flatMap(v => v.nodes.map(
                   node => `${v.id} (${v.impact}): ${node.target.join(' ')} ${node.html.slice(0, 160)}`)))""",
            OPTIONS,
        )
        self.document = None
        return found


_TEXT = re.compile(rb">([^<]*)<")
_SECRETS = (
    re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"'),
    re.compile(rb'X-CSRFToken"\s*:\s*"([^"]+)"'),
    re.compile(rb'nonce="([^"]+)"'),
)


def structure(html: bytes) -> bytes:
    """The markup without its text: every tag and attribute as sent, each text run reduced to "there is text" or
    "there is none", the per-response secrets (CSRF token, CSP nonce) blanked. Two responses of one route with the
    same structure give axe the same elements, attributes, roles, names present or absent and styles: one check
    stands for both (the same page seen by roles whose view of it does not differ)."""
    for pattern in _SECRETS:
        for secret in set(pattern.findall(html)):
            html = html.replace(secret, b"-")
    return _TEXT.sub(lambda m: b">T<" if m.group(1).strip() else b"><", html)


def _is_page(response: Any) -> bool:
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and b"<html" in response.content[:400]
    )


def test_axe_fails_on_an_unlabelled_input(browser, db):
    """The check catches what it is for: an input without a label, injected into a real page, is reported."""
    checker = Browser(browser)
    try:
        login = reverse("accounts:login")
        response = checker.client.get(login)
        assert checker.violations(login, response) == []
        response.content = response.content.replace(b"</form>", b"<input id=tanpa-label></form>", 1)
        found = checker.violations(login, response)
        assert any(line.startswith("label (critical): #tanpa-label") for line in found), found
    finally:
        checker.context.close()


@pytest.mark.first  # the longest test: started first, beside the others, not left for the end
@pytest.mark.django_db(transaction=True)
def test_every_page_for_every_role_has_no_wcag_a_aa_violations(browser):
    from zi.demo import organisations as demo

    demo.build_demo()  # committed (not the shared ``demo_db``: its open transaction and Playwright's loop clash)
    user_model = get_user_model()
    user_model.objects.create_superuser(SUPERUSER, "axe@example.invalid", None)
    pages = candidates(world())
    missing = sorted(html_routes() - set(pages))
    assert not missing, f"routes neither a page here nor in NOT_PAGES: {missing}"
    assert not set(pages) & set(NOT_PAGES)

    checker = Browser(browser)
    principals: dict[str, Client] = {"anonymous": Client()}
    for username in [*ROLES, SUPERUSER]:
        principals[username] = Client()
        principals[username].force_login(user_model.objects.get(username=username))
    problems: list[str] = []
    checked: list[tuple[str, str]] = []
    same_as: dict[tuple[str, bytes], str] = {}  # (url, structure) → the principal it was checked as
    deduped = 0
    started = time.monotonic()
    try:
        for name, urls in sorted(pages.items()):
            for url in urls:
                opened_by = []
                for who, client in principals.items():
                    if who == SUPERUSER and opened_by:
                        continue  # superusers only where no demo role may open the page
                    response = client.get(url)
                    if not _is_page(response):
                        continue
                    opened_by.append(who)
                    key = (url, structure(response.content))
                    if key in same_as:
                        deduped += 1  # the same markup as another principal's view of this page: checked there
                        continue
                    same_as[key] = who
                    checker.client = client
                    problems.extend(f"{who} {url} ({name}): {line}" for line in checker.violations(url, response))
                    checked.append((url, who))
                    if not EVERY_ROLE:
                        break
                assert opened_by, f"no one may open {url} ({name}): pick an object some role sees"
    finally:
        checker.context.close()
    seconds = time.monotonic() - started
    print(
        f"axe: {len(checked)} checks ({len(checked) + deduped} page x role views, {deduped} with markup identical to"
        f" a view already checked) of {sum(map(len, pages.values()))} pages in {seconds:.0f}s"
    )
    assert not problems, f"{len(problems)} WCAG A/AA violations:\n" + "\n".join(problems)
