"""Tabular output shared by every export (CSV and XLSX): one guard against spreadsheet formula injection, one CSV
writer (whole, or line by line for a streamed download) and one XLSX writer.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by
Excel, LibreOffice or Google Sheets when the file is opened (CSV/formula injection, OWASP). People type such text
into names, notes and reasons, so every export passes its text cells through :func:`formula_safe`, which prefixes
an apostrophe: spreadsheets show the text as typed and never evaluate it.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

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


class _Echo:
    """A file that hands back what is written to it: ``csv.writer`` then returns each line as text."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Rows as UTF-8 CSV text, line by line (for a streamed download), with the byte-order mark first and every cell
    guarded, like :func:`csv_bytes`."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(safe_row(row))


def xlsx_file(
    sheets: Iterable[tuple[str, Iterable[Iterable[Any]]]], *, lead: Sequence[str] = (), bold_header: bool = False
) -> IO[bytes]:
    """A workbook with one sheet per ``(title, rows)``, every cell guarded, written in openpyxl's write-only mode
    (constant memory) to a temporary file, which is returned at its start. ``lead``: lines above each sheet's rows
    (what the table is of); ``bold_header``: the first row in bold."""
    # lazy: openpyxl loads only when a workbook is asked for
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        worksheet = workbook.create_sheet(title=title[:31] or "data")
        for text in lead:
            worksheet.append(safe_row([text]))
        for index, row in enumerate(rows):
            cells = safe_row(row)
            if bold_header and index == 0:
                bold = []
                for value in cells:
                    cell = WriteOnlyCell(worksheet, value=str(value))
                    cell.font = Font(bold=True)
                    bold.append(cell)
                worksheet.append(bold)
            else:
                worksheet.append(cells)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle
