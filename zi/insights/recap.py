"""The national recap workbook: every assessed unit of a year with its lane scores, streamed.

openpyxl's ``write_only`` mode writes rows to a temporary file as they come, and the rows are read from the
database with a server-side cursor (``iterator(chunk_size=…)``), so memory stays flat whatever the number of
units. ``zi.insights.tasks.generate_national_recap`` and ``zi bench run`` call it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from openpyxl import Workbook

from zi.assessments.models import LaneScore
from zi.assessments.stages import status_for
from zi.core.tabular import formula_safe

HEADERS = [
    "Instansi",
    "Kode unit",
    "Unit",
    "Provinsi",
    "Jalur",
    "Tahun",
    "Status",
    "Lajur",
    "Nilai total",
    "Pengungkit",
    "Hasil",
    "Layak WBK",
    "Layak WBBM",
]
STATUS_COLUMN = HEADERS.index("Status")


def write_national_recap(target: Any, *, year: int | None = None, lane: str = "self", chunk_size: int = 5000) -> int:
    """Write the recap to ``target`` (a path or a binary file object); returns the number of data rows."""
    scores = LaneScore.objects.filter(lane=lane)
    if year is not None:
        scores = scores.filter(assessment__period__year=year)
    rows = scores.order_by("assessment__unit__agency__code", "assessment__unit__path").values_list(
        "assessment__unit__agency__code",
        "assessment__unit__code",
        "assessment__unit__name",
        "assessment__unit__province",
        "assessment__unit__path",
        "assessment__period__year",
        "assessment__state",  # shown as the derived draft/submitted word (zi.assessments.stages.status_for)
        "lane",
        "total",
        "pengungkit",
        "hasil",
        "eligible_wbk",
        "eligible_wbbm",
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Rekap nasional")
    ws.append(HEADERS)
    count = 0
    for row in rows.iterator(chunk_size=chunk_size):
        values = list(row)
        values[STATUS_COLUMN] = status_for(str(values[STATUS_COLUMN]))
        ws.append([formula_safe(value) for value in values])
        count += 1
    wb.save(target)
    return count


def national_recap_to_storage(*, year: int | None = None, lane: str = "self") -> str:
    """Build the recap in a temporary file and store it (local disk or S3); returns the stored name."""
    with tempfile.TemporaryDirectory(prefix="zi-recap-") as tmp:
        path = Path(tmp) / "recap.xlsx"
        write_national_recap(path, year=year, lane=lane)
        name = f"reports/rekap-nasional-{year or 'semua'}-{lane}.xlsx"
        if default_storage.exists(name):
            default_storage.delete(name)
        with path.open("rb") as handle:
            return default_storage.save(name, File(handle, name=path.name))
