"""``zi audit verify``: walk the hash-chained audit trail and report the first broken link.

Exit status 0 when the chain is intact, 1 when it is broken.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.core.audit import verify


class Command(BaseCommand):
    help = "Audit trail tools: 'verify' checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options) -> None:
        result = verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__))
        elif result.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} events verified."))
        else:
            self.stdout.write(self.style.ERROR(f"Audit chain BROKEN at event #{result.broken_seq}: {result.reason}"))
        if not result.ok:
            raise CommandError(f"audit chain broken at event #{result.broken_seq}", returncode=1)
