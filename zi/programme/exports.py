"""CSV/XLSX downloads of the complaint list and the integrity registers, cut to what the person may see.

The rows come from the same scoped selectors as the pages. Columns that only some readers may see are added per
reader: the complainant's name and contact and the internal handling notes only for the unit's ZI team (as on the
complaint page), the whistle-blower's name and contact only for integrity handlers who may see them
(:func:`zi.programme.services.common.may_see_whistle_identity`) — never in anything the reported unit can download.

Every text cell is neutralised against spreadsheet formula injection: a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe, in CSV and in XLSX alike.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from zi.core import tabular
from zi.core.tabular import formula_safe
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.timezones import format_local
from zi.programme import selectors, services

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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

    def safe_rows(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield [safe_cell(value) for value in row]


def csv_bytes(sheet: Sheet) -> bytes:
    return tabular.csv_bytes([sheet.headers, *sheet.safe_rows()])


def response(sheet: Sheet, filename: str, fmt: str) -> HttpResponseBase:
    """The sheet as CSV (default) or XLSX (``fmt == "xlsx"``), as a download."""
    if fmt == "xlsx":
        # lazy: openpyxl loads only when a workbook is asked for
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title=sheet.name[:31])
        worksheet.append([safe_cell(h) for h in sheet.headers])
        for row in sheet.safe_rows():
            worksheet.append(row)
        handle = tempfile.TemporaryFile()
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)
    result = HttpResponse(csv_bytes(sheet), content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return result


def _when(value: dt.datetime | None, unit: Unit) -> str | None:
    """A moment as the unit reads it: "07-12-2026 02.38 WITA" (the unit's zone, as on its pages)."""
    return format_local(value, unit) if value is not None else None


def _sheet(name: str, headers: Sequence[str], rows: Iterable[list[Any]]) -> Sheet:
    return Sheet(name=name, headers=list(headers), rows=list(rows))


def complaints_sheet(*, user: Any, unit: Unit, status: str = "") -> Sheet:
    with_contact = may(user, Action.PROGRAMME_MANAGE, unit)
    headers = [
        _("Diterima"),
        _("Kanal"),
        _("Nomor referensi kanal"),
        _("Kategori"),
        _("Pokok pengaduan"),
        _("Isi pengaduan"),
        _("Status"),
        _("Batas waktu"),
        _("Diselesaikan"),
        _("Lewat batas waktu"),
        _("Selesai terlambat"),
        _("Tanggapan untuk pengadu"),
    ]
    if with_contact:
        headers += [_("Nama pengadu"), _("Kontak pengadu"), _("Catatan penanganan")]
    rows = []
    for c in selectors.complaints_for(user=user, unit=unit, status=status):
        row = [
            _when(c.received_at, unit),
            c.get_channel_display(),
            c.channel_reference,
            c.get_category_display(),
            c.subject,
            c.description,
            c.get_status_display(),
            _when(c.sla_due_at, unit),
            _when(c.resolved_at, unit),
            c.is_overdue,
            c.was_late,
            c.public_response,
        ]
        if with_contact:
            row += [c.complainant_name, c.complainant_contact, c.handling_notes]
        rows.append(row)
    return _sheet(_("Pengaduan"), headers, rows)


def gratification_sheet(*, user: Any, unit: Unit) -> Sheet:
    headers = [
        _("Tanggal pemberian"),
        _("Pelapor"),
        _("Pemberi"),
        _("Bentuk pemberian"),
        _("Perkiraan nilai (Rp)"),
        _("Ditolak"),
        _("Keputusan"),
        _("Catatan keputusan"),
    ]
    rows = [
        [
            r.offered_on,
            str(r.reporter),
            r.giver_description,
            r.gift_description,
            int(r.value_estimate),
            r.refused,
            r.get_decision_display(),
            r.decision_note,
        ]
        for r in selectors.gratifications_for(user=user, unit=unit)
    ]
    return _sheet(_("Gratifikasi"), headers, rows)


def conflict_sheet(*, user: Any, unit: Unit) -> Sheet:
    headers = [_("Tanggal"), _("Pegawai"), _("Situasi"), _("Pihak terkait"), _("Penanganan/mitigasi"), _("Status")]
    rows = [
        [
            c.declared_on,
            str(c.person) if c.person_id else _("(pemetaan jabatan)"),
            c.situation,
            c.related_party,
            c.mitigation,
            c.get_status_display(),
        ]
        for c in selectors.conflicts_for(user=user, unit=unit)
    ]
    return _sheet(_("Benturan kepentingan"), headers, rows)


def whistle_sheet(*, user: Any, unit: Unit) -> Sheet:
    """Only integrity handlers reach this (the view answers 404 to anyone else); identity per row as on the page."""
    headers = [
        _("Diterima"),
        _("Unit"),
        _("Pokok laporan"),
        _("Uraian"),
        _("Status"),
        _("Catatan penanganan"),
        _("Tanggapan untuk pelapor"),
        _("Nama pelapor"),
        _("Kontak pelapor"),
    ]
    rows = []
    for r in selectors.whistle_reports_for(user=user, unit=unit):
        identity = services.may_see_whistle_identity(user, r)
        hidden = _("(dirahasiakan)")
        rows.append(
            [
                _when(r.received_at, r.unit),
                r.unit.name,
                r.subject,
                r.description,
                r.get_status_display(),
                r.handling_notes,
                r.public_response,
                r.reporter_name if identity else hidden,
                r.reporter_contact if identity else hidden,
            ]
        )
    return _sheet(_("Whistle-blowing"), headers, rows)
