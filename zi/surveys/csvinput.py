"""Reading SKM answers from CSV for ``zi surveys ikm`` (pure; raises :class:`CsvError` with a clear message)."""

from __future__ import annotations

import csv
import io

from zi.surveys.indices import SKM_ELEMENTS


class CsvError(ValueError):
    pass


def read_skm_csv(data: bytes, elements: tuple[str, ...] = SKM_ELEMENTS) -> list[dict[str, int | None]]:
    """Rows of ``{"U1": 4, …}`` from a CSV with a header naming U1..U9 (any order, extra columns ignored).

    Comma, semicolon or tab separated; UTF-8 (with or without BOM). Blank cells are blanks; a row with every
    element blank is not a respondent. Anything else than an integer 1–4 is an error naming row and column.
    """
    if not data.strip():
        raise CsvError("file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(f"file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from exc
    if "\x00" in text:
        raise CsvError("file is not a text CSV (contains NUL bytes)")
    first_line = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - guarded by the empty check
        raise CsvError("file is empty") from exc
    names = [h.strip().upper() for h in header]
    missing = [e for e in elements if e not in names]
    if missing:
        raise CsvError(f"missing column(s): {', '.join(missing)} (header must name {elements[0]}..{elements[-1]})")
    duplicated = sorted({n for n in names if n in elements and names.count(n) > 1})
    if duplicated:
        raise CsvError(f"column(s) named twice: {', '.join(duplicated)}")
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
                raise CsvError(f"row {line_no}, column {element}: {cell!r} is not an answer 1–4")
            row[element] = int(cell)
        if any(v is not None for v in row.values()):
            rows.append(row)
    if not rows:
        raise CsvError("no respondents: the file has a header but no answers")
    return rows
