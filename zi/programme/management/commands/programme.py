"""``zi programme``: programme record maintenance.

- ``zi programme erase-emails [--days N]``: erase the notification addresses public complainants left, on every
  complaint closed (resolved or rejected) and unchanged for ``N`` days (default
  ``ZI_COMPLAINT_EMAIL_RETENTION_DAYS``, 90). Idempotent; run it daily from cron when no task worker runs
  (the worker does it at 01:30 WIB).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.programme.services import complainant_emails_erase


class Command(BaseCommand):
    help = "Programme records: erase expired complainant notification addresses."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        erase = sub.add_parser("erase-emails", help="erase addresses of complaints closed longer than the retention")
        erase.add_argument("--days", type=int, default=None, help="retention in days (default: the setting)")

    def handle(self, *args, **options) -> None:
        if options["action"] == "erase-emails":
            days = options["days"]
            if days is not None and days < 0:
                raise CommandError("--days must be 0 or more")
            count = complainant_emails_erase(days=days)
            self.stdout.write(f"{count} complainant e-mail addresses erased")
