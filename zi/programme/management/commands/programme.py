"""``zi programme``: programme record maintenance.

- ``zi programme erase-emails [--days N]``: erase the notification addresses public complainants left, on every
  complaint closed (resolved or rejected) and unchanged for ``N`` days (default
  ``ZI_COMPLAINT_EMAIL_RETENTION_DAYS``, 90). Idempotent; run it daily from cron when no task worker runs
  (the worker does it at 01:30 WIB).
"""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.commands import ZiCommand
from zi.programme.services.complaints import complainant_emails_erase


class Command(ZiCommand):
    help_text = gettext_noop("Catatan program: hapus alamat surel pengadu yang melewati masa simpan.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.subcommands(parser)
        erase = sub.add_parser(
            "erase-emails", help=_("hapus alamat surel pengaduan yang sudah ditutup lebih lama dari masa simpan")
        )
        erase.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("masa simpan dalam hari (bawaan: ZI_COMPLAINT_EMAIL_RETENTION_DAYS)"),
        )

    def handle(self, *args, **options) -> None:
        if options["action"] == "erase-emails":
            days = options["days"]
            if days is not None and days < 0:
                raise CommandError(_("--days harus 0 atau lebih"))
            count = complainant_emails_erase(days=days)
            self.stdout.write(_("%(count)d alamat surel pengadu dihapus") % {"count": count})
