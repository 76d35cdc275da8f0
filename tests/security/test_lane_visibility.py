"""Lane visibility, one rule everywhere (issue #16 item 3; the rule: ``zi.workflow.lanes``, docs/security.md).

For each role and each workflow state, every surface that can show a review or TPI lane is rendered (API answers
and scores, the comparison page, the official workbook exports, the LHE PDF, the dossier, the unit page and its
LKE recap, the lane sheets, the returned notes) and each marker — a reviewer's note, a TPI evaluator's note, the
lane's column or score — must appear exactly when the rule lets that person see that lane.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from tests import factories
from tests.pdf_checks import pdf_text
from tests.workflow.conftest import OVERRIDE, go, journey_at, make_world, team
from zi.assessments.models import Answer, Assessment, Lane
from zi.organisations.models import Role
from zi.portalrb import soalmap
from zi.workflow import lhe, services
from zi.workflow.lanes import lane_filter, visible_lanes
from zi.workflow.models import State

pytestmark = pytest.mark.once_in("postgresql")

TODAY = dt.date(2026, 5, 2)
REVIEW_NOTE = "NOTE-REVIEW-41"
TPI_NOTE = "NOTE-TPI-73"

UNIT = ("member", "leader", "head")
VIEWERS = ("pimpinan", "national", "admin")
ROLES = (*UNIT, "reviewer", "tpi_team", "tpi_other", *VIEWERS)
EVERYONE = frozenset(ROLES)

# state → (who sees the review lane, who sees the TPI lane). Returned: the assessment is a draft again, so only
# the unit (its team and head) sees it at all.
EXPECTED = {
    "in_review": (frozenset({"reviewer"}), frozenset()),
    "returned": (frozenset(UNIT), frozenset()),
    "tpi_evaluation": (EVERYONE, frozenset({"tpi_team"})),
    "tpi_meets": (EVERYONE, EVERYONE),
}
DASHBOARD = EVERYONE - {"member", "leader"}  # roles with dashboard.view: the unit page and the LKE recap


@pytest.fixture
def lw(tree, agency):
    world = make_world(tree, agency)
    soalmap.load_map()
    world["tpi_team"] = world["tpi3"]  # a plain member of the assigned team (tpi1 leads, tpi2 controls)
    world["tpi_other"] = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, username="tpilain")
    world["pimpinan"] = factories.make_user_with_role(Role.LEADER, agency=agency, username="pimpinan")
    world["national"] = factories.make_user_with_role(Role.NATIONAL_VIEWER, username="nasional")
    return world


def _drive(world, state):
    """The journey in ``state``, with a reviewer's note on the review lane and, once TPI works, a TPI note."""
    code = world["codes"]["abc"]
    journey = journey_at(world, State.IN_REVIEW)
    services.lane_note_save(
        actor=world["reviewer"], journey=journey, lane=Lane.REVIEW, question_code=code, text=REVIEW_NOTE
    )
    if state == "returned":
        return go(world, journey, State.RETURNED, "reviewer", note="Perbaiki"), code
    if state == "in_review":
        return journey, code
    journey = go(world, journey, State.REVIEWED, "reviewer")
    services.tpi_assign(actor=world["admin"], journey=journey, team=team(world))
    journey = go(world, journey, State.TPI_EVALUATION, "tpi1")
    services.lane_note_save(actor=world["tpi3"], journey=journey, lane=Lane.TPI, question_code=code, text=TPI_NOTE)
    if state == "tpi_meets":
        journey = go(world, journey, State.TPI_MEETS, "tpi1", note="Memenuhi", data={"override_reason": OVERRIDE})
        lhe.notes_save(actor=world["tpi1"], journey=journey, number="LHE-9/2026", place="Palembang", date=TODAY)
        lhe.issue(actor=world["tpi1"], journey=journey)  # what everyone but the team reads: the issued LHE
    return journey, code


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _api(client, path):
    response = client.get(path, HTTP_ACCEPT="application/json")
    return response.status_code, (response.json() if response.status_code == 200 else None)


