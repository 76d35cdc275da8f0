"""``zi audit verify``: walk the hash-chained audit trail and report the first broken link.

Exit status 0 when the chain is intact, 1 when it is broken.
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.audit import verify
from zi.core.commands import ZiCommand


class Command(ZiCommand):
    help_text = gettext_noop("Jejak audit: 'verify' memeriksa rantai hash.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help=_("verify: periksa rantai hash jejak audit"))
        parser.add_argument("--json", action="store_true", help=_("cetak hasilnya sebagai JSON"))

    def handle(self, *args, **options) -> None:
        result = verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__))
        elif result.ok:
            self.stdout.write(
                self.style.SUCCESS(_("Rantai audit utuh: %(count)d peristiwa diperiksa.") % {"count": result.checked})
            )
        else:
            self.stdout.write(
                self.style.ERROR(
                    _("Rantai audit RUSAK pada peristiwa #%(seq)s: %(reason)s")
                    % {"seq": result.broken_seq, "reason": result.reason}
                )
            )
        if not result.ok:
            raise CommandError(
                _("rantai audit rusak pada peristiwa #%(seq)s") % {"seq": result.broken_seq}, returncode=1
            )
