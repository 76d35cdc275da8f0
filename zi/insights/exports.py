"""CSV and XLSX downloads of any :class:`~zi.insights.selectors.Table`: the same rows the page shows.

XLSX uses openpyxl's write-only mode (constant memory) and streams the saved workbook from a temporary file.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zi.core.tabular import formula_safe
from zi.insights.selectors.common import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(table: Table) -> Iterator[list[Any]]:
    yield list(table.headers)
    for row in table.plain_rows():
        yield [formula_safe(v) for v in row]


def csv_response(tables: Iterable[Table], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for index, table in enumerate(tables):
            if index:
                yield writer.writerow([])
            for row in csv_rows(table):
                yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_workbook(tables: Iterable[Table], handle: Any, title_rows: list[str] | None = None) -> None:
    """Each table on its own sheet (write-only)."""
    wb = Workbook(write_only=True)
    for table in tables:
        ws = wb.create_sheet(title=table.key[:31] or "data")
        if title_rows:
            for text in title_rows:
                ws.append([text])
        bold = []
        for header in table.headers:
            cell = WriteOnlyCell(ws, value=str(header))
            cell.font = Font(bold=True)
            bold.append(cell)
        ws.append(bold)
        for row in table.plain_rows():
            ws.append([formula_safe(v) for v in row])
    wb.save(handle)


def xlsx_response(tables: Iterable[Table], filename: str, title_rows: list[str] | None = None) -> FileResponse:
    handle = tempfile.TemporaryFile()
    write_workbook(tables, handle, title_rows)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)
