"""E-mails to a public complainant who left an address: receipt, status changes and answers; never internal notes,
never the address shown to the unit; sent through the task queue after commit."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zi.core import tasks
from zi.core.models import AuditEvent
from zi.integrity import forms as integrity_forms
from zi.programme import forms, services
from zi.programme.models import Complaint

ADDRESS = "warga.pengadu@example.com"
SECRET_NOTE = "CATATAN-INTERNAL-RAHASIA"


@pytest.fixture
def sent(monkeypatch):
    """Every message goes through zi.core.tasks.send_email (the Huey task); record its calls."""
    calls = []
    original = tasks.send_email

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks, "send_email", spy)
    return calls


def _submit(client, unit, **extra):
    data = {"category": "pelayanan", "subject": "Antrean panjang", "description": "Dua jam menunggu", **extra}
    return client.post(reverse("programme:complaint_public", args=[unit.pk]), data, follow=True)


@pytest.fixture
def filed(client, lapas, sent, django_capture_on_commit_callbacks):
    """A complaint through the public form with an address; returns (complaint, code)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, lapas, notify_email=ADDRESS, complainant_contact="0812-555")
    code = re.search(r"<code>([A-Z0-9-]+)</code>", response.content.decode()).group(1)
    return Complaint.objects.get(), code


def test_receipt_carries_the_code_and_the_address_stays_out_of_the_trail(filed, sent):
    complaint, code = filed
    assert complaint.notify_email == ADDRESS and complaint.tracking_hint == code.replace("-", "")[-4:]
    assert len(mail.outbox) == 1 and len(sent) == 1
    receipt = mail.outbox[0]
    assert receipt.to == [ADDRESS] and "Lapas Kelas I Palembang" in receipt.subject
    assert code in receipt.body and reverse("programme:track") in receipt.body
    event = AuditEvent.objects.get(object_type="programme.complaint", action="create")
    assert ADDRESS not in str(event.after) and event.after["notify_requested"] is True


def test_status_change_and_answer_notify_without_internal_notes(filed, team, django_capture_on_commit_callbacks):
    complaint, code = filed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_update(actor=team, complaint=complaint, status="in_progress", handling_notes=SECRET_NOTE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Sedang diproses" in message.subject and message.to == [ADDRESS]
    assert f"berakhiran {code[-4:]}" in message.body
    assert code not in message.body and SECRET_NOTE not in message.body and "0812-555" not in message.body
    with django_capture_on_commit_callbacks(execute=True):  # notes only: nothing for the complainant
        services.complaint_update(actor=team, complaint=complaint, handling_notes=SECRET_NOTE + " 2")
        services.complaint_update(actor=team, complaint=complaint, status="in_progress")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):  # answered (same status): a message with the answer
        services.complaint_update(actor=team, complaint=complaint, public_response="Loket kedua dibuka.")
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_update(actor=team, complaint=complaint, status="resolved")
    assert len(mail.outbox) == 3
    assert "Loket kedua dibuka." in mail.outbox[1].body
    assert "Selesai ditindaklanjuti" in mail.outbox[2].subject and SECRET_NOTE not in mail.outbox[2].body


def test_first_follow_up_notifies_the_status_but_not_its_text(filed, team, django_capture_on_commit_callbacks):
    complaint, _code = filed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_add_action(
            actor=team, complaint=complaint, done_on=timezone.localdate(), description="Memanggil petugas X"
        )
        services.complaint_add_action(actor=team, complaint=complaint, done_on=timezone.localdate(), description="Lagi")
    assert len(mail.outbox) == 1
    assert "Sedang diproses" in mail.outbox[0].body and "Memanggil petugas X" not in mail.outbox[0].body


def test_refused_change_sends_nothing(filed, team, django_capture_on_commit_callbacks):
    complaint, _code = filed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.complaint_update(actor=team, complaint=complaint, status="resolved")  # no answer written
    assert mail.outbox == []


def test_address_never_shown_to_the_unit(client, filed, team, lapas):
    complaint, _code = filed
    client.force_login(team)
    page = client.get(reverse("programme:complaint_detail", args=[complaint.pk])).content.decode()
    assert ADDRESS not in page and "Kabar melalui surel" in page
    export = client.get(reverse("programme:complaints_export", args=[lapas.pk])).content.decode("utf-8-sig")
    assert "0812-555" in export and ADDRESS not in export  # the team sees the contact, never the address
    api = client.get(f"/api/complaints/{complaint.pk}/")
    assert api.status_code == 200 and ADDRESS not in api.content.decode()


def test_without_address_or_staff_recorded_no_mail(client, lapas, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, lapas)
        complaint = Complaint.objects.get()
        services.complaint_update(actor=team, complaint=complaint, status="rejected", public_response="Bukan wewenang")
        staff_complaint, _ = services.complaint_create(
            actor=team, unit=lapas, channel="counter", category="pelayanan", subject="S", description="D"
        )
        services.complaint_update(actor=team, complaint=staff_complaint, status="in_progress")
    assert mail.outbox == []


def test_bad_address_refused_and_whistle_form_has_none(client, lapas):
    response = _submit(client, lapas, notify_email="bukan-surel")
    assert response.status_code == 200 and not Complaint.objects.exists()
    with pytest.raises(ValidationError, match="surel"):
        services.complaint_submit_public(
            unit=lapas, category="pelayanan", subject="S", description="D", notify_email="a@b"
        )
    assert "notify_email" not in integrity_forms.WhistlePublicForm().fields
    assert "tidak ditampilkan" in str(forms.ComplaintPublicForm().fields["notify_email"].help_text)


def test_mails_are_written_in_the_language_of_the_form(
    client, lapas, team, settings, sent, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the complainant switched the public form to English
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, lapas, notify_email=ADDRESS)
    complaint = Complaint.objects.get()
    assert complaint.notify_language == "en"
    assert mail.outbox[0].subject == "Your complaint to Lapas Kelas I Palembang has been received"
    assert "Keep this tracking code" in mail.outbox[0].body and "Simpan kode lacak" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):  # the unit's staff work in Indonesian: still English
        services.complaint_update(actor=team, complaint=complaint, status="in_progress")
    assert mail.outbox[1].subject.startswith("Progress of your complaint:")
    assert "There is news on your complaint (tracking code ending in" in mail.outbox[1].body
    Complaint.objects.filter(pk=complaint.pk).update(notify_language="xx")  # unknown: Indonesian
    complaint.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_update(actor=team, complaint=complaint, public_response="Loket kedua dibuka.")
    assert mail.outbox[2].subject.startswith("Perkembangan pengaduan Anda:")
