"""CSV and XLSX downloads of any :class:`~zi.insights.selectors.Table`: the same rows the page shows.

CSV is streamed line by line; XLSX uses openpyxl's write-only mode (constant memory) and is sent from a temporary
file (:mod:`zi.core.tabular`, :mod:`zi.core.downloads`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

from zi.core import downloads, tabular
from zi.insights.selectors.common import Table


def csv_rows(table: Table) -> Iterator[list[Any]]:
    yield list(table.headers)
    yield from table.plain_rows()


def csv_response(tables: Iterable[Table], filename: str) -> StreamingHttpResponse:
    """The tables one after another, a blank line between two."""

    def rows() -> Iterator[list[Any]]:
        for index, table in enumerate(tables):
            if index:
                yield []
            yield from csv_rows(table)

    return downloads.streamed_attachment(tabular.csv_lines(rows()), f"{filename}.csv")


def xlsx_response(tables: Iterable[Table], filename: str, title_rows: list[str] | None = None) -> FileResponse:
    """Each table on its own sheet, its header row in bold, below ``title_rows`` (what the table is of)."""
    sheets = ((table.key, csv_rows(table)) for table in tables)
    workbook = tabular.xlsx_file(sheets, lead=title_rows or (), bold_header=True)
    return downloads.file_attachment(workbook, f"{filename}.xlsx")
