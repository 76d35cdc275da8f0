"""E-mails to a complainant who asked for them on the public form.

Why and what: a complainant who files through the public form may leave an e-mail address (optional, with its
purpose stated on the form) to hear about the handling without having to come back with the tracking code. They
get a receipt with the tracking code at once, then a message whenever the status changes or the unit's answer to
them (``public_response``) is written or changed. A message carries what the tracking page shows — unit, subject,
status, target date, the public answer and a reference to the tracking code (its last four characters; the code is
never stored) — and never the internal handling notes, the follow-up texts or who handled it.

The address is used for nothing else: the unit's pages, downloads, the API and the audit trail never show it (the
trail records ``notify_requested: true``). Whistle-blowing reports have no such field; they stay anonymous.

Sending: through the task queue (:func:`zi.core.tasks.send_email`, Django's e-mail backend) after the transaction
commits, so a rolled-back change sends nothing and a slow mail server never holds a database transaction. The
message is written in the language the complainant used on the public form (``Complaint.notify_language``),
Indonesian when that is unknown.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zi.core import tasks, tracking
from zi.core.links import absolute_url
from zi.organisations.timezones import format_local

LANGUAGE = "id"


def _language(complaint: Any) -> str:
    """The complainant's form language when the site offers it, else Indonesian."""
    chosen = getattr(complaint, "notify_language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else LANGUAGE


def track_url() -> str:
    """The public tracking page on the configured site address."""
    return absolute_url(reverse("programme:track"))


def _queue(subject: str, body: str, recipient: str) -> None:
    def send() -> None:
        tasks.send_email(subject, body, [recipient])

    transaction.on_commit(send, robust=True)


def _when(moment: Any, unit: Any) -> str:
    """The moment as the unit's pages show it: "07-12-2026 02.38 WITA" (its zone, see organisations.timezones)."""
    return format_local(moment, unit)


def complaint_received(complaint: Any, code: str) -> bool:
    """The receipt, with the full tracking code (the only time it is sent). False when no address was left."""
    if not complaint.notify_email:
        return False
    with translation.override(_language(complaint)):
        subject = _("Pengaduan Anda kepada %(unit)s telah diterima") % {"unit": complaint.unit.name}
        body = "\n".join(
            [
                _("Terima kasih. Pengaduan Anda telah diterima dan akan ditindaklanjuti."),
                "",
                f"{_('Unit')}: {complaint.unit.name}",
                f"{_('Pokok pengaduan')}: {complaint.subject}",
                f"{_('Diterima')}: {_when(complaint.received_at, complaint.unit)}",
                f"{_('Target selesai')}: {_when(complaint.sla_due_at, complaint.unit)}",
                f"{_('Kode lacak')}: {tracking.format_code(code)}",
                "",
                _("Simpan kode lacak ini. Dengan kode ini Anda dapat melihat perkembangan pengaduan di %(url)s.")
                % {"url": track_url()},
                _("Anda akan menerima surel setiap kali status pengaduan berubah atau ditanggapi."),
            ]
        )
    _queue(subject, body, complaint.notify_email)
    return True


def complaint_changed(complaint: Any, *, old_status: str, old_response: str) -> bool:
    """A message when the status changed or the public answer was written/changed; False when nothing is sent."""
    if not complaint.notify_email:
        return False
    status_changed = complaint.status != old_status
    answered = bool(complaint.public_response) and complaint.public_response != old_response
    if not (status_changed or answered):
        return False
    with translation.override(_language(complaint)):
        reference = (
            _("kode lacak berakhiran %(hint)s") % {"hint": complaint.tracking_hint}
            if complaint.tracking_hint
            else _("kode lacak Anda")
        )
        subject = _("Perkembangan pengaduan Anda: %(status)s") % {"status": complaint.get_status_display()}
        lines = [
            _("Ada perkembangan pada pengaduan Anda (%(reference)s).") % {"reference": reference},
            "",
            f"{_('Unit')}: {complaint.unit.name}",
            f"{_('Pokok pengaduan')}: {complaint.subject}",
            f"{_('Diterima')}: {_when(complaint.received_at, complaint.unit)}",
            f"{_('Status')}: {complaint.get_status_display()}",
            f"{_('Target selesai')}: {_when(complaint.sla_due_at, complaint.unit)}",
        ]
        if complaint.public_response:
            lines += ["", f"{_('Tanggapan')}:", complaint.public_response]
        lines += [
            "",
            _("Lihat perkembangan lengkapnya dengan kode lacak Anda di %(url)s.") % {"url": track_url()},
        ]
    _queue(subject, "\n".join(lines), complaint.notify_email)
    return True
