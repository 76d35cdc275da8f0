"""Reading: bytes of a CSV or XLSX file to a header and rows of strings, within the size and row limits."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from zi.organisations.importers.columns import COLUMN_ALIASES, COLUMNS, REQUIRED
from zi.organisations.importers.results import FileProblem, RowError, Table

DEFAULT_MAX_ROWS = 200_000
MAX_TREE_DEPTH = 20
XLSX_MAX_EXPANSION = 30  # uncompressed XLSX content may be at most this many times the upload limit
ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252"}


def max_bytes() -> int:
    return int(settings.ZI_IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(getattr(settings, "ZI_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def normalise_column(name: str) -> str:
    key = name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(key, key)


def _decode(data: bytes, encoding: str) -> str:
    codec = ENCODINGS.get(encoding.lower())
    if codec is None:
        raise FileProblem(_("Pengodean tidak didukung: %(enc)s.") % {"enc": encoding})
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            _(
                "Baris %(row)d memuat karakter yang bukan %(enc)s (byte ke-%(pos)d). "
                "Simpan ulang berkas sebagai \u201cCSV UTF-8\u201d lalu unggah lagi."
            )
            % {"row": row, "enc": codec.upper(), "pos": exc.start + 1},
            row=row,
        ) from exc
    return text.removeprefix("\ufeff")


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _csv_rows(data: bytes, encoding: str) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise FileProblem(_("Berkas bukan teks CSV (memuat byte NUL). Unggah CSV atau XLSX."))
    text = _decode(data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=True)
    number = 0
    try:
        for values in reader:
            number += 1
            yield number, values
    except csv.Error as exc:
        raise FileProblem(
            _("Format CSV rusak pada baris %(row)d: %(detail)s") % {"row": number + 1, "detail": exc},
            row=number + 1,
        ) from exc


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if abs(value) >= 1e15:
            raise ValueError(_("angka terlalu panjang untuk disimpan sebagai angka; format sel sebagai Teks"))
        return str(int(value)) if value.is_integer() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileProblem(_("Berkas XLSX rusak atau bukan XLSX.")) from exc
    if expanded > max_bytes() * XLSX_MAX_EXPANSION:
        raise FileProblem(_("Isi berkas XLSX terlalu besar setelah diekstrak."))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # lazy: openpyxl loads only when a workbook is read
    import openpyxl

    _check_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise FileProblem(_("Berkas XLSX tidak dapat dibaca: %(detail)s") % {"detail": type(exc).__name__}) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem(_("Berkas XLSX tidak memiliki lembar kerja."))
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                texts: list[str] = []
                for position, value in enumerate(values):
                    try:
                        texts.append(_cell_text(value))
                    except ValueError as exc:
                        raise FileProblem(
                            _("Baris %(row)d, kolom ke-%(col)d: %(detail)s")
                            % {"row": number, "col": position + 1, "detail": exc},
                            row=number,
                        ) from exc
                yield number, texts
        except FileProblem:
            raise
        except Exception as exc:
            raise FileProblem(_("Berkas XLSX rusak: %(detail)s") % {"detail": type(exc).__name__}) from exc
    finally:
        workbook.close()


def _raw_rows(data: bytes, filename: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise FileProblem(_("Format .xls lama tidak didukung. Simpan sebagai .xlsx atau CSV UTF-8."))
    if name.endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("Berkas XLSX rusak atau bukan XLSX."))
    return _csv_rows(data, encoding)


def read_table(data: bytes, filename: str = "", encoding: str = "utf-8") -> Table:
    """Read ``data`` (CSV or XLSX) into a :class:`Table`; raises :class:`FileProblem` if it cannot."""
    if not data:
        raise FileProblem(_("Berkas kosong."))
    if len(data) > max_bytes():
        raise FileProblem(
            _("Berkas terlalu besar (%(size)d byte; batas %(limit)d byte).") % {"size": len(data), "limit": max_bytes()}
        )
    limit = max_rows()
    rows = _raw_rows(data, filename, encoding)
    header: list[str] | None = None
    table = Table(columns=[], rows=[])
    for number, values in rows:
        if header is None:
            header = [normalise_column(value) for value in values]
            while header and not header[-1]:
                header.pop()
            table.columns = header
            continue
        if not any(value.strip() for value in values):
            continue
        if len(table.rows) >= limit:
            raise FileProblem(_("Terlalu banyak baris (batas %(limit)d baris data).") % {"limit": limit})
        extra = [value for value in values[len(header) :] if value.strip()]
        if extra:
            table.errors.append(RowError(number, "", _("Baris memiliki lebih banyak nilai daripada kolom judul.")))
        record = {column: (values[i].strip() if i < len(values) else "") for i, column in enumerate(header)}
        table.rows.append((number, record))
    if header is None:
        raise FileProblem(_("Berkas kosong."))
    return table


def check_columns(table: Table, kind: str) -> list[RowError]:
    """Header problems: missing required, unknown, empty or repeated column names."""
    errors: list[RowError] = []
    seen: set[str] = set()
    for column in table.columns:
        if not column:
            errors.append(RowError(1, "", _("Ada kolom judul yang kosong.")))
        elif column in seen:
            errors.append(RowError(1, column, _("Kolom %(col)s muncul lebih dari sekali.") % {"col": column}))
        elif column not in COLUMNS[kind]:
            errors.append(
                RowError(
                    1,
                    column,
                    _("Kolom tidak dikenal: %(col)s. Kolom yang dikenal: %(known)s.")
                    % {"col": column, "known": ", ".join(COLUMNS[kind])},
                )
            )
        seen.add(column)
    for column in REQUIRED[kind]:
        if column not in seen:
            errors.append(RowError(1, column, _("Kolom wajib tidak ada: %(col)s.") % {"col": column}))
    return errors
