"""Exports (CSV/XLSX), e-mails and pages give a unit's times in its own zone with the abbreviation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from zi.organisations import services as org_services
from zi.programme import services

RECEIVED = dt.datetime(2026, 12, 6, 19, 38, tzinfo=dt.UTC)


@pytest.fixture
def makassar(lapas):
    return org_services.unit_update(actor=None, unit=lapas, province="Sulawesi Selatan")


def test_complaint_export_and_page_in_the_units_zone(client, makassar, team):
    complaint, _code = services.complaint_create(
        actor=team,
        unit=makassar,
        channel="phone",
        category="pelayanan",
        subject="Antrean lama",
        description="Dua jam",
        received_at=RECEIVED,
    )
    client.force_login(team)
    url = reverse("programme:complaints_export", args=[makassar.pk])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[1][0] == "07-12-2026 03.38 WITA"
    response = client.get(url + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.cell(row=2, column=1).value == "07-12-2026 03.38 WITA"
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "07-12-2026 03.38 WITA" in page


def test_complaint_email_in_the_units_zone(client, makassar, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _code = services.complaint_submit_public(
            unit=makassar,
            category="pelayanan",
            subject="Antrean",
            description="Lama",
            notify_email="warga@example.com",
        )
    from zi.organisations.timezones import format_local

    (message,) = mail.outbox
    assert format_local(complaint.received_at, makassar) in message.body and "WITA" in message.body
