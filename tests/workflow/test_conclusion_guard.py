"""The TPI conclusion guard (issue #17): "memenuhi" is refused while a proposal precondition fails, unless the TPI
records an override with a reason (stored, in the hash-chained audit trail, on the journey page and the LHE); the
failing checks show before deciding; irreversible decisions go through a confirmation step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.pdf_checks import pdf_text
from tests.workflow.conftest import OVERRIDE, fill_lane, go, journey_at, lapas_holds_wbk
from tests.workflow.test_proposal import _ready
from tests.workflow.test_transitions import NO_OVERRIDE
from zi.assessments.models import Lane, LaneScore
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.workflow import lhe
from zi.workflow.models import Journey, State


def test_memenuhi_refused_while_preconditions_fail(jw):
    journey = journey_at(jw, State.TPI_EVALUATION)
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi")
    text = " ".join(refused.value.messages)
    assert "Data syarat instansi" in text and "Kepatuhan LHKPN/LHKASN" in text
    assert refused.value.messages[-1] == NO_OVERRIDE
    journey.refresh_from_db()
    assert (journey.state, journey.tpi_override_reason) == (State.TPI_EVALUATION, "")
    assert not AuditEvent.objects.filter(action="tpi_override").exists()
    # "belum memenuhi" needs no override
    assert go(jw, journey, State.TPI_NOT_MEETS, "tpi1", "Belum").state == State.TPI_NOT_MEETS


def test_override_with_reason_is_stored_audited_shown_and_printed(client, jw):
    journey = journey_at(jw, State.TPI_EVALUATION)
    journey = go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi", data={"override_reason": f"  {OVERRIDE} "})
    assert journey.state == State.TPI_MEETS and journey.tpi_override_reason == OVERRIDE
    assert any("Data syarat instansi" in c for c in journey.tpi_override_checks)
    event = AuditEvent.objects.get(action="tpi_override", object_id=str(journey.pk))
    assert event.actor_label == "tpi1" and event.after["reason"] == OVERRIDE
    assert event.after["checks"] == journey.tpi_override_checks
    transition = AuditEvent.objects.filter(action="transition", object_id=str(journey.pk)).latest("seq")
    assert transition.after["tpi_override_reason"] == OVERRIDE
    assert verify().ok
    client.force_login(jw["admin"])
    page = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert 'id="tpi-override"' in page and OVERRIDE in page
    assert client.get(reverse("workflow:lhe", args=[journey.pk])).status_code == 404  # no LHE issued yet
    lhe.notes_save(actor=jw["tpi1"], journey=journey, number="LHE-2/2026", place="Palembang", date=dt.date(2026, 5, 2))
    lhe.issue(actor=jw["tpi1"], journey=journey)
    text = pdf_text(client.get(reverse("workflow:lhe", args=[journey.pk])).content)
    assert "Pengecualian syarat oleh TPI" in text and OVERRIDE in text
    # the proposal still checks the preconditions: the override only let the TPI conclude
    with pytest.raises(ValidationError, match="Data syarat instansi"):
        go(jw, journey, State.PROPOSED, "admin")


def test_override_reason_at_most_2000_characters(jw):
    journey = journey_at(jw, State.TPI_EVALUATION)
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi", data={"override_reason": "x" * 2001})
    assert refused.value.messages == ["Alasan pengecualian terlalu panjang (maksimal 2000 karakter)."]
    journey = go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi", data={"override_reason": "x" * 2000})
    assert (journey.state, journey.tpi_override_reason) == (State.TPI_MEETS, "x" * 2000)


def test_memenuhi_reads_this_journeys_tpi_lane(jw, tree):
    """The TPI lane's stored score decides, not the unit's own lane nor another assessment's TPI lane."""
    other = factories.make_assessment(unit=tree["rutan"], period=jw["period"])
    figures = {"total": 90.0, "pengungkit": 52.0, "hasil": 38.0, "pemenuhan": 20.0, "reform": 12.0}
    LaneScore.objects.create(  # another unit's TPI lane, stored before this one's: eligible
        assessment=other,
        lane=Lane.TPI,
        **figures,
        eligible_wbk=True,
        eligible_wbbm=True,
        breakdown={},
        computed_at=timezone.now(),
    )
    journey = journey_at(jw, State.TPI_EVALUATION)  # the self and review lanes meet WBK
    fill_lane(jw, quality=0.3, lane=Lane.TPI, actor=jw["tpi1"])
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi", data={"override_reason": OVERRIDE})
    assert refused.value.messages[:2] == ["Nilai jalur TPI belum memenuhi ambang WBK.", "Nilai total 54,81 < 75,00"]


