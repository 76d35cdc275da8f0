"""The one formula-injection guard every export uses (zi.core.tabular)."""

from __future__ import annotations

import csv
import io

import pytest

from zi.core.tabular import csv_bytes, formula_safe


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
