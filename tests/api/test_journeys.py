"""Workflow journeys in the API: scoped list and detail with the caller's allowed moves, and transitions through
the workflow service — every role inside and outside its subtree, anonymous, stale versions (409), moves the
table or a guard refuses (409 `refused`), the schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.api.test_permission_matrix import CASES, _ids
from zi.core import audit
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.workflow.models import Journey, JourneyEvent, State

SUBMITTERS = {Role.UNIT_TEAM_LEADER, Role.UNIT_HEAD}  # assessment.submit at the Lapas


def _post(client, journey, transition, version=None, **extra):
    body = {"transition": transition, "version": journey.version if version is None else version, **extra}
    return client.post(f"/api/journeys/{journey.pk}/transitions/", body, format="json")


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_journey_matrix(world, journey, api_client_for, case):
    role, inside = case
    client = api_client_for(world["users"][(role, inside)])
    listed = {row["id"] for row in client.get("/api/journeys/", {"page_size": 200}).json()["results"]}
    assert (journey.pk in listed) == inside
    detail = client.get(f"/api/journeys/{journey.pk}/")
    assert detail.status_code == (200 if inside else 404)
    if inside:
        body = detail.json()
        assert body["state"] == State.BUILDING and body["version"] == journey.version
        moves = {move["transition"] for move in body["transitions"]}
        assert moves == ({State.SELF_SUBMITTED} if role in SUBMITTERS else set())
        assert [event["to_state"] for event in body["events"]] == [State.BUILDING]

    audited = AuditEvent.objects.count()
    response = _post(client, journey, State.SELF_SUBMITTED)
    expected = (200 if role in SUBMITTERS else 403) if inside else 404
    assert response.status_code == expected, (response.status_code, response.content[:300])
    moved = Journey.objects.get(pk=journey.pk)
    if expected == 200:
        assert response.json()["state"] == State.SELF_SUBMITTED
        assert moved.state == State.SELF_SUBMITTED and moved.version == journey.version + 1
        assert JourneyEvent.objects.filter(journey=journey, to_state=State.SELF_SUBMITTED).count() == 1
        assert AuditEvent.objects.filter(action="transition", object_id=str(journey.pk)).count() == 2
    else:
        assert (moved.state, moved.version) == (State.BUILDING, journey.version)
        assert AuditEvent.objects.count() == audited


def test_anonymous_gets_401(world, journey, api_client_for):
    client = api_client_for(None)
    assert client.get("/api/journeys/").status_code == 401
    assert client.get(f"/api/journeys/{journey.pk}/").status_code == 401
    assert _post(client, journey, State.SELF_SUBMITTED).status_code == 401
    assert Journey.objects.get(pk=journey.pk).state == State.BUILDING


def test_stale_version_is_409_and_changes_nothing(world, journey, api_client_for):
    client = api_client_for(world["leader"])
    stale = _post(client, journey, State.SELF_SUBMITTED, version=journey.version - 1)
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale" and "diubah orang lain" in body["detail"]
    assert body["current"]["version"] == journey.version and body["current"]["state"] == State.BUILDING
    assert Journey.objects.get(pk=journey.pk).version == journey.version
    # the first of two decisions made on the same version wins, the second is told it is stale
    assert _post(client, journey, State.SELF_SUBMITTED).status_code == 200
    assert _post(client, journey, State.SELF_SUBMITTED).status_code == 409


def test_full_review_round_trip_with_guards(world, journey, api_client_for):
    leader = api_client_for(world["leader"])
    reviewer = api_client_for(world["users"][(Role.REVIEWER, True)])
    illegal = _post(leader, journey, State.AWARDED)
    assert illegal.status_code == 409 and "tidak diizinkan" in str(illegal.json())
    assert illegal.json()["code"] == "refused"
    assert _post(leader, journey, State.SELF_SUBMITTED).status_code == 200
    journey.refresh_from_db()
    started = _post(reviewer, journey, State.IN_REVIEW)
    assert started.status_code == 200
    assert {m["transition"] for m in started.json()["transitions"]} == {State.RETURNED, State.REVIEWED}
    journey.refresh_from_db()
    no_note = _post(reviewer, journey, State.RETURNED, note="  ")
    assert no_note.status_code == 409 and "Catatan wajib" in str(no_note.json())
    returned = _post(reviewer, journey, State.RETURNED, note="Lengkapi SK tim <b>ZI</b>")
    assert returned.status_code == 200
    data = returned.json()
    assert data["state"] == State.RETURNED and data["events"][-1]["note"] == "Lengkapi SK tim <b>ZI</b>"
    assert data["events"][-1]["actor_label"] == world["users"][(Role.REVIEWER, True)].username
    journey.refresh_from_db()
    assert journey.assessment.status == "draft"  # the service keeps the assessment in step
    assert audit.verify().ok


@pytest.mark.parametrize("body", [{}, {"transition": "nope", "version": 1}, {"transition": "building", "version": -1}])
def test_invalid_input_is_400(world, journey, api_client_for, body):
    response = api_client_for(world["leader"]).post(f"/api/journeys/{journey.pk}/transitions/", body, format="json")
    assert response.status_code == 400
    assert Journey.objects.get(pk=journey.pk).version == journey.version


def test_filters(world, journey, api_client_for):
    client = api_client_for(world["users"][(Role.AGENCY_ADMIN, True)])
    ids = lambda **q: {row["id"] for row in client.get("/api/journeys/", q).json()["results"]}  # noqa: E731
    assert ids(state=State.BUILDING) == {journey.pk}
    assert ids(state=State.AWARDED) == set()
    assert ids(year=2027, subtree=world["tree"]["sumsel"].pk) == {journey.pk}
    assert ids(subtree=world["tree"]["kepri"].pk) == set()


def test_schema_documents_journeys(db, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/journeys/{id}/transitions/" in text
    assert "'409':" in text


def test_a_journey_without_a_target_predicate_serves_null_not_an_empty_string(world, journey, api_client_for):
    """The schema's enum is WBK/WBBM, nullable: a stored "" is served as null (list and detail)."""
    Journey.objects.filter(pk=journey.pk).update(target_predicate="")
    client = api_client_for(world["leader"])
    assert client.get(f"/api/journeys/{journey.pk}/").json()["target_predicate"] is None
    rows = client.get("/api/journeys/").json()["results"]
    assert [row["target_predicate"] for row in rows if row["id"] == journey.pk] == [None]
