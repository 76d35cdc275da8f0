"""Withdrawing photos, correcting/removing follow-up actions, editing single register entries (through the views)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zi.core.models import AuditEvent
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