def test_memenuhi_for_wbbm_reads_the_wbbm_threshold(jw):
    lapas_holds_wbk(jw)
    journey = journey_at(jw, State.TPI_EVALUATION, target_predicate="WBBM")
    tpi = LaneScore.objects.get(assessment=jw["assessment"], lane=Lane.TPI)
    assert (tpi.eligible_wbk, tpi.eligible_wbbm) == (True, False)
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi", data={"override_reason": OVERRIDE})
    assert refused.value.messages[0] == "Nilai jalur TPI belum memenuhi ambang WBBM."


def test_no_override_needed_or_stored_when_preconditions_hold(jw):
    journey = journey_at(jw, State.TPI_EVALUATION)
    _ready(jw, journey)
    journey = go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi", data={"override_reason": "tidak perlu"})
    assert (journey.state, journey.tpi_override_reason, journey.tpi_override_checks) == (State.TPI_MEETS, "", [])
    assert not AuditEvent.objects.filter(action="tpi_override").exists()


def test_checks_show_before_deciding_and_confirmation_step(client, jw):
    journey = journey_at(jw, State.TPI_EVALUATION)
    client.force_login(jw["tpi1"])
    detail = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert 'id="conclusion-checks"' in detail and "Data syarat instansi" in detail
    confirm_url = reverse("workflow:decide", args=[journey.pk, State.TPI_MEETS])
    page = client.get(confirm_url).content.decode()
    assert 'name="confirm" value="1"' in page and 'name="override_reason"' in page and "Data syarat instansi" in page

    url = reverse("workflow:transition", args=[journey.pk])
    base = {"version": journey.version, "to_state": State.TPI_MEETS, "note": "Memenuhi", "override_reason": OVERRIDE}
    step = client.post(url, base)  # no confirm field: the confirmation page, nothing changes
    assert step.status_code == 200 and 'name="confirm"' in step.content.decode() and OVERRIDE in step.content.decode()
    assert Journey.objects.get(pk=journey.pk).state == State.TPI_EVALUATION

    refused = client.post(url, {**base, "override_reason": "", "confirm": "1"})  # confirmed, but no reason
    assert refused.status_code == 200 and "pengecualian" in refused.content.decode()
    assert Journey.objects.get(pk=journey.pk).state == State.TPI_EVALUATION

    done = client.post(url, {**base, "confirm": "1"})
    assert done.status_code == 302
    journey.refresh_from_db()
    assert (journey.state, journey.tpi_override_reason) == (State.TPI_MEETS, OVERRIDE)


def test_confirmation_page_permissions(client, jw):
    journey = journey_at(jw, State.TPI_EVALUATION)
    url = reverse("workflow:decide", args=[journey.pk, State.TPI_MEETS])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(jw["leader"])  # sees the journey, may not conclude
    assert client.get(url).status_code == 403
    client.force_login(jw["tpi1"])
    assert client.get(reverse("workflow:decide", args=[journey.pk, State.PROPOSED])).status_code == 404
    assert client.get(reverse("workflow:decide", args=[journey.pk, State.REVOKED])).status_code == 404
    client.force_login(jw["other"])  # a unit team member elsewhere: the journey is out of scope
    assert client.get(url).status_code == 404


def test_api_transition_takes_the_override_reason(jw):
    from rest_framework.test import APIClient

    journey = journey_at(jw, State.TPI_EVALUATION)
    client = APIClient()
    client.force_authenticate(jw["tpi1"])
    url = f"/api/journeys/{journey.pk}/transitions/"
    body = {"transition": State.TPI_MEETS, "version": journey.version, "note": "Memenuhi"}
    refused = client.post(url, body, format="json")
    assert refused.status_code == 409 and "pengecualian" in refused.content.decode()
    done = client.post(url, {**body, "override_reason": OVERRIDE}, format="json")
    assert done.status_code == 200 and done.json()["state"] == State.TPI_MEETS
    assert Journey.objects.get(pk=journey.pk).tpi_override_reason == OVERRIDE
