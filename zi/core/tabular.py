"""Tabular output shared by every export (CSV and XLSX): one guard against spreadsheet formula injection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by
Excel, LibreOffice or Google Sheets when the file is opened (CSV/formula injection, OWASP). People type such text
into names, notes and reasons, so every export passes its text cells through :func:`formula_safe`, which prefixes
an apostrophe: spreadsheets show the text as typed and never evaluate it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would evaluate; that gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [formula_safe(value) for value in row]


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as a UTF-8 CSV with a byte-order mark (Excel then reads Indonesian text correctly), cells guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + buffer.getvalue()).encode()
