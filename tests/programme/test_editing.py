"""Editing records after creation: same validation as creation, permission via access, audited before/after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.programme import services
from zi.programme.models import Activity, Complaint, ComplaintStatus, Innovation

D = dt.date


def last_update(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action="update").latest(
        "seq"
    )


@pytest.fixture
def activity(team, lapas, period, staff):
    return services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="sosialisasi",
        title="Sosialisasi ZI",
        held_on=D(2026, 2, 10),
        attendees=staff[:2],
    )


@pytest.fixture
def complaint(team, lapas):
    complaint, _code = services.complaint_create(
        actor=team,
        unit=lapas,
        channel="counter",
        category="pelayanan",
        subject="Antrean kunjungan lama",
        description="Menunggu dua jam",
        received_at=timezone.now() - dt.timedelta(days=20),
    )
    return complaint


def activity_post(activity, **changes):
    data = {
        "kind": activity.kind,
        "title": activity.title,
        "held_on": activity.held_on.isoformat(),
        "place": "",
        "description": "",
        "minutes": "",
        "attendees": [],
    }
    data.update(changes)
    return data


def test_activity_edit_page_updates_fields_and_attendance_with_audit(client, team, activity, staff):
    client.force_login(team)
    url = reverse("programme:activity_edit", args=[activity.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="Sosialisasi ZI"' in page.content.decode()
    response = client.post(
        url,
        activity_post(
            activity,
            title="Sosialisasi ZI tahap II",
            held_on="2026-03-01",
            minutes="Notulen rapat",
            attendees=[staff[1].pk, staff[2].pk, staff[3].pk],
        ),
    )
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    activity.refresh_from_db()
    assert (activity.title, activity.held_on) == ("Sosialisasi ZI tahap II", D(2026, 3, 1))
    assert activity.minutes == "Notulen rapat"
    assert sorted(activity.attendance.values_list("person_id", flat=True)) == [s.pk for s in staff[1:4]]
    event = last_update(activity)
    assert event.before["title"] == "Sosialisasi ZI" and event.after["title"] == "Sosialisasi ZI tahap II"
    assert event.before["attendees"] == [staff[0].pk, staff[1].pk]
    assert event.after["attendees"] == [s.pk for s in staff[1:4]]
    assert "Ubah kegiatan" in client.get(activity.get_absolute_url()).content.decode()


def test_activity_edit_validated_like_creation(client, team, activity, staff, outsider):
    client.force_login(team)
    url = reverse("programme:activity_edit", args=[activity.pk])
    response = client.post(url, activity_post(activity, held_on="2027-01-05"))
    assert response.status_code == 200 and "di dalam periode" in response.content.decode()
    response = client.post(url, activity_post(activity, attendees=[staff[0].pk, outsider.pk]))
    assert "Bukan pegawai unit ini: Pegawai Rutan Luar" in response.content.decode()
    activity.refresh_from_db()
    assert activity.held_on == D(2026, 2, 10)
    assert sorted(activity.attendance.values_list("person_id", flat=True)) == [staff[0].pk, staff[1].pk]
    assert not AuditEvent.objects.filter(object_type="programme.activity", action="update").exists()


def test_edit_pages_permissions(client, team, head, reviewer, activity, complaint, tree, lapas):
    urls = [
        reverse("programme:activity_edit", args=[activity.pk]),
        reverse("programme:complaint_edit", args=[complaint.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous → login
        client.force_login(head)
        assert client.get(url).status_code == 403  # reader, not writer
        client.force_login(reviewer)
        assert client.get(url).status_code == 403
        client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"]))
        assert client.get(url).status_code == 404  # out of scope
        client.force_login(team)
        assert client.get(url).status_code == 200
        client.logout()
    client.force_login(head)
    assert "Ubah kegiatan" not in client.get(activity.get_absolute_url()).content.decode()


def test_activity_update_service_refuses_other_units_team(activity, tree):
    other = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.activity_update(actor=other, activity=activity, title="x")
    assert Activity.objects.get().title == "Sosialisasi ZI"


def test_complaint_details_edit_moves_deadline_and_is_audited(client, team, complaint):
    client.force_login(team)
    url = reverse("programme:complaint_edit", args=[complaint.pk])
    data = {
        "channel": "lapor",
        "channel_reference": "",
        "category": "pungli",
        "subject": "Diminta uang titipan",
        "description": "Petugas meminta uang",
        "complainant_name": "Budi",
        "complainant_contact": "0812",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "nomor tiket" in response.content.decode()
    shown = timezone.localtime(complaint.received_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{shown}"' in client.get(url).content.decode()
    response = client.post(url, {**data, "channel_reference": "LAPOR-2026-77", "received_at": shown})
    assert response.status_code == 302
    updated = Complaint.objects.get()
    assert updated.category == "pungli" and updated.channel_reference == "LAPOR-2026-77"
    assert updated.received_at == complaint.received_at  # the minute shown in the form keeps the stored moment
    assert updated.sla_due_at == complaint.received_at + dt.timedelta(days=services.sla_days("pungli"))
    event = last_update(updated)
    assert event.before["category"] == "pelayanan" and event.after["category"] == "pungli"
    assert event.before["subject"] == "Antrean kunjungan lama"
    with pytest.raises(ValidationError, match="masa depan"):
        services.complaint_update_details(
            actor=team, complaint=updated, received_at=timezone.now() + dt.timedelta(days=3)
        )
    with pytest.raises(ValidationError, match="Kategori"):
        services.complaint_update_details(actor=team, complaint=updated, category="gosip")


def test_complaint_status_flow_drives_overdue_and_late_highlighting(client, team, complaint, lapas, period):
    client.force_login(team)
    detail = reverse("programme:complaint_detail", args=[complaint.pk])
    overview = reverse("programme:unit_overview", args=[lapas.pk]) + "?periode=2026"
    assert complaint.is_overdue  # received 20 days ago, 14-day deadline
    assert "Lewat batas waktu</span>" in client.get(overview).content.decode()

    client.post(detail, {"status": "in_progress", "handling_notes": "Dicek", "public_response": ""})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS and complaint.is_overdue

    too_early = (timezone.localdate(complaint.received_at) - dt.timedelta(days=1)).isoformat()
    response = client.post(
        detail, {"status": "resolved", "handling_notes": "", "public_response": "Diperbaiki", "resolved_at": too_early}
    )
    assert "sebelum pengaduan diterima" in response.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        detail, {"status": "resolved", "handling_notes": "", "public_response": "Diperbaiki", "resolved_at": future}
    )
    assert "masa depan" in response.content.decode()

    answered = timezone.localdate() - dt.timedelta(days=2)  # after the deadline: resolved late
    client.post(
        detail,
        {"status": "resolved", "handling_notes": "", "public_response": "Diperbaiki", "resolved_at": answered},
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED
    assert timezone.localdate(complaint.resolved_at) == answered
    assert not complaint.is_overdue and complaint.was_late
    html = client.get(overview).content.decode()
    assert "Selesai terlambat" in html and "Lewat batas waktu</span>" not in html
    event = last_update(complaint)
    assert event.before["status"] == "in_progress" and event.after["status"] == "resolved"
    assert event.before["resolved_at"] is None and event.after["resolved_at"]

    # reopened: no response date any more, overdue again
    client.post(detail, {"status": "in_progress", "handling_notes": "", "public_response": "Diperbaiki"})
    complaint.refresh_from_db()
    assert complaint.resolved_at is None and complaint.is_overdue
    with pytest.raises(ValidationError, match="hanya diisi"):
        services.complaint_update(actor=team, complaint=complaint, resolved_at=timezone.localdate())


def test_innovation_change_agent_and_plan_edits(client, team, lapas, period, staff):
    client.force_login(team)
    plan = services.workplan_create(actor=team, unit=lapas, period=period)
    response = client.post(reverse("programme:workplan_edit", args=[plan.pk]), {"title": "Rencana baru", "notes": ""})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Rencana baru" and last_update(plan).before["title"] != "Rencana baru"

    agent = services.change_agent_appoint(
        actor=team, unit=lapas, period=period, person=staff[0], appointed_on=D(2026, 1, 5)
    )
    url = reverse("programme:agent_edit", args=[agent.pk])
    response = client.post(url, {"appointed_on": "2027-01-05", "decree_ref": "SK-1"})
    assert "akhir periode" in response.content.decode()
    assert client.post(url, {"appointed_on": "2026-01-06", "decree_ref": "SK-1"}).status_code == 302
    agent.refresh_from_db()
    assert agent.decree_ref == "SK-1" and last_update(agent).after["decree_ref"] == "SK-1"

    change = services.change_create(actor=team, agent=agent, title="Loket lansia", made_on=D(2026, 2, 1))
    url = reverse("programme:change_edit", args=[change.pk])
    data = {"title": "Loket lansia", "made_on": "2026-02-01", "integrated": "on", "integration_how": ""}
    assert "diintegrasikan" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "integration_how": "SOP 4/2026"}).status_code == 302
    change.refresh_from_db()
    assert change.integrated and last_update(change).before["integrated"] is False

    innovation = services.innovation_create(
        actor=team, unit=lapas, title="Arsip", beneficiaries="WBP", started_on=D(2026, 3, 1), problem_statement="Hilang"
    )
    url = reverse("programme:innovation_edit", args=[innovation.pk])
    data = {"title": "Arsip digital", "beneficiaries": "WBP", "started_on": "2026-03-01", "problem_statement": ""}
    response = client.post(url, data)
    assert "kebutuhan yang terdokumentasi" in response.content.decode()
    assert client.post(url, {**data, "problem_statement": "Berkas hilang"}).status_code == 302
    innovation = Innovation.objects.get()
    assert innovation.title == "Arsip digital" and last_update(innovation).before["title"] == "Arsip"
