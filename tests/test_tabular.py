"""The one formula-injection guard, CSV and XLSX writer every export uses (zi.core.tabular), and the one download
response (zi.core.downloads)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from zi.core import downloads
from zi.core.tabular import csv_bytes, csv_lines, formula_safe, xlsx_file


@pytest.mark.parametrize("text", ["=1+1", "+62 812", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Lapas Palembang", "3,81", "", 3.81, -5, None])
def test_other_values_are_unchanged(value):
    assert formula_safe(value) == value


def test_csv_bytes_guards_every_cell_and_starts_with_a_bom():
    data = csv_bytes([["Nama", "Catatan"], ["=HYPERLINK(1)", "aman"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Nama", "Catatan"], ["'=HYPERLINK(1)", "aman"]]


def test_csv_lines_streams_the_same_text_as_csv_bytes():
    rows = [["Nama", "Catatan"], ["=HYPERLINK(1)", "aman"], ["Lapas", None]]
    assert "".join(csv_lines(iter(rows))).encode() == csv_bytes(rows)


def test_xlsx_file_guards_cells_and_puts_the_lead_and_a_bold_header_first():
    handle = xlsx_file(
        [("Rekap", [["Unit", "Nilai"], ["@SUM(A1)", 3.5]]), ("Kedua", [["x"]])],
        lead=["=Lapas Palembang · 2026"],
        bold_header=True,
    )
    workbook = load_workbook(handle)
    sheet = workbook["Rekap"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["'=Lapas Palembang · 2026", None],
        ["Unit", "Nilai"],
        ["'@SUM(A1)", 3.5],
    ]
    assert sheet["A2"].font.bold and not sheet["A3"].font.bold
    assert workbook.sheetnames == ["Rekap", "Kedua"]


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("rekap.csv", "text/csv; charset=utf-8"),
        ("LKE.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("laporan.pdf", "application/pdf"),
        ("berkas.zip", "application/zip"),
        ("tanpa-akhiran", "application/octet-stream"),
    ],
)
def test_a_download_is_typed_by_its_name(name, content_type):
    response = downloads.attachment(b"x", name)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_with_quotes_or_other_letters_cannot_break_the_header():
    response = downloads.attachment(b"x", 'LKE-"x"; filename=evil.exe-Ē.xlsx')
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''") and '"' not in header and ";" not in header[12:]
    assert (
        downloads.attachment(b"x", "rekap-2026.csv")["Content-Disposition"] == 'attachment; filename="rekap-2026.csv"'
    )
