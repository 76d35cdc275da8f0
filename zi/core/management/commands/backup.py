"""``zi backup OUTPUT``: one archive with the database content, the uploaded files and a SHA-256 manifest.

See :mod:`zi.core.backup` and docs/operations.md (Backup and restore).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.backup import BackupError, create_backup
from zi.core.commands import ZiCommand


class Command(ZiCommand):
    help_text = gettext_noop(
        "Tulis arsip cadangan (.tar.gz): isi basis data, data dukung dan berkas unggahan lain, manifes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help=_("arsip yang ditulis, mis. /srv/backup/zi-2026-11-23.tar.gz"))
        parser.add_argument("--force", action="store_true", help=_("timpa OUTPUT bila sudah ada"))

    def handle(self, *args, **options) -> None:
        output = Path(options["output"])
        if output.exists() and not options["force"]:
            raise CommandError(_("%(path)s sudah ada; pilih nama lain atau pakai --force.") % {"path": output})
        try:
            result = create_backup(output)
        except BackupError as exc:
            raise CommandError(_("Pencadangan gagal: %(error)s") % {"error": exc}) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Cadangan ditulis: %(path)s (%(size)d bita, %(objects)d objek, %(files)d berkas)")
                % {"path": result.path, "size": result.size, "objects": result.objects, "files": result.files}
            )
        )
        self.stdout.write(_("SHA-256 arsip: %(sha256)s  (simpan terpisah dari arsipnya)") % {"sha256": result.sha256})
