"""Withdrawing photos, correcting/removing follow-up actions, editing single register entries (through the views)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.core.models import AuditEvent
from zi.integrity import services as integrity_services
from zi.integrity.models import ConflictOfInterest, GratificationReport
from zi.organisations.models import Role
from zi.programme import services
from zi.programme.models import ActivityPhoto, FollowUpAction

D = dt.date
PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def events(obj, action):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


@pytest.fixture
def outsider_team(db):
    return factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=factories.make_unit(name="Unit Lain"))


@pytest.fixture
def photo(team, lapas, period, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    activity = services.activity_create(
        actor=team, unit=lapas, period=period, kind="banner", title="Banner ZI", held_on=D(2026, 2, 1)
    )
    upload = SimpleUploadedFile("banner.png", PNG_1PX, content_type="image/png")
    return services.activity_add_photo(actor=team, activity=activity, uploaded_file=upload, caption="Banner lobi")


@pytest.fixture
def action(team, lapas):
    complaint, _code = services.complaint_create(
        actor=team,
        unit=lapas,
        channel="counter",
        category="pelayanan",
        subject="Antrean lama",
        description="Menunggu dua jam",
        received_at=timezone.now() - dt.timedelta(days=10),
    )
    done_on = timezone.localdate() - dt.timedelta(days=5)
    return services.complaint_add_action(actor=team, complaint=complaint, done_on=done_on, description="Dicek petugas")


# --- photos ---------------------------------------------------------------------------------------------------


def test_withdraw_photo_hides_it_and_keeps_the_trail(client, team, photo):
    detail = photo.activity.get_absolute_url()
    photo_url = reverse("programme:activity_photo", args=[photo.pk])
    withdraw = reverse("programme:activity_photo_withdraw", args=[photo.pk])
    client.force_login(team)
    assert withdraw in client.get(detail).content.decode()
    assert client.get(withdraw).status_code == 405
    response = client.post(withdraw)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.withdrawn_at is not None and photo.withdrawn_by == team
    assert ActivityPhoto.objects.filter(pk=photo.pk).exists() and photo.file.storage.exists(photo.file.name)
    assert photo_url not in client.get(detail).content.decode()
    assert client.get(photo_url).status_code == 404
    event = events(photo.activity, "withdraw_photo").get()
    assert event.before["withdrawn"] is False and event.after["withdrawn"] is True
    assert event.after["photo"] == photo.pk and event.after["sha256"] == photo.sha256
    assert client.post(withdraw).status_code == 404  # already withdrawn


def test_withdraw_photo_out_of_scope_and_read_only(client, photo, reviewer, outsider_team):
    withdraw = reverse("programme:activity_photo_withdraw", args=[photo.pk])
    client.force_login(outsider_team)
    assert client.post(withdraw).status_code == 404
    client.force_login(reviewer)
    page = client.get(photo.activity.get_absolute_url()).content.decode()
    assert withdraw not in page
    assert client.post(withdraw).status_code == 403
    photo.refresh_from_db()
    assert photo.withdrawn_at is None


# --- follow-up actions ----------------------------------------------------------------------------------------


def test_edit_follow_up_action_validates_and_audits(client, team, action):
    url = reverse("programme:complaint_action_edit", args=[action.pk])
    client.force_login(team)
    assert url in client.get(action.complaint.get_absolute_url()).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Dicek petugas" in page.content.decode()
    too_early = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = client.post(url, {"done_on": too_early, "description": "x"})
    assert response.status_code == 200 and "sebelum pengaduan diterima" in response.content.decode()
    response = client.post(url, {"done_on": action.done_on.isoformat(), "description": "Loket ditambah"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Loket ditambah"
    event = events(action, "update").get()
    assert event.before["description"] == "Dicek petugas" and event.after["description"] == "Loket ditambah"
    client.post(url, {"done_on": action.done_on.isoformat(), "description": "Loket ditambah"})
    assert events(action, "update").count() == 1  # nothing changed, nothing recorded


def test_delete_follow_up_action_keeps_audit(client, team, action):
    url = reverse("programme:complaint_action_delete", args=[action.pk])
    client.force_login(team)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not FollowUpAction.objects.filter(pk=action.pk).exists()
    event = events(action, "delete").get()
    assert event.before["description"] == "Dicek petugas"


def test_follow_up_action_out_of_scope_and_read_only(client, action, reviewer, outsider_team):
    edit = reverse("programme:complaint_action_edit", args=[action.pk])
    delete = reverse("programme:complaint_action_delete", args=[action.pk])
    client.force_login(outsider_team)
    assert client.get(edit).status_code == 404
    assert client.post(delete).status_code == 404
    client.force_login(reviewer)
    assert edit not in client.get(action.complaint.get_absolute_url()).content.decode()
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"done_on": action.done_on.isoformat(), "description": "x"}).status_code == 403
    assert client.post(delete).status_code == 403
    action.refresh_from_db()
    assert action.description == "Dicek petugas"


# --- register entries -----------------------------------------------------------------------------------------


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
