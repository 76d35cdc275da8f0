"""Every API endpoint × every role, inside and outside its subtree, and anonymous: the same scoped rules as the
pages. Out of scope → 404 (existence not revealed); visible but not allowed → 403; nothing changes on refusal."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.world import DASHBOARD_ROLES, DRAFT_VIEWERS, ROLES, TEAM
from zi.assessments.models import Answer, AssessmentStatus, Evidence
from zi.core.models import AuditEvent
from zi.organisations.models import Role

ALL = set(ROLES)
CASES = [
    (role, inside) for role in ROLES for inside in (True, False) if not (role == Role.NATIONAL_VIEWER and not inside)
]


def _ids(case):
    role, inside = case
    return f"{role}-{'in' if inside else 'out'}"


# (name, url maker, roles that see it from inside)
READS = [
    ("unit", lambda w: f"/api/units/{w['tree']['lapas'].pk}/", ALL),
    ("person", lambda w: f"/api/people/{w['staff'].pk}/", ALL),
    ("assessment-submitted", lambda w: f"/api/assessments/{w['submitted'].pk}/", ALL),
    ("assessment-draft", lambda w: f"/api/assessments/{w['draft'].pk}/", DRAFT_VIEWERS),
    ("answer", lambda w: f"/api/answers/{w['answer'].pk}/", ALL),
    ("evidence", lambda w: f"/api/evidence/{w['evidence'].pk}/", ALL),
    ("complaint", lambda w: f"/api/complaints/{w['complaint'].pk}/", ALL),
    ("campaign", lambda w: f"/api/survey-campaigns/{w['campaign'].pk}/", ALL),
    ("campaign-indices", lambda w: f"/api/survey-campaigns/{w['campaign'].pk}/indices/", ALL),
]
LISTS = [
    ("units", "/api/units/", lambda w: w["tree"]["lapas"].pk, ALL),
    ("people", "/api/people/", lambda w: w["staff"].pk, ALL),
    ("assessments", "/api/assessments/", lambda w: w["submitted"].pk, ALL),
    ("assessments-draft", "/api/assessments/", lambda w: w["draft"].pk, DRAFT_VIEWERS),
    ("answers", "/api/answers/", lambda w: w["answer"].pk, ALL),
    ("evidence", "/api/evidence/", lambda w: w["evidence"].pk, ALL),
    ("complaints", "/api/complaints/", lambda w: w["complaint"].pk, ALL),
    ("campaigns", "/api/survey-campaigns/", lambda w: w["campaign"].pk, ALL),
]
# (name, url maker, body maker, format, {role: status inside}); roles not named answer 404 inside; outside all 404
WRITES = [
    (
        "answer-draft",
        lambda w: f"/api/assessments/{w['draft'].pk}/answers/",
        lambda w: {"question": w["choice_code"], "choice": "Ya"},
        "json",
        {Role.UNIT_TEAM_MEMBER: 200, Role.UNIT_TEAM_LEADER: 200, Role.UNIT_HEAD: 403},
    ),
    (
        "answer-submitted",
        lambda w: f"/api/assessments/{w['submitted'].pk}/answers/",
        lambda w: {"question": w["choice_code"], "choice": "Tidak"},
        "json",
        {role: 403 for role in ROLES},
    ),
    (
        "evidence-link",
        lambda w: f"/api/assessments/{w['draft'].pk}/evidence/",
        lambda w: {"question": w["choice_code"], "title": "Tautan SK", "url": "https://example.go.id/sk"},
        "multipart",
        {Role.UNIT_TEAM_MEMBER: 201, Role.UNIT_TEAM_LEADER: 201, Role.UNIT_HEAD: 403},
    ),
    (
        "submit",
        lambda w: f"/api/assessments/{w['draft'].pk}/submit/",
        lambda w: {},
        "json",
        {Role.UNIT_TEAM_MEMBER: 403, Role.UNIT_TEAM_LEADER: 200, Role.UNIT_HEAD: 200},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_reads(world, api_client_for, case):
    role, inside = case
    client = api_client_for(world["users"][(role, inside)])
    for name, url, seers in READS:
        response = client.get(url(world))
        expected = 200 if inside and role in seers else 404
        assert response.status_code == expected, (name, response.status_code, response.content[:200])
    for name, url, pk, seers in LISTS:
        response = client.get(url, {"page_size": 200})
        assert response.status_code == 200, name
        ids = {row["id"] for row in response.json()["results"]}
        assert (pk(world) in ids) == (inside and role in seers), name
    assert client.get(f"/api/periods/{world['period'].pk}/").status_code == 200


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_dashboard(world, api_client_for, case):
    role, inside = case
    client = api_client_for(world["users"][(role, inside)])
    response = client.get("/api/dashboard/", {"unit": world["tree"]["lapas"].pk})
    if role not in DASHBOARD_ROLES:
        assert response.status_code == 403
    elif inside:
        assert response.status_code == 200
        data = response.json()
        assert data["units"] == 1
        assert data["complaints_open"] == 1
        assert data["assessments"] == {AssessmentStatus.DRAFT: 1, AssessmentStatus.SUBMITTED: 1}
    else:
        assert response.status_code == 404
    overall = client.get("/api/dashboard/")
    assert overall.status_code == (200 if role in DASHBOARD_ROLES else 403)


@pytest.mark.parametrize("write", WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_writes(world, api_client_for, case, write):
    role, inside = case
    name, url, body, fmt, allowed = write
    client = api_client_for(world["users"][(role, inside)])
    if name == "submit":
        factories.answer_rest(world["draft"])  # a complete LKE: the permission is what this test is about
    counts = (Answer.objects.count(), Evidence.objects.count(), AuditEvent.objects.count())
    statuses = {world["draft"].pk: world["draft"].status}
    response = client.post(url(world), body(world), format=fmt)
    expected = allowed.get(role, 404) if inside else 404
    assert response.status_code == expected, (name, response.status_code, response.content[:300])
    if expected >= 400:
        assert (Answer.objects.count(), Evidence.objects.count()) == counts[:2]
        world["draft"].refresh_from_db()
        assert world["draft"].status == statuses[world["draft"].pk]
        # Only the token creation of this test may have been audited.
        assert AuditEvent.objects.count() == counts[2]


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_gets_401_and_nothing(world, api_client_for, method):
    client = api_client_for(None)
    urls = [url(world) for _n, url, _s in READS] + [url for _n, url, _p, _s in LISTS] + ["/api/dashboard/"]
    urls += [url(world) for _n, url, _b, _f, _a in WRITES]
    before = AuditEvent.objects.count()
    for url in urls:
        response = getattr(client, method)(url)
        assert response.status_code in (401, 405), (url, response.status_code)
        if response.status_code == 401:
            assert "results" not in response.json()
    assert AuditEvent.objects.count() == before


def test_team_sees_draft_writes_through_service(world, api_client_for):
    client = api_client_for(world["member"])
    response = client.post(
        f"/api/assessments/{world['draft'].pk}/answers/",
        {"question": world["choice_code"], "choice": "Ya", "note": "dari API"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["value"] == 1.0
    event = AuditEvent.objects.order_by("-seq").filter(object_type__icontains="answer").first()
    assert event is not None and event.actor_id == world["member"].pk
    assert world["draft"].scores.filter(lane="self").exists()  # rescored like the worksheet
    bad = client.post(
        f"/api/assessments/{world['draft'].pk}/answers/",
        {"question": world["choice_code"], "choice": "Mungkin"},
        format="json",
    )
    assert bad.status_code == 409  # schema-valid, refused by the service: the question takes Ya/Tidak
    missing = client.post(
        f"/api/assessments/{world['draft'].pk}/answers/", {"question": "99.z.9", "choice": "Ya"}, format="json"
    )
    assert missing.status_code == 409 and missing.json()["code"] == "refused"


def test_complaints_never_show_identity(world, api_client_for):
    for (_role, inside), user in world["users"].items():
        if not inside:
            continue
        body = api_client_for(user).get("/api/complaints/").content.decode()
        assert "Budi Rahasia" not in body and "0812-rahasia" not in body
        assert "tracking_hash" not in body and "handling_notes" not in body


def test_evidence_has_no_storage_urls(world, api_client_for):
    data = api_client_for(world["member"]).get(f"/api/evidence/{world['evidence'].pk}/").json()
    revision = data["revisions"][0]
    assert revision["download"] == f"/penilaian/data-dukung/{world['evidence'].pk}/r1/berkas"
    assert "media" not in str(data) and "evidence/" not in str(data)


def test_team_only_sees_own_lane_of_answers(world, api_client_for):
    ids = {row["lane"] for row in api_client_for(world["member"]).get("/api/answers/").json()["results"]}
    assert ids <= {"self"}


def test_team_roles_constant():
    assert {Role.UNIT_TEAM_MEMBER, Role.UNIT_TEAM_LEADER} == TEAM
