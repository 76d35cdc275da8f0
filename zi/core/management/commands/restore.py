"""``zi restore ARCHIVE``: check a backup against its manifest, then load it into an empty, migrated database.

See :mod:`zi.core.backup` and docs/operations.md (Backup and restore).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.core.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive made by 'zi backup' into an empty database (run 'zi migrate' first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--check", action="store_true", help="only check the archive against its manifest; change nothing"
        )

    def handle(self, *args, **options) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file.")
        try:
            if options["check"]:
                manifest = read_manifest(archive)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Archive intact: {len(manifest['members'])} members match the manifest "
                        f"({manifest['database']['objects']} objects, made {manifest['created_at']})."
                    )
                )
                return
            result = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(f"Restore refused: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored {result.objects} objects and {result.files} files from {archive}.")
        )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.audit_events} events verified."))
