"""The registers' services and their correction pages: validation, permissions, audit, the identity rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from zi.core.models import AuditEvent
from zi.integrity import selectors as integrity_selectors
from zi.integrity import services as integrity_services
from zi.integrity.models import ConflictOfInterest, GratificationReport, WhistleReport
from zi.organisations.access import Action, may
from zi.organisations.models import Role
from zi.programme import services

D = dt.date
CONTACT = "rahasia.pelapor@example.com"


def audit_actions(obj):
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).values_list(
            "action", flat=True
        )
    )


def events(obj, action):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


def test_gratification_and_conflict_registers(team, lapas, staff, outsider, tpi):
    report = integrity_services.gratification_report_create(
        actor=team,
        unit=lapas,
        reporter=staff[0],
        offered_on=D(2026, 3, 3),
        giver_description="Keluarga WBP",
        gift_description="Parsel buah",
        value_estimate="350000",
        refused=True,
    )
    assert report.decision == "refused"
    with pytest.raises(ValidationError, match="pegawai aktif"):
        integrity_services.gratification_report_create(
            actor=team,
            unit=lapas,
            reporter=outsider,
            offered_on=D(2026, 3, 3),
            giver_description="x",
            gift_description="y",
        )
    with pytest.raises(ValidationError, match="angka"):
        integrity_services.gratification_report_create(
            actor=team,
            unit=lapas,
            reporter=staff[0],
            offered_on=D(2026, 3, 3),
            giver_description="x",
            gift_description="y",
            value_estimate="banyak",
        )
    integrity_services.gratification_decide(
        actor=tpi, report=report, decision="reported_kpk", decision_note="Dilaporkan ke UPG"
    )
    conflict = integrity_services.conflict_create(
        actor=team,
        unit=lapas,
        declared_on=D(2026, 2, 2),
        situation="Petugas registrasi menangani kerabatnya",
        person=staff[1],
        mitigation="Dialihkan ke petugas lain",
    )
    integrity_services.conflict_update(actor=team, conflict=conflict, status="mitigated")
    assert audit_actions(conflict) == ["create", "update"]
    assert audit_actions(report) == ["create", "update"]


def test_whistle_report_identity_kept_from_audit_and_unit(lapas, team, head, tpi):
    report, code = integrity_services.whistle_submit_public(
        unit=lapas,
        subject="Pungli kunjungan",
        description="Diminta uang Rp50.000",
        reporter_name="Siti Pelapor",
        reporter_contact="siti.rahasia@example.com",
    )
    event = AuditEvent.objects.get(object_type="integrity.whistlereport", object_id=str(report.pk))
    assert "Siti" not in str(event.after) and "siti.rahasia" not in str(event.after)
    assert event.after["identity_given"] is True
    assert services.track(code)["kind"] == "whistle"
    for user in (team, head):
        assert not integrity_selectors.whistle_reports_for(user=user).exists()
        assert not integrity_services.may_see_whistle_identity(user, report)
        with pytest.raises(PermissionDenied):
            integrity_services.whistle_update(actor=user, report=report, status="closed")
    assert list(integrity_selectors.whistle_reports_for(user=tpi)) == [report]
    assert integrity_services.may_see_whistle_identity(tpi, report)
    integrity_services.whistle_update(
        actor=tpi, report=report, status="investigating", public_response="Sedang ditelaah"
    )
    assert integrity_selectors.whistle_counts(unit=lapas) == {"total": 1, "open": 1}


def test_handler_who_is_staff_of_the_unit_does_not_see_identity(lapas, agency, integrity_handle):
    insider = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, unit_id=lapas.pk)
    report, _ = integrity_services.whistle_submit_public(
        unit=lapas, subject="s", description="d", reporter_contact="x@y.id"
    )
    assert may(insider, Action.INTEGRITY_HANDLE, lapas)
    assert not integrity_services.may_see_whistle_identity(insider, report)


def test_whistle_unit_must_be_active(lapas):
    lapas.is_active = False
    lapas.save()
    with pytest.raises(ValidationError):
        integrity_services.whistle_submit_public(unit=lapas, subject="s", description="d")
    assert not WhistleReport.objects.exists()


@pytest.fixture
def gratification(team, lapas, staff):
    return integrity_services.gratification_report_create(
        actor=team,
        unit=lapas,
        reporter=staff[0],
        offered_on=D(2026, 3, 1),
        giver_description="Keluarga warga binaan",
        gift_description="Parsel",
    )


@pytest.fixture
def conflict(team, lapas, staff):
    return integrity_services.conflict_create(
        actor=team, unit=lapas, person=staff[1], declared_on=D(2026, 3, 2), situation="Menangani kerabat"
    )


def test_edit_gratification_entry(client, team, gratification):
    url = reverse("integrity:gratification_edit", args=[gratification.pk])
    client.force_login(team)
    assert url in client.get(reverse("integrity:gratification_list", args=[gratification.unit_id])).content.decode()
    assert client.post(url, {"decision": "bogus"}).status_code == 200
    response = client.post(url, {"decision": "state_owned", "decision_note": "Diserahkan ke KPK"})
    assert response.status_code == 302
    gratification.refresh_from_db()
    assert gratification.decision == "state_owned" and gratification.decision_note == "Diserahkan ke KPK"
    event = events(gratification, "update").get()
    assert event.before["decision"] == "pending" and event.after["decision"] == "state_owned"


def test_edit_conflict_entry(client, tpi, conflict):
    url = reverse("integrity:conflict_edit", args=[conflict.pk])
    client.force_login(tpi)  # integrity handlers write the registers too
    response = client.post(url, {"status": "mitigated", "mitigation": "Dialihkan ke petugas lain"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == "mitigated" and conflict.mitigation == "Dialihkan ke petugas lain"
    event = events(conflict, "update").get()
    assert event.before["status"] == "identified" and event.after["status"] == "mitigated"


@pytest.mark.parametrize("kind", ["gratification", "conflict"])
def test_register_entry_out_of_scope_and_read_only(client, kind, gratification, conflict, reviewer, outsider_team):
    record = gratification if kind == "gratification" else conflict
    url = reverse(f"integrity:{kind}_edit", args=[record.pk])
    data = {"decision": "state_owned", "status": "closed"}
    client.force_login(outsider_team)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert GratificationReport.objects.get().decision == "pending"
    assert ConflictOfInterest.objects.get().status == "identified"
    client.logout()
    assert client.get(url).status_code == 302


def test_gratification_value_is_typed_the_indonesian_way(client, team, lapas, staff):
    """Issue #16 item 5: "1.500.000" is one and a half million rupiah, shown grouped; "1.5" is refused."""
    from zi.integrity.models import GratificationReport

    url = reverse("integrity:gratification_list", args=[lapas.pk])
    client.force_login(team)
    data = {
        "reporter": staff[0].pk,
        "offered_on": "2026-03-01",
        "giver_description": "Keluarga warga binaan",
        "gift_description": "Parsel",
        "decision": "pending",
        "value_estimate": "1.5",
    }
    html = client.post(url, data).content.decode()
    assert "“Perkiraan nilai (Rp)”: “1.5” membingungkan" in html
    assert not GratificationReport.objects.exists()
    data["value_estimate"] = "1.500.000"
    assert client.post(url, data).status_code == 302
    assert GratificationReport.objects.get().value_estimate == 1500000
    assert ">1.500.000</td>" in client.get(url).content.decode()
