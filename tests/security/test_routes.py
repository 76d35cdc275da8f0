"""Every route of the URL resolver, enumerated: none can be added without a decision about who may use it.

- Each named route is either on the ``PUBLIC`` allow-list (with the reason) or in ``MATRIX``, which names the test
  module that runs its role × inside/outside-subtree cases. A new view in neither fails
  ``test_every_route_is_public_or_in_the_matrix``; so does a matrix entry whose module does not call the route.
- Two columns of the matrix run here over every route, whatever it is: anonymous visitors get nothing but the
  login page (401/403 under ``/api/``) and change nothing, and a POST without the CSRF token is refused (403) on
  every route, public forms included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests import factories
from zi.core.models import AuditEvent

TESTS = Path(__file__).resolve().parents[1]

# Reachable without signing in, and why. Everything else must send anonymous visitors to the login page.
PUBLIC = {
    "core:healthz": "liveness probe, no data",
    "core:readyz": "readiness probe, no data",
    "accounts:login": "the login page",
    "accounts:logout": "logging out (POST)",
    "accounts:sso_start": "starts single sign-on",
    "accounts:sso_callback": "the identity provider's redirect back (state, nonce, PKCE checked)",
    "surveys:public": "public survey form behind the campaign's unguessable token (rate limited)",
    "surveys:kiosk": "kiosk survey form behind the service point's unguessable token (rate limited)",
    "surveys:offline_app": "offline device page behind the registered device's unguessable token (revocable)",
    "surveys:offline_sw": "the offline device's service worker, behind its token",
    "surveys:offline_manifest": "the offline device's web manifest, behind its token",
    "surveys:offline_sync": "offline sync: device token in the Authorization header, rate limited per device",
    "programme:complaint_public": "public complaint form (rate limited per address, honeypot)",
    "integrity:whistle_public": "public whistle-blowing form (rate limited per address, honeypot)",
    "programme:public_sent": "the tracking code shown once after a public submission",
    "programme:track": "tracking-code lookup (rate limited per address, keyed hash)",
    "insights:public": "published predicates (public by design)",
    "insights:public_unit": "one unit's public facts: predicates, public indices, open public surveys",
    "set_language": "language switch",
    "portalrb:unit-wbk": "PortalRB provider API: its own bearer tokens, rate limited (tests/portalrb/test_api.py)",
    "portalrb:unit-wbbm": "PortalRB provider API: its own bearer tokens, rate limited (tests/portalrb/test_api.py)",
    "portalrb:jawaban-unit": "PortalRB provider API: its own bearer tokens, rate limited (tests/portalrb/test_api.py)",
    "portalrb:evidence-index": "PortalRB evidence links: signed and expiring (tests/portalrb/test_api.py)",
    "portalrb:evidence-file": "PortalRB evidence links: signed and expiring (tests/portalrb/test_api.py)",
    "portalrb:<catch-all>": "PortalRB's JSON 404 for unknown paths",
}
# Signed in only; the module that checks the route for each role inside and outside its subtree (and anonymous).
_ACCOUNTS = "test_accounts.py"
_CORE = "test_permissions.py"
_API = "api/test_permission_matrix.py"
_JOURNEYS = "api/test_journeys.py"
_SCOPES = "security/test_route_scopes.py"  # the routes no other module checked per role
MATRIX = {
    "core:home": _CORE,
    "core:audit_list": _CORE,
    "accounts:otp_verify": _ACCOUNTS,
    "accounts:otp_setup": _ACCOUNTS,
    "organisations:unit_list": _CORE,
    "organisations:unit_detail": _CORE,
    "organisations:unit_children": "test_unit_tree.py",
    "organisations:import": _CORE,
    "organisations:import_template": "test_import_kept.py",
    "organisations:unit_create": "test_unit_manage.py",
    "organisations:unit_edit": "test_unit_manage.py",
    "organisations:unit_move": "test_unit_manage.py",
    "organisations:unit_close": "test_unit_manage.py",
    "organisations:unit_reopen": "test_unit_manage.py",
    "organisations:unit_role_add": "test_roles_ui.py",
    "organisations:unit_role_revoke": "test_roles_ui.py",
    "organisations:letterhead": "workflow/test_lhe_document.py",
    "lke:template_list": "test_worksheet.py",
    "lke:template_detail": "test_worksheet.py",
    "assessments:assessment_list": "test_worksheet.py",
    "assessments:assessment_start": "test_worksheet.py",
    "assessments:worksheet": "test_worksheet.py",
    "assessments:answer_save": "test_worksheet.py",
    "assessments:evidence_add": "test_evidence.py",
    "assessments:submit": "test_worksheet.py",
    "assessments:export_xlsx": "test_worksheet.py",
    "assessments:import_xlsx": "test_worksheet.py",
    "assessments:evidence_revise": _SCOPES,
    "assessments:evidence_withdraw": "test_evidence.py",
    "assessments:evidence_preview": "test_evidence.py",
    "assessments:evidence_file": "test_evidence.py",
    "surveys:campaign_list": "surveys/test_staff_and_lke.py",
    "surveys:campaign_create": "surveys/test_staff_and_lke.py",
    "surveys:campaign_detail": "surveys/test_staff_and_lke.py",
    "surveys:campaign_edit": "surveys/test_campaign_manage.py",
    "surveys:campaign_close": "surveys/test_campaign_manage.py",
    "surveys:service_point_add": _SCOPES,
    "surveys:poster_pdf": "surveys/test_staff_and_lke.py",
    "surveys:codes_generate": "surveys/test_staff_and_lke.py",
    "surveys:response_exclude": "surveys/test_staff_and_lke.py",
    "surveys:flagged_exclude": "surveys/test_stuffing.py",
    "surveys:export_csv": "surveys/test_staff_and_lke.py",
    "surveys:export_xlsx": "surveys/test_staff_and_lke.py",
    "surveys:report_pdf": "surveys/test_staff_and_lke.py",
    "surveys:campaign_rescan": "surveys/test_near_identical.py",
    "surveys:external_index": "surveys/test_results_gaps.py",
    "surveys:device_list": "surveys/test_offline.py",
    "surveys:device_revoke": "surveys/test_offline.py",
    "surveys:device_import": "surveys/test_offline.py",
    "surveys:instrument_list": "surveys/test_instrument_versions.py",
    "surveys:instrument_internal_new": "surveys/test_instrument_versions.py",
    "surveys:instrument_detail": "surveys/test_instrument_versions.py",
    "surveys:instrument_version_new": "surveys/test_instrument_versions.py",
    "surveys:instrument_periods": "surveys/test_instrument_versions.py",
    "programme:unit_overview": "programme/test_pages.py",
    "programme:workplan_create": "programme/test_pages.py",
    "programme:workplan_edit": "programme/test_editing.py",
    "programme:plan_item_create": "programme/test_pages.py",
    "programme:plan_item_edit": "programme/test_pages.py",
    "programme:activity_create": "programme/test_pages.py",
    "programme:activity_detail": "programme/test_evidence.py",
    "programme:activity_edit": "programme/test_editing.py",
    "programme:activity_attendance": _SCOPES,
    "programme:activity_photo_add": "programme/test_pages.py",
    "programme:activity_photo": "programme/test_pages.py",
    "programme:activity_photo_withdraw": "programme/test_corrections.py",
    "programme:agent_create": "programme/test_pages.py",
    "programme:agent_edit": "programme/test_editing.py",
    "programme:change_create": "programme/test_pages.py",
    "programme:change_edit": "programme/test_editing.py",
    "programme:complaint_create": "programme/test_pages.py",
    "programme:complaint_detail": "programme/test_pages.py",
    "programme:complaint_edit": "programme/test_editing.py",
    "programme:complaint_photo": "programme/test_complaint_photos.py",
    "programme:complaint_action_edit": "programme/test_corrections.py",
    "programme:complaint_action_delete": "programme/test_corrections.py",
    "programme:innovation_list": _SCOPES,
    "programme:innovation_create": "programme/test_pages.py",
    "programme:innovation_detail": "programme/test_pages.py",
    "programme:innovation_edit": "programme/test_editing.py",
    "programme:service_list": "programme/test_service_register.py",
    "programme:service_edit": "programme/test_service_register.py",
    "programme:complaints_export": "programme/test_exports.py",
    "integrity:export": "programme/test_exports.py",
    "integrity:gratification_list": "integrity/test_pages.py",
    "integrity:conflict_list": "integrity/test_pages.py",
    "integrity:gratification_edit": "integrity/test_registers.py",
    "integrity:conflict_edit": "integrity/test_registers.py",
    "integrity:whistle_list": "integrity/test_pages.py",
    "integrity:whistle_detail": "integrity/test_pages.py",
    "programme:attach_evidence": "programme/test_evidence.py",
    "predicates:register": "predicates/test_register.py",
    "predicates:import": "predicates/test_register.py",
    "predicates:import_template": "predicates/test_register.py",
    "workflow:journey_list": "workflow/test_manage_pages.py",
    "workflow:participation_create": _SCOPES,
    "workflow:journey_detail": "workflow/test_pages_and_demo.py",
    "workflow:transition": "workflow/test_pages_and_demo.py",
    "workflow:decide": "workflow/test_conclusion_guard.py",
    "workflow:compare": "workflow/test_pages_and_demo.py",
    "workflow:lhe": "workflow/test_pages_and_demo.py",
    "workflow:lhe_page": "workflow/test_lhe_document.py",
    "workflow:lhe_notes": "workflow/test_lhe_document.py",
    "workflow:lhe_issue": "workflow/test_lhe_document.py",
    "workflow:lhe_preview": "workflow/test_lhe_document.py",
    "workflow:lhe_download": "workflow/test_lhe_document.py",
    "workflow:lane_sheet": "workflow/test_lane_workspace.py",
    "workflow:lane_answer": "workflow/test_lane_workspace.py",
    "workflow:return_flag": "workflow/test_returns.py",
    "workflow:change_confirm": "workflow/test_returns.py",
    "workflow:return_addressed": "workflow/test_returns.py",
    "workflow:queue": "workflow/test_manage_pages.py",
    "workflow:teams": "workflow/test_manage_pages.py",
    "workflow:team_create": "workflow/test_manage_pages.py",
    "workflow:team_detail": "workflow/test_manage_pages.py",
    "workflow:team_members": "workflow/test_manage_pages.py",
    "workflow:team_assign": "workflow/test_manage_pages.py",
    "workflow:declaration": "workflow/test_manage_pages.py",
    "workflow:declaration_sign": "workflow/test_manage_pages.py",
    "workflow:declaration_document": "workflow/test_manage_pages.py",
    "workflow:participation_data": "workflow/test_manage_pages.py",
    "workflow:preconditions_save": "workflow/test_manage_pages.py",
    "workflow:sptjm_upload": "workflow/test_manage_pages.py",
    "workflow:agreement_save": "workflow/test_manage_pages.py",
    "workflow:carried": "workflow/test_carryover.py",
    "workflow:carry_over": "workflow/test_carryover.py",
    "workflow:carry_confirm": "workflow/test_carryover.py",
    "workflow:dossier": "workflow/test_dossier_monitoring.py",
    "workflow:agency_profiles": "workflow/test_manage_pages.py",
    "workflow:agency_profile_save": "workflow/test_manage_pages.py",
    "workflow:calendar": "workflow/test_manage_pages.py",
    "workflow:proposals": "workflow/test_dossier_monitoring.py",
    "workflow:monitoring": "workflow/test_post_predicate_monitoring.py",
    "workflow:monitoring_award": "workflow/test_post_predicate_monitoring.py",
    "workflow:monitoring_report_add": "workflow/test_post_predicate_monitoring.py",
    "workflow:monitoring_check_add": "workflow/test_post_predicate_monitoring.py",
    "workflow:monitoring_report_file": "workflow/test_post_predicate_monitoring.py",
    "insights:overview": "insights/test_insights.py",
    "insights:node": "insights/test_insights.py",
    "insights:unit_page": "insights/test_insights.py",
    "insights:unit_recap_xlsx": _SCOPES,
    "insights:unit_list": "insights/test_insights.py",
    "insights:warning_list": "insights/test_funnel_and_warnings.py",
    "insights:download": "insights/test_insights.py",
    "insights:report_pdf": "insights/test_insights.py",
    "portalrb_ui:index": "portalrb/test_pages.py",
    "portalrb_ui:tokens": "portalrb/test_pages.py",
    "portalrb_ui:token-revoke": "portalrb/test_pages.py",
    "portalrb_ui:snapshot": _SCOPES,
    "portalrb_ui:preview": "portalrb/test_pages.py",
    "portalrb_ui:workbook-export": _SCOPES,
    "portalrb_ui:workbook-import": "portalrb/test_jawaban_import.py",
    "api:token": _SCOPES,
    "api:token_revoke": _SCOPES,
    "api:docs_asset": "api/test_schema.py",
    "api:api-root": _API,
    "api:dashboard": _API,
    "api:unit-list": _API,
    "api:unit-detail": _API,
    "api:person-list": _API,
    "api:person-detail": _API,
    "api:period-list": _API,
    "api:period-detail": _API,
    "api:assessment-list": _API,
    "api:assessment-detail": _API,
    "api:assessment-answers": _API,
    "api:assessment-evidence": _API,
    "api:assessment-submit": _API,
    "api:answer-list": _API,
    "api:answer-detail": _API,
    "api:evidence-list": _API,
    "api:evidence-detail": _API,
    "api:campaign-list": _API,
    "api:campaign-detail": _API,
    "api:campaign-indices": _API,
    "api:complaint-list": _API,
    "api:complaint-detail": _API,
    "api:journey-list": _JOURNEYS,
    "api:journey-detail": _JOURNEYS,
    "api:journey-transitions": _JOURNEYS,
    "api-schema": "api/test_schema.py",
    "api-docs": "api/test_schema.py",
}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str  # the full pattern, e.g. "penilaian/<id:pk>/jawab/<str:code>/"
    kwargs: dict

    @property
    def url(self) -> str:
        if self.name.endswith("<catch-all>"):
            return "/api/portalrb/tidak-ada"
        return reverse(self.name, kwargs=self.kwargs)


def _sample(converter_or_group: object) -> object:
    name = type(converter_or_group).__name__
    return 987654 if name in ("IntConverter", "IdConverter") else "x1"


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def routes() -> list[Route]:
    """Every route but Django's admin (its own staff login; checked once below) and DRF's ``.json`` suffix
    variants of the same views."""
    found: dict[str, Route] = {}
    for pattern, namespace, entry in _walk(get_resolver().url_patterns):
        if namespace == "admin" or "(?P<format>" in pattern or "<drf_format_suffix:" in pattern:
            continue
        name = f"{namespace}:{entry.name or '<catch-all>'}" if namespace else entry.name
        if isinstance(entry.pattern, RoutePattern):
            kwargs = {key: _sample(conv) for key, conv in entry.pattern.converters.items()}
        else:
            kwargs = {key: "1" for key in entry.pattern.regex.groupindex}
        found.setdefault(name, Route(name, pattern, kwargs))
    return sorted(found.values(), key=lambda route: route.name)


def _mentions(text: str, route: Route) -> bool:
    """The module calls the route: by name, or by a literal URL with its variable parts as f-string fields."""
    if f'"{route.name}"' in text or f"'{route.name}'" in text:
        return True
    pattern = re.sub(r"\(\?P<[^>]+>[^)]*\)|<[^>]+>", "\0", route.pattern.replace("^", "").replace("$", ""))
    pattern = pattern.replace("\\.", ".").replace("\\", "")
    parts = [re.escape(part) for part in pattern.split("\0")]
    return re.search("/" + r"(?:\{[^}]*\}|[\w.%-]+)".join(parts), text) is not None


def test_every_route_is_public_or_in_the_matrix():
    names = {route.name for route in routes()}
    missing = sorted(names - set(PUBLIC) - set(MATRIX))
    assert not missing, f"new routes must be added to MATRIX (with their role x scope test) or PUBLIC: {missing}"
    assert not set(PUBLIC) & set(MATRIX)
    stale = sorted((set(PUBLIC) | set(MATRIX)) - names)
    assert not stale, f"routes that no longer exist: {stale}"
    unchecked = []
    for route in routes():
        if route.name in MATRIX:
            module = TESTS / MATRIX[route.name]
            if not module.exists() or not _mentions(module.read_text(encoding="utf-8"), route):
                unchecked.append(f"{route.name} ({route.pattern}) not called in tests/{MATRIX[route.name]}")
    assert not unchecked, "\n".join(unchecked)


def _anonymous_ok(route: Route, method: str, response) -> bool:
    if response.status_code == 405 and method == "get":
        return True  # POST-only view; the POST below must still be refused
    if route.url.startswith("/api/") and response.status_code in (401, 403):
        return True  # the JSON API answers instead of redirecting
    return response.status_code == 302 and response["Location"].startswith("/akun/masuk/?next=")


@pytest.mark.django_db
def test_anonymous_visitors_get_the_login_page_everywhere_and_change_nothing(tree):
    client = Client()
    before = AuditEvent.objects.count()
    wrong = []
    for route in routes():
        for method in ("get", "post"):
            response = getattr(client, method)(route.url)
            if route.name in PUBLIC:
                if response.status_code >= 500:
                    wrong.append(f"{method.upper()} {route.url} ({route.name}): {response.status_code}")
            elif not _anonymous_ok(route, method, response):
                wrong.append(f"{method.upper()} {route.url} ({route.name}): {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert client.get("/admin/").status_code == 302  # Django's admin: its own staff login
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_every_post_needs_the_csrf_token(tree):
    """Signed in (the session cookie is what a forged cross-site form would carry), a POST without the token is
    refused with 403 on every route: pages, public forms, the API with a session; the PortalRB endpoints (GET only,
    bearer token) refuse every POST with their JSON 405."""
    user = factories.UserFactory(username="csrf-root", is_superuser=True, is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = AuditEvent.objects.count()
    wrong = []
    for route in routes():
        response = client.post(route.url, {"name": "x"})
        if route.url.startswith("/api/portalrb/") and response.status_code in (404, 405):
            # GET-only bearer-token endpoints (no cookie is read): the guide's JSON 405 / 404, nothing written
            assert response.json()["error"] is True
            continue
        if response.status_code != 403:
            wrong.append(f"POST {route.url} ({route.name}): {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert AuditEvent.objects.count() == before
