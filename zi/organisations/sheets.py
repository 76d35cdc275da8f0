"""A download of a unit's records as one sheet (CSV, or XLSX): the one tabular output of the pages' lists.

Every text cell is neutralised against spreadsheet formula injection through :func:`zi.core.tabular.formula_safe`
(in CSV and XLSX alike); booleans read "ya"/"tidak" and moments are shown in the unit's zone, as on the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zi.core import downloads, tabular
from zi.core.tabular import formula_safe
from zi.organisations.timezones import format_local


def safe_cell(value: Any) -> Any:
    """Plain data for a spreadsheet cell; text that a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, dt.datetime):  # rows pass a unit's times through _when; this is the default zone
        return format_local(value, None)
    return formula_safe(value)


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    @classmethod
    def of(cls, name: str, headers: Sequence[str], rows: Iterable[list[Any]]) -> Sheet:
        return cls(name=name, headers=list(headers), rows=list(rows))

    def safe_rows(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield [safe_cell(value) for value in row]


def unit_sheet_response(sheet: Sheet, kind: str, unit: Any, fmt: str) -> HttpResponseBase:
    """A unit's list as a download named ``<kind>-<unit code>-<today>`` (``pengaduan-lp-plg-20261207.csv``)."""
    return sheet_response(sheet, f"{kind}-{slugify(unit.code) or unit.pk}-{timezone.localdate():%Y%m%d}", fmt)


def sheet_response(sheet: Sheet, filename: str, fmt: str) -> HttpResponseBase:
    """The sheet as CSV (default) or XLSX (``fmt == "xlsx"``), as a download named ``filename`` + the ending."""
    rows = [[safe_cell(h) for h in sheet.headers], *sheet.safe_rows()]
    if fmt == "xlsx":
        return downloads.file_attachment(tabular.xlsx_file([(sheet.name, rows)]), f"{filename}.xlsx")
    return downloads.attachment(tabular.csv_bytes(rows), f"{filename}.csv")


def local_moment(value: dt.datetime | None, unit: Any) -> str | None:
    """A moment as the unit reads it: "07-12-2026 02.38 WITA" (the unit's zone, as on its pages); empty stays empty."""
    return format_local(value, unit) if value is not None else None
