"""``zi predicates import FILE --agency CODE [--check]``: past decrees into the predicate register, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.commands import ZiCommand
from zi.organisations.importers.web import format_errors
from zi.organisations.models import Agency
from zi.predicates.importer import import_awards

ACTOR_LABEL = "zi predicates import"


class Command(ZiCommand):
    help_text = gettext_noop(
        "Register predikat: impor riwayat keputusan WBK/WBBM dari CSV/XLSX (semua baris atau tidak sama sekali)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.subcommands(parser)
        imp = sub.add_parser("import", help=_("impor riwayat keputusan predikat"))
        imp.add_argument("file", type=Path, help=_("berkas CSV atau XLSX (kolom: lihat docs/predicates.md)"))
        imp.add_argument("--agency", required=True, help=_("kode instansi pemilik unit, mis. KEMENKUMHAM"))
        imp.add_argument("--check", action="store_true", help=_("periksa saja, jangan simpan"))

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(_("Instansi tidak ditemukan: %(code)s") % {"code": options["agency"]})
        path: Path = options["file"]
        data = self.read_file(path)
        result = import_awards(
            actor=ACTOR_LABEL, agency=agency, data=data, filename=path.name, dry_run=options["check"]
        )
        if self.import_checked(result, format_errors(result.errors)):
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "%(created)d keputusan diimpor (%(revoked)d dengan pencabutan), %(skipped)d baris sudah ada "
                        "dan dilewati."
                    )
                    % {"created": result.created, "revoked": result.revoked, "skipped": result.skipped}
                )
            )