def _surfaces(client, world, journey, code):
    """{surface: (review shown, TPI shown)} for the logged-in client; None where the surface does not apply."""
    a = journey.assessment
    seen = {}
    for lane, marker in ((Lane.REVIEW, REVIEW_NOTE), (Lane.TPI, TPI_NOTE)):
        status, body = _api(client, f"/api/answers/?assessment={a.pk}&lane={lane}&question={code}")
        assert status == 200
        seen.setdefault("api_answers", []).append(any(r["note"] == marker for r in body["results"]))
        assert all(r["lane"] == lane for r in body["results"])
    status, body = _api(client, f"/api/assessments/{a.pk}/")
    lanes = {s["lane"] for s in body["scores"]} if body else set()
    seen["api_scores"] = [Lane.REVIEW in lanes, Lane.TPI in lanes]

    response = client.get(reverse("workflow:compare", args=[journey.pk]))
    html = response.content.decode() if response.status_code == 200 else ""
    seen["compare_notes"] = [REVIEW_NOTE in html, TPI_NOTE in html]
    seen["compare_columns"] = ['class="num">Reviu</th>' in html, 'class="num">TPI</th>' in html]

    export = reverse("portalrb_ui:workbook-export", args=[a.pk])
    response = client.get(export)
    text = _xlsx_text(response.content) if response.status_code == 200 else ""
    seen["export_self"] = [None, TPI_NOTE in text]
    response = client.get(export + "?lajur=tpi")
    assert response.status_code in (200, 404)
    seen["export_tpi"] = [None, response.status_code == 200 and TPI_NOTE in _xlsx_text(response.content)]

    response = client.get(reverse("workflow:lhe", args=[journey.pk]))
    assert response.status_code in (200, 403, 404)
    seen["lhe"] = [None, response.status_code == 200 and TPI_NOTE in pdf_text(response.content)]
    detail = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert (reverse("workflow:lhe", args=[journey.pk]) in detail) == (response.status_code == 200)
    seen["returned_notes"] = [REVIEW_NOTE in detail, TPI_NOTE in detail]

    response = client.get(reverse("workflow:dossier", args=[journey.pk]))
    dossier = ""
    if response.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            dossier = " ".join(pdf_text(archive.read(n)) for n in archive.namelist() if n.startswith("LHE-"))
            dossier += " " + " ".join(
                _xlsx_text(archive.read(n)) for n in archive.namelist() if n.startswith("LKE-TPI-")
            )
    seen["dossier"] = [None, TPI_NOTE in dossier]

    for lane, key in ((Lane.REVIEW, "sheet_review"), (Lane.TPI, "sheet_tpi")):
        response = client.get(reverse("workflow:lane_sheet", args=[journey.pk, lane]))
        html = response.content.decode() if response.status_code == 200 else ""
        seen[key] = [REVIEW_NOTE in html, TPI_NOTE in html]

    page = client.get(reverse("insights:unit_page", args=[world["lapas"].pk]) + "?periode=2026")
    html = page.content.decode() if page.status_code == 200 else ""
    seen["unit_page"] = [f"<td>{Lane.REVIEW.label}</td>" in html, f"<td>{Lane.TPI.label}</td>" in html]
    recap = client.get(reverse("insights:unit_recap_xlsx", args=[world["lapas"].pk]) + "?periode=2026")
    text = _xlsx_text(_body(recap)) if recap.status_code == 200 else ""
    seen["recap"] = ["Reviu (%)" in text, "TPI (%)" in text]
    return seen


def _applies(surface: str, role: str, state: str, allowed: tuple[bool, bool]) -> tuple[bool, bool]:
    """Where a surface can show a lane at all for this role and state (its own rules), per (review, TPI)."""
    both = (True, True)
    evaluator = role in ("tpi_team", "tpi_other")
    return {
        "export_self": (False, True),
        "export_tpi": (False, True),
        "lhe": (False, True),  # the LHE carries the TPI's notes (its review column has no notes)
        "returned_notes": (state == "returned", False),  # shown on the journey page while the LKE is returned
        "dossier": (False, role == "admin"),  # only who may propose the unit, once TPI concluded
        "sheet_review": (role == "reviewer", False),
        # the TPI sheet opens for an evaluator who may see the TPI lane, with the review lane's answers beside it
        "sheet_tpi": (evaluator and allowed[1], evaluator),
        "unit_page": (role in DASHBOARD, role in DASHBOARD),
        "recap": (role in DASHBOARD, role in DASHBOARD),
    }.get(surface, both)


@pytest.mark.parametrize("state", list(EXPECTED))
def test_every_surface_shows_a_lane_exactly_when_the_rule_allows(client, lw, state):
    journey, code = _drive(lw, state)
    review_ok, tpi_ok = EXPECTED[state]
    wrong = []
    for role in ROLES:
        client.force_login(lw[role])
        allowed = (role in review_ok, role in tpi_ok)
        for surface, shown in _surfaces(client, lw, journey, code).items():
            applies = _applies(surface, role, state, allowed)
            for index, lane in enumerate(("review", "tpi")):
                if shown[index] is None:
                    continue
                expected = allowed[index] and applies[index]
                if shown[index] != expected:
                    wrong.append(f"{state} {role} {surface} {lane}: shown={shown[index]} expected={expected}")
        # the per-object form and the queryset form are one rule
        assessment = Assessment.objects.select_related("unit").get(pk=journey.assessment_id)
        listed = set(Answer.objects.filter(lane_filter(lw[role]), assessment=assessment).values_list("lane", flat=True))
        present = set(Answer.objects.filter(assessment=assessment).values_list("lane", flat=True))
        if listed != set(visible_lanes(lw[role], assessment)) & present:
            wrong.append(f"{state} {role}: lane_filter {sorted(listed)} != visible_lanes")
    assert not wrong, "\n".join(wrong)


def test_a_conflicted_evaluator_and_an_unassigned_one(lw):
    """The TPI lane in evaluation: the assigned team sees it; an evaluator of the evaluated unit itself (conflict
    of interest) and one outside the team do not — until the TPI concluded."""
    journey, _code = _drive(lw, "tpi_evaluation")
    a = journey.assessment
    for name, expected in (("tpi1", True), ("tpi2", True), ("tpi3", True), ("tpi_home", False), ("tpi_other", False)):
        user = lw[name]
        assert (Lane.TPI in visible_lanes(user, a)) is expected, name
        assert Answer.objects.filter(lane_filter(user), assessment=a, lane=Lane.TPI).exists() is expected, name
    journey = go(lw, journey, State.TPI_MEETS, "tpi1", note="Memenuhi", data={"override_reason": OVERRIDE})
    assert Lane.TPI in visible_lanes(lw["tpi_home"], journey.assessment)
