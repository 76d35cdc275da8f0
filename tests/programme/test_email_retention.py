"""A public complainant's notification address is kept only while it can serve: erased once the complaint has been
closed and unchanged for the retention period, never from an open complaint; audited without the address."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from zi.core.models import AuditEvent
from zi.programme import services, tasks
from zi.programme.models import Complaint

pytestmark = pytest.mark.django_db
ADDRESS = "warga.pengadu@example.com"


def _complaint(lapas, subject):
    complaint, _code = services.complaint_submit_public(
        unit=lapas, category="pelayanan", subject=subject, description="Dua jam menunggu", notify_email=ADDRESS
    )
    return complaint


def _age(complaint, days):
    Complaint.objects.filter(pk=complaint.pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


def test_closed_complaints_lose_the_address_after_the_retention(lapas, team, settings):
    settings.ZI_COMPLAINT_EMAIL_RETENTION_DAYS = 30
    resolved_old = _complaint(lapas, "Selesai lama")
    rejected_old = _complaint(lapas, "Ditolak lama")
    resolved_recent = _complaint(lapas, "Selesai baru")
    open_old = _complaint(lapas, "Masih diproses")
    services.complaint_update(actor=team, complaint=resolved_old, status="resolved", public_response="Sudah.")
    services.complaint_update(
        actor=team, complaint=rejected_old, status="rejected", public_response="Bukan kewenangan."
    )
    services.complaint_update(actor=team, complaint=resolved_recent, status="resolved", public_response="Sudah.")
    services.complaint_update(actor=team, complaint=open_old, status="in_progress")
    for complaint in (resolved_old, rejected_old, open_old):
        _age(complaint, 31)
    _age(resolved_recent, 29)

    assert tasks.programme_erase_complainant_emails.call_local() == 2
    left = dict(Complaint.objects.values_list("subject", "notify_email"))
    assert left == {"Selesai lama": "", "Ditolak lama": "", "Selesai baru": ADDRESS, "Masih diproses": ADDRESS}
    assert Complaint.objects.get(pk=resolved_old.pk).notify_language == ""
    events = AuditEvent.objects.filter(action="erase_notify_email")
    assert sorted(e.object_id for e in events) == sorted([str(resolved_old.pk), str(rejected_old.pk)])
    assert all(e.before == {"notify_requested": True} and e.after == {"notify_requested": False} for e in events)
    assert (
        not AuditEvent.objects.filter(payload__icontains=ADDRESS).exists() if hasattr(AuditEvent, "payload") else True
    )
    assert ADDRESS not in " ".join(str(e.__dict__) for e in AuditEvent.objects.all())
    assert services.complainant_emails_erase() == 0  # a second run finds nothing


def test_command_takes_a_retention_and_refuses_a_negative_one(lapas, team):
    complaint = _complaint(lapas, "Selesai kemarin")
    services.complaint_update(actor=team, complaint=complaint, status="resolved", public_response="Sudah.")
    _age(complaint, 2)
    out = io.StringIO()
    call_command("programme", "erase-emails", stdout=out)  # default 90 days: too recent
    assert out.getvalue().strip() == "0 alamat surel pengadu dihapus"
    call_command("programme", "erase-emails", "--days", "1", stdout=out)
    assert "1 alamat surel pengadu dihapus" in out.getvalue()
    assert Complaint.objects.get(pk=complaint.pk).notify_email == ""
    with pytest.raises(CommandError, match="--days"):
        call_command("programme", "erase-emails", "--days", "-1")


def test_public_form_says_how_long_the_address_is_kept(client, lapas, settings):
    settings.ZI_COMPLAINT_EMAIL_RETENTION_DAYS = 45
    page = client.get(reverse("programme:complaint_public", args=[lapas.pk])).content.decode()
    assert "dihapus 45 hari setelah pengaduan selesai" in page
