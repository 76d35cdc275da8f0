"""The TPI evaluation report (LHE) as a small hand-written A4 PDF: no extra dependency (WeasyPrint would need
pango and a new package). Text uses the built-in Helvetica (WinAnsi; other characters are replaced), streams
are uncompressed so the content is inspectable."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zi.surveys.pdf import _text, _wrap
from zi.workflow.models import State

A4 = (595.28, 841.89)
MARGIN = 56.0


class _Doc:
    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = A4[1] - MARGIN

    def _need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pages.append([])
            self.y = A4[1] - MARGIN

    def line(self, text: str, size: int = 10, bold: bool = False, x: float = MARGIN) -> None:
        self._need(size + 4)
        font = "F2" if bold else "F1"
        self.pages[-1].append(f"BT /{font} {size} Tf {x:.2f} {self.y:.2f} Td ({_text(text)}) Tj ET")
        self.y -= size + 4

    def para(self, text: str, size: int = 10, width: int = 95) -> None:
        for chunk in _wrap(text, width) or [""]:
            self.line(chunk, size)

    def gap(self, height: float = 6) -> None:
        self.y -= height

    def render(self) -> bytes:
        objects: list[bytes] = []
        page_ids = []
        font1, font2 = 3, 4
        first_page = 5
        for index in range(len(self.pages)):
            page_ids.append(first_page + 2 * index)
        objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
        kids = " ".join(f"{pid} 0 R" for pid in page_ids)
        objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode())
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        for index, ops in enumerate(self.pages):
            content = "\n".join(ops).encode("latin-1", "replace")
            page_id = page_ids[index]
            objects.append(
                (
                    f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4[0]} {A4[1]}] "
                    f"/Resources << /Font << /F1 {font1} 0 R /F2 {font2} 0 R >> >> /Contents {page_id + 1} 0 R >>"
                ).encode()
            )
            objects.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
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


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    # Indonesian writes a decimal comma; English a decimal point.
    text = f"{value:.2f}"
    return text if get_language() == "en" else text.replace(".", ",")


def _state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def lhe_pdf(*, journey, areas, notes, events) -> bytes:  # noqa: ANN001 - plain data from the selectors
    """LHE: unit, period, stage, TPI score per area (with self and review for comparison), notes, conclusion.

    Written in the active language: Indonesian (the official text, the default) or English for a user whose
    interface is English. The proposal dossier renders it in Indonesian (:mod:`zi.workflow.dossier`)."""
    doc = _Doc()
    stage = 2 if journey.tpi_stage >= 2 else 1
    doc.line(_("LAPORAN HASIL EVALUASI (LHE %(stage)s)") % {"stage": stage}, 16, bold=True)
    doc.line(_("Pembangunan Zona Integritas - Tim Penilai Internal"), 11)
    doc.gap()
    doc.line(_("Unit kerja: %(unit)s") % {"unit": journey.unit.name}, 11, bold=True)
    doc.line(_("Instansi: %(agency)s") % {"agency": journey.unit.agency.name}, 10)
    doc.line(
        _("Periode: %(period)s   Predikat yang dituju: %(predicate)s")
        % {"period": journey.period.name, "predicate": journey.target_predicate},
        10,
    )
    if journey.tpi_team:
        team = journey.tpi_team
        doc.line(
            _("Tim TPI: %(team)s (ketua %(leader)s, pengendali teknis %(controller)s)")
            % {"team": team.name, "leader": team.leader, "controller": team.controller},
            10,
        )
    doc.line(_("Tahap: %(state)s") % {"state": journey.get_state_display()}, 10)
    doc.gap()
    doc.line(_("Nilai per area"), 12, bold=True)
    doc.line(_("Area"), 10, bold=True)
    doc.y += 14
    for x, head in ((330, _("Mandiri")), (410, _("Reviu")), (490, "TPI")):
        doc.line(head, 10, bold=True, x=x)
        doc.y += 14
    doc.y -= 14
    for area in areas:
        doc.line(area.name[:55], 10, bold=area.name == "Total")
        doc.y += 14
        for x, lane in ((330, "self"), (410, "review"), (490, "tpi")):
            doc.line(_num(area.scores.get(lane)), 10, x=x)
            doc.y += 14
        doc.y -= 14
    doc.gap()
    doc.line(_("Catatan evaluator per pertanyaan"), 12, bold=True)
    if not notes:
        doc.line(_("Tidak ada catatan."), 10)
    for code, note in notes:
        doc.para(f"{code}: {note}")
    doc.gap()
    doc.line(_("Simpulan"), 12, bold=True)
    conclusion = {
        State.TPI_MEETS: _("MEMENUHI syarat untuk diusulkan ke TPN."),
        State.TPI_NOT_MEETS: _("BELUM MEMENUHI syarat untuk diusulkan ke TPN."),
    }.get(journey.state, _("Evaluasi masih berjalan; LKE dapat dikembalikan untuk perbaikan."))
    doc.para(conclusion)
    if journey.tpi_conclusion:
        doc.para(journey.tpi_conclusion)
    if journey.tpi_override_reason:  # "memenuhi" despite unmet preconditions: the TPI's recorded reason
        doc.para(_("Pengecualian syarat oleh TPI: %(reason)s") % {"reason": journey.tpi_override_reason})
    doc.gap()
    doc.line(_("Riwayat"), 12, bold=True)
    from zi.organisations.timezones import format_local  # the unit's local time, as on the journey page

    for event in events:
        moved = f"{_state_label(event.from_state)} -> {_state_label(event.to_state)}"
        doc.para(f"{format_local(event.at, journey.unit)} {event.actor_label}: {moved} {event.note}".rstrip())
    return doc.render()
