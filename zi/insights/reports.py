"""The leaders' PDF report: the dashboard's tables and SVG charts rendered by WeasyPrint when it is installed
(``pip install weasyprint``; Debian packages libpango-1.0-0 libpangoft2-1.0-0), otherwise a minimal text PDF
(tables only) written by hand like :mod:`zi.surveys.pdf`."""

from __future__ import annotations

from typing import Any


def weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _text(value: str) -> str:
    data = value.encode("latin-1", "replace").decode("latin-1")
    return data.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines: list[str]) -> bytes:
    """A plain multi-page A4 PDF of text lines (Helvetica, WinAnsi)."""
    per_page = 60
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects: list[bytes] = []
    kids = []
    font_id = 3
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # pages placeholder
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for page in pages:
        ops = ["BT /F1 9 Tf 40 800 Td 12 TL"]
        for line in page:
            ops.append(f"({_text(line[:120])}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        kids.append(len(objects))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def render_pdf(html: str, dash: Any) -> bytes:
    if weasyprint_available():
        import weasyprint

        return weasyprint.HTML(string=html).write_pdf()
    lines = [f"Laporan Zona Integritas {dash.period.year}", ""]
    for table in dash.tables:
        lines += [table.title, " | ".join(str(h) for h in table.headers)]
        lines += [" | ".join("" if v is None else str(v) for v in row) for row in table.plain_rows()]
        lines.append("")
    return minimal_pdf(lines)
