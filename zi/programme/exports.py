"""CSV/XLSX download of the complaint list, cut to what the person may see.

The rows come from the same scoped selector as the page. The complainant's name and contact and the internal
handling notes are added only for the unit's ZI team (as on the complaint page). The sheet and its guard against
spreadsheet formula injection are :mod:`zi.organisations.sheets`; the integrity registers' downloads are
:mod:`zi.integrity.exports`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zi.core.actors import Actor
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.sheets import Sheet, local_moment
from zi.programme import selectors


def complaints_sheet(*, user: Actor, unit: Unit, status: str = "") -> Sheet:
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
            local_moment(c.received_at, unit),
            c.get_channel_display(),
            c.channel_reference,
            c.get_category_display(),
            c.subject,
            c.description,
            c.get_status_display(),
            local_moment(c.sla_due_at, unit),
            local_moment(c.resolved_at, unit),
            c.is_overdue,
            c.was_late,
            c.public_response,
        ]
        if with_contact:
            row += [c.complainant_name, c.complainant_contact, c.handling_notes]
        rows.append(row)
    return Sheet.of(_("Pengaduan"), headers, rows)
