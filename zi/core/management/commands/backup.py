"""``zi backup OUTPUT``: one archive with the database content, the uploaded files and a SHA-256 manifest.

See :mod:`zi.core.backup` and docs/operations.md (Backup and restore).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz): database content, evidence and other uploaded files, manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="archive to write, e.g. /srv/backup/zi-2026-11-23.tar.gz")
        parser.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")

    def handle(self, *args, **options) -> None:
        output = Path(options["output"])
        if output.exists() and not options["force"]:
            raise CommandError(f"{output} exists; choose another name or pass --force.")
        try:
            result = create_backup(output)
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({result.size} bytes, {result.objects} objects, {result.files} files)"
            )
        )
        self.stdout.write(f"SHA-256 of the archive: {result.sha256}  (keep it apart from the archive)")
