"""A4 QR poster as a small hand-written PDF (no extra dependency): the QR code is drawn as vector squares,
text uses the built-in Helvetica font (WinAnsi; characters outside Latin-1 are replaced)."""

from __future__ import annotations

import qrcode
from django.utils.translation import gettext as _
from qrcode.constants import ERROR_CORRECT_M

A4 = (595.28, 841.89)


def _text(value: str) -> str:
    data = value.encode("latin-1", "replace").decode("latin-1")
    return data.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def qr_matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def poster_pdf(*, url: str, title: str, unit: str, point: str, note: str = "") -> bytes:
    width, height = A4
    ops: list[str] = []

    def line(text: str, size: int, y: float, bold: bool = False) -> None:
        # Centred by an average-glyph-width estimate (Helvetica ≈ 0.5 em).
        x = max(36.0, (width - len(text) * size * 0.5) / 2)
        ops.append(f"BT /{'F2' if bold else 'F1'} {size} Tf {x:.2f} {y:.2f} Td ({_text(text)}) Tj ET")

    y = height - 90
    for chunk in _wrap(unit, 40):
        line(chunk, 22, y, bold=True)
        y -= 28
    for chunk in _wrap(title, 55):
        line(chunk, 16, y)
        y -= 22
    y -= 6
    line(_("Titik layanan: %(point)s") % {"point": point}, 16, y, bold=True)
    matrix = qr_matrix(url)
    size = len(matrix)
    box = 360.0
    cell = box / size
    left = (width - box) / 2
    top = y - 30
    ops.append("0 0 0 rg")
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                ops.append(f"{left + c * cell:.3f} {top - (r + 1) * cell:.3f} {cell:.3f} {cell:.3f} re")
    ops.append("f")
    y = top - box - 40
    line(_("Pindai kode QR ini untuk mengisi survei"), 18, y, bold=True)
    y -= 24
    line(_("Anonim - tanpa login - sekitar 3 menit"), 13, y)
    y -= 22
    line(url, 10, y)
    if note:
        y -= 24
        for chunk in _wrap(note, 80):
            line(chunk, 11, y)
            y -= 15
    content = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
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
