"""The registers' pages and the public whistle-blowing form: who reads, who writes, who sees the reporter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.programme.conftest import code_in
from zi.core.models import AuditEvent
from zi.integrity import services as integrity_services
from zi.integrity.models import WhistleReport

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


def test_integrity_registers_read_only_for_readers(client, reviewer, team, lapas, staff):
    client.force_login(reviewer)
    url = reverse("integrity:gratification_list", args=[lapas.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="giver_description"' not in page.content.decode()
    data = {
        "reporter": staff[0].pk,
        "offered_on": "2026-03-01",
        "giver_description": "x",
        "gift_description": "y",
        "decision": "pending",
    }
    assert client.post(url, data).status_code == 403
    client.force_login(team)
    response = client.post(url, {**data, "reporter": 999999})
    assert "pegawai aktif" in response.content.decode()
    assert client.post(url, data).status_code == 302
    url = reverse("integrity:conflict_list", args=[lapas.pk])
    response = client.post(url, {"declared_on": "2026-03-01", "situation": "Menangani kerabat", "status": "identified"})
    assert response.status_code == 302


def test_superuser_handles_whistle_reports(client, lapas):
    integrity_services.whistle_submit_public(
        unit=lapas, subject="Laporan", description="d", reporter_contact="kontak@x.id"
    )
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("integrity:whistle_list", args=[lapas.pk])).content.decode()
    assert "Laporan" in html


@pytest.fixture
def whistle(client, lapas):
    response = client.post(
        reverse("integrity:whistle_public", args=[lapas.pk]),
        {
            "subject": "Pungli kunjungan",
            "description": "Petugas meminta uang",
            "reporter_name": "Siti Rahasia",
            "reporter_contact": CONTACT,
        },
        follow=True,
    )
    code_in(response)
    return WhistleReport.objects.get()


def test_whistle_identity_never_shown_to_unit(client, lapas, team, head, whistle, tpi):
    for user in (team, head):
        client.force_login(user)
        pages = [
            reverse("programme:unit_overview", args=[lapas.pk]) + "?periode=2026",
            reverse("integrity:whistle_list", args=[lapas.pk]),
            reverse("integrity:whistle_detail", args=[whistle.pk]),
            reverse("integrity:gratification_list", args=[lapas.pk]),
            reverse("integrity:conflict_list", args=[lapas.pk]),
            reverse("core:audit_list"),
        ]
        for url in pages:
            html = client.get(url).content.decode()
            assert CONTACT not in html and "Siti Rahasia" not in html, url
        assert client.get(reverse("integrity:whistle_detail", args=[whistle.pk])).status_code == 404
    client.force_login(tpi)
    html = client.get(reverse("integrity:whistle_detail", args=[whistle.pk])).content.decode()
    assert CONTACT in html and "Siti Rahasia" in html
    response = client.post(
        reverse("integrity:whistle_detail", args=[whistle.pk]),
        {"status": "investigating", "handling_notes": "Klarifikasi", "public_response": "Sedang ditelaah"},
    )
    assert response.status_code == 302
    # the audit trail tpi can read does not carry the identity either
    html = client.get(reverse("core:audit_list")).content.decode()
    assert CONTACT not in html


def test_whistle_counts_visible_to_unit(client, lapas, team, whistle, period):
    client.force_login(team)
    html = client.get(reverse("programme:unit_overview", args=[lapas.pk]) + "?periode=2026").content.decode()
    assert "1 laporan diterima" in html
    assert "Pungli kunjungan" not in html
