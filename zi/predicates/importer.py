"""Import of past decrees (CSV or XLSX), all or nothing: every row is checked by the same rules as a decree
recorded by hand (:func:`zi.predicates.services.award_problems`); one bad row imports nothing and every row's
problems are listed in Indonesian with its row number.

Columns (Indonesian or English names): ``kode_unit``, ``predikat``, ``tahun``, ``nomor_keputusan``,
``tanggal_keputusan``, and optionally ``tanggal_pencabutan`` + ``alasan_pencabutan``. Dates as
``2022-01-14``, ``14-01-2022`` or ``14/01/2022`` (or date cells in XLSX). Rows are applied in decree-date
order, so a WBBM row may follow the WBK row of the same unit in the same file. A row equal to an award already
in the register is skipped, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core import audit
from zi.core.actors import Actor
from zi.core.tabular import csv_bytes
from zi.organisations.access import Action, restrict
from zi.organisations.importers.reading import read_table
from zi.organisations.importers.results import FileProblem, RowError
from zi.organisations.models import Agency, Unit
from zi.predicates import services
from zi.predicates.models import Award, Source

COLUMNS = (
    "kode_unit",
    "predikat",
    "tahun",
    "nomor_keputusan",
    "tanggal_keputusan",
    "tanggal_pencabutan",
    "alasan_pencabutan",
)
REQUIRED = ("kode_unit", "predikat", "tahun", "nomor_keputusan", "tanggal_keputusan")
ALIASES = {
    "unit_code": "kode_unit",
    "code": "kode_unit",
    "predicate": "predikat",
    "year": "tahun",
    "decree_number": "nomor_keputusan",
    "nomor_sk": "nomor_keputusan",
    "decree_date": "tanggal_keputusan",
    "tanggal_sk": "tanggal_keputusan",
    "revoked_on": "tanggal_pencabutan",
    "revocation_reason": "alasan_pencabutan",
}
EXAMPLE_ROW = ("KANIM-MUARAENIM", "WBBM", "2021", "B/123/M.RB.06/2022", "2022-01-14", "", "")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S")


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    revoked: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_date(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def template_csv() -> bytes:
    """The columns and one example row, for the import page's download."""
    return csv_bytes([COLUMNS, EXAMPLE_ROW])


@dataclass
class _Row:
    number: int
    unit: Unit
    predicate: str
    year: int
    decree_number: str
    decree_date: dt.date
    revoked_on: dt.date | None
    reason: str


def _parse_rows(table: Any, units: dict[str, Unit]) -> tuple[list[_Row], list[RowError]]:
    rows: list[_Row] = []
    errors: list[RowError] = []
    for number, raw in table.rows:
        record = {ALIASES.get(key, key): value for key, value in raw.items()}
        problems: list[tuple[str, str]] = []
        for column in REQUIRED:
            if not record.get(column, "").strip():
                problems.append((column, _("Kolom %(col)s wajib diisi.") % {"col": column}))
        code = record.get("kode_unit", "").strip()
        unit = units.get(code.lower())
        if code and unit is None:
            problems.append(("kode_unit", _("Kode unit %(code)s tidak dikenal pada instansi ini.") % {"code": code}))
        year_text = record.get("tahun", "").strip()
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year_text and year is None:
            problems.append(("tahun", _("Tahun harus empat angka, misalnya 2022.")))
        decree_text = record.get("tanggal_keputusan", "").strip()
        decree_date = parse_date(decree_text) if decree_text else None
        if decree_text and decree_date is None:
            problems.append(("tanggal_keputusan", _("Tanggal tidak dikenali; tulis seperti 14-01-2022.")))
        revoked_text = record.get("tanggal_pencabutan", "").strip()
        revoked_on = parse_date(revoked_text) if revoked_text else None
        if revoked_text and revoked_on is None:
            problems.append(("tanggal_pencabutan", _("Tanggal tidak dikenali; tulis seperti 14-01-2022.")))
        reason = record.get("alasan_pencabutan", "").strip()
        if reason and not revoked_text:
            problems.append(("tanggal_pencabutan", _("Alasan pencabutan diisi tanpa tanggal pencabutan.")))
        errors += [RowError(number, column, message) for column, message in problems]
        if problems or unit is None or year is None or decree_date is None:
            continue
        rows.append(
            _Row(
                number=number,
                unit=unit,
                predicate=record.get("predikat", "").strip().upper(),
                year=year,
                decree_number=" ".join(record.get("nomor_keputusan", "").split()),
                decree_date=decree_date,
                revoked_on=revoked_on,
                reason=reason,
            )
        )
    return rows, errors


def _same(award: Award, row: _Row) -> bool:
    return (
        award.predicate == row.predicate
        and award.decree_number == row.decree_number
        and award.decree_date == row.decree_date
        and award.revoked_on == row.revoked_on
    )


def _apply(actor: Actor, row: _Row, result: ImportResult, today: dt.date) -> None:
    existing = Award.objects.filter(unit=row.unit, year=row.year).first()
    if existing is not None and _same(existing, row):
        result.skipped += 1
        return
    award = services.award_record(
        actor=actor,
        unit=row.unit,
        predicate=row.predicate,
        year=row.year,
        decree_number=row.decree_number,
        decree_date=row.decree_date,
        source=Source.IMPORT,
        today=today,
    )
    result.created += 1
    if row.revoked_on is not None:
        services.award_revoke(actor=actor, award=award, revoked_on=row.revoked_on, reason=row.reason, today=today)
        result.revoked += 1


class _Rollback(Exception):
    pass


def import_awards(
    *, actor: Actor, agency: Agency, data: bytes, filename: str = "", dry_run: bool = False, encoding: str = "utf-8"
) -> ImportResult:
    """Check (``dry_run``) or import a file of past decrees for ``agency``'s units; nothing is kept on any error."""
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(data, filename, encoding)
    except FileProblem as exc:
        result.errors.append(exc.error)
        return result
    columns = {ALIASES.get(column, column) for column in table.columns}
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        result.errors.append(RowError(1, "", _("Kolom wajib tidak ada: %(cols)s.") % {"cols": ", ".join(missing)}))
        return result
    result.errors += table.errors
    candidates = Unit.objects.filter(agency=agency)
    if not isinstance(actor, str):  # people import for the units they may record results for; the CLI for all
        candidates = restrict(candidates, actor, Action.TPN_RESULT_RECORD)
    units = {unit.code.lower(): unit for unit in candidates}
    if not units and not isinstance(actor, str):
        raise PermissionDenied(_("Anda tidak berwenang mencatat keputusan predikat untuk instansi ini."))
    rows, errors = _parse_rows(table, units)
    result.rows = len(table.rows)
    result.errors += errors
    today = timezone.localdate()
    try:
        with transaction.atomic():
            for row in sorted(rows, key=lambda r: (r.decree_date, r.number)):
                try:
                    with transaction.atomic():
                        _apply(actor, row, result, today)
                except ValidationError as exc:
                    result.errors += [RowError(row.number, "", message) for message in exc.messages]
            if result.errors or dry_run:
                raise _Rollback
            audit.record(
                actor,
                "import",
                agency,
                extra={"kind": "predicate_awards", "rows": result.rows, "created": result.created, "file": filename},
            )
    except _Rollback:
        pass
    result.errors.sort(key=lambda error: error.row)
    return result
