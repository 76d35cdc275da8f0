"""``zi restore ARCHIVE``: check a backup against its manifest, then load it into an empty, migrated database.

See :mod:`zi.core.backup` and docs/operations.md (Backup and restore).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.backup import BackupError, read_manifest, restore_backup
from zi.core.commands import ZiCommand


class Command(ZiCommand):
    help_text = gettext_noop(
        "Pulihkan arsip cadangan buatan 'zi backup' ke basis data kosong (jalankan 'zi migrate' lebih dulu)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help=_("arsip buatan 'zi backup' (.tar.gz)"))
        parser.add_argument(
            "--check", action="store_true", help=_("hanya periksa arsip terhadap manifesnya; tidak mengubah apa pun")
        )

    def handle(self, *args, **options) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(_("%(path)s bukan berkas.") % {"path": archive})
        try:
            if options["check"]:
                manifest = read_manifest(archive)
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Arsip utuh: %(members)d anggota cocok dengan manifes (%(objects)d objek, dibuat %(made)s).")
                        % {
                            "members": len(manifest["members"]),
                            "objects": manifest["database"]["objects"],
                            "made": manifest["created_at"],
                        }
                    )
                )
                return
            result = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(_("Pemulihan ditolak: %(error)s") % {"error": exc}) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(objects)d objek dan %(files)d berkas dipulihkan dari %(path)s.")
                % {"objects": result.objects, "files": result.files, "path": archive}
            )
        )
        self.stdout.write(
            self.style.SUCCESS(_("Rantai audit utuh: %(count)d peristiwa diperiksa.") % {"count": result.audit_events})
        )
