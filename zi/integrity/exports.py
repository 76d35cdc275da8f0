"""CSV/XLSX downloads of the integrity registers, cut to what the person may see: the rows come from the same
scoped selectors as the pages, and the whistle-blower's name and contact only for integrity handlers who may see
them (:func:`zi.integrity.services.may_see_whistle_identity`) — never in anything the reported unit can
download."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zi.core.actors import Actor
from zi.integrity import selectors, services
from zi.organisations.models import Unit
from zi.organisations.sheets import Sheet, local_moment


def gratification_sheet(*, user: Actor, unit: Unit) -> Sheet:
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
    return Sheet.of(_("Gratifikasi"), headers, rows)


def conflict_sheet(*, user: Actor, unit: Unit) -> Sheet:
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
    return Sheet.of(_("Benturan kepentingan"), headers, rows)


def whistle_sheet(*, user: Actor, unit: Unit) -> Sheet:
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
                local_moment(r.received_at, r.unit),
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
    return Sheet.of(_("Whistle-blowing"), headers, rows)
