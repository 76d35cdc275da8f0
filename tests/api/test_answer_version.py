"""Optimistic concurrency for answers in the API: a save that carries a stale ``version`` is refused with 409 and
the current answer (nothing stored, nothing lost); without ``version`` it overwrites like the worksheet."""

from __future__ import annotations

from zi.assessments.models import Answer
from zi.core.models import AuditEvent
from zi.organisations.models import Role


def _save(client, world, **body):
    url = f"/api/assessments/{world['draft'].pk}/answers/"
    return client.post(url, {"question": world["choice_code"], **body}, format="json")


def test_versions_decide_who_wins(world, api_client_for):
    alice = api_client_for(world["member"])
    bob = api_client_for(world["leader"])
    created = _save(alice, world, choice="Ya", version=None)
    assert created.status_code == 200, created.content
    first = created.json()["version"]
    assert _save(bob, world, choice="Tidak", version=None).status_code == 409  # "create" but it exists now

    won = _save(bob, world, choice="Tidak", version=first, note="Bob")
    assert won.status_code == 200
    assert won.json()["version"] != first
    events = AuditEvent.objects.count()
    lost = _save(alice, world, choice="Ya", version=first, note="Alice")
    assert lost.status_code == 409
    body = lost.json()
    assert body["code"] == "stale" and "muat ulang" in body["detail"]
    assert body["current"]["choice"] == "Tidak" and body["current"]["note"] == "Bob"
    assert body["current"]["version"] == won.json()["version"]
    stored = Answer.objects.get(pk=body["current"]["id"])
    assert (stored.choice, stored.note) == ("Tidak", "Bob")
    assert AuditEvent.objects.count() == events

    # Alice merges from the current answer and saves again with its version
    merged = _save(alice, world, choice="Ya", note="Bob + Alice", version=body["current"]["version"])
    assert merged.status_code == 200 and merged.json()["note"] == "Bob + Alice"
    # without a version the last writer wins (the worksheet's autosave behaviour)
    assert _save(bob, world, choice="Tidak").status_code == 200
    assert Answer.objects.filter(assessment=world["draft"], lane="self").count() == 1


def test_stale_version_does_not_reveal_a_lane_the_caller_may_not_write(world, api_client_for):
    client = api_client_for(world["users"][(Role.UNIT_HEAD, True)])
    response = _save(client, world, choice="Ya", version=12345)
    assert response.status_code == 403
    assert "current" not in response.json()
