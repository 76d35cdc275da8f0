"""The downloadable XLSX templates, with example rows and column help."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from zi.core.tabular import safe_row
from zi.organisations.importers.columns import COLUMNS, PEOPLE, REQUIRED, UNITS

# One example row per kind, for the downloadable template (the same units as docs/samples/).
EXAMPLE_ROWS = {
    UNITS: ("LAPAS-BJM", "Lapas Kelas IIA Banjarmasin", "KANWIL-KALSEL", "lapas", "ya", "Kalimantan Selatan"),
    PEOPLE: (
        "kalsel.reviewer",
        "Siti Rahmawati",
        "198103222005012002",
        "siti.rahmawati@example.go.id",
        "KANWIL-KALSEL",
        "Analis Kebijakan",
        "pns",
        "reviewer",
    ),
}


def template_xlsx(kind: str) -> bytes:
    """An XLSX to fill in: the first sheet has the columns and one example row (replace it), the second explains
    the columns. The importer reads only the first sheet."""
    # lazy: openpyxl loads only when a template is asked for
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Unit kerja") if kind == UNITS else _("Pegawai")
    sheet.append(list(COLUMNS[kind]))
    sheet.append(safe_row(EXAMPLE_ROWS[kind]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, column in zip("ABCDEFGH", COLUMNS[kind], strict=False):
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Petunjuk"))
    notes.append([_("Kolom"), _("Wajib"), _("Keterangan")])
    for column in COLUMNS[kind]:
        notes.append([column, _("ya") if column in REQUIRED[kind] else _("tidak"), str(COLUMN_HELP[column])])
    notes.append([])
    notes.append([_("Ganti baris contoh di lembar pertama dengan data Anda. Impor unit lebih dulu, lalu pegawai.")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


COLUMN_HELP = {
    "code": _("Kode unit, unik di instansi."),
    "name": _("Nama unit."),
    "parent_code": _("Kode unit induk: di berkas yang sama atau yang sudah ada di instansi. Kosong: unit puncak."),
    "unit_type": _("Kode jenis unit yang sudah terdaftar (mis. kanwil, lapas, satker)."),
    "serves_public": _("Melayani publik langsung: ya atau tidak."),
    "province": _("Provinsi; kosong: mengikuti unit induk atau instansi."),
    "username": _("Nama pengguna untuk masuk; unik."),
    "full_name": _("Nama lengkap."),
    "nip": _("NIP (18 angka), jika ada; unik."),
    "email": _("Alamat surel."),
    "unit_code": _("Kode unit tempat pegawai bekerja (unit harus sudah ada)."),
    "position": _("Jabatan."),
    "employment_type": _("pns, pppk atau non_asn."),
    "role": _("Peran (opsional), diberikan di unit pegawai; tanpa unit_code hanya peran tingkat instansi."),
}
