"""Reading SKM answers from CSV for ``zi surveys ikm`` (pure; raises :class:`CsvError` with a clear message in the
active language, Bahasa Indonesia by default)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from zi.surveys.indices import SKM_ELEMENTS


class CsvError(ValueError):
    pass


def read_skm_csv(data: bytes, elements: tuple[str, ...] = SKM_ELEMENTS) -> list[dict[str, int | None]]:
    """Rows of ``{"U1": 4, …}`` from a CSV with a header naming U1..U9 (any order, extra columns ignored).

    Comma, semicolon or tab separated; UTF-8 (with or without BOM). Blank cells are blanks; a row with every
    element blank is not a respondent. Anything else than an integer 1–4 is an error naming row and column.
    """
    if not data.strip():
        raise CsvError(_("berkas kosong"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(
            _("berkas bukan teks UTF-8 (bita %(byte)d); simpan sebagai CSV UTF-8") % {"byte": exc.start}
        ) from exc
    if "\x00" in text:
        raise CsvError(_("berkas bukan CSV teks (berisi bita NUL)"))
    first_line = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - guarded by the empty check
        raise CsvError(_("berkas kosong")) from exc
    names = [h.strip().upper() for h in header]
    missing = [e for e in elements if e not in names]
    if missing:
        raise CsvError(
            _("kolom tidak ada: %(missing)s (baris judul harus memuat %(first)s..%(last)s)")
            % {"missing": ", ".join(missing), "first": elements[0], "last": elements[-1]}
        )
    duplicated = sorted({n for n in names if n in elements and names.count(n) > 1})
    if duplicated:
        raise CsvError(_("kolom disebut dua kali: %(columns)s") % {"columns": ", ".join(duplicated)})
    positions = {e: names.index(e) for e in elements}
    rows: list[dict[str, int | None]] = []
    for line_no, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row: dict[str, int | None] = {}
        for element, pos in positions.items():
            cell = raw[pos].strip() if pos < len(raw) else ""
            if cell == "":
                row[element] = None
                continue
            if cell not in ("1", "2", "3", "4"):
                raise CsvError(
                    _("baris %(row)d, kolom %(column)s: %(value)s bukan jawaban 1–4")
                    % {"row": line_no, "column": element, "value": repr(cell)}
                )
            row[element] = int(cell)
        if any(v is not None for v in row.values()):
            rows.append(row)
    if not rows:
        raise CsvError(_("tidak ada responden: berkas hanya berisi baris judul tanpa jawaban"))
    return rows
