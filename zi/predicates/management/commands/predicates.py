"""``zi predicates import FILE --agency CODE [--check]``: past decrees into the predicate register, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.organisations.importers import format_errors
from zi.organisations.models import Agency
from zi.predicates.importer import import_awards

ACTOR_LABEL = "zi predicates import"


class Command(BaseCommand):
    help = "Register predikat: impor riwayat keputusan WBK/WBBM dari CSV/XLSX (semua baris atau tidak sama sekali)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser("import", help="impor riwayat keputusan predikat")
        imp.add_argument("file", type=Path, help="berkas CSV atau XLSX (kolom: lihat docs/predicates.md)")
        imp.add_argument("--agency", required=True, help="kode instansi pemilik unit, mis. KEMENKUMHAM")
        imp.add_argument("--check", action="store_true", help="periksa saja, jangan simpan")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Instansi tidak ditemukan: {options['agency']}")
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibaca: {exc}") from exc
        result = import_awards(
            actor=ACTOR_LABEL, agency=agency, data=data, filename=path.name, dry_run=options["check"]
        )
        if not result.ok:
            for line in format_errors(result.errors):
                self.stderr.write(line)
            raise CommandError(f"{len(result.errors)} kesalahan; tidak ada data yang disimpan.")
        if result.dry_run:
            self.stdout.write(self.style.SUCCESS(f"{result.rows} baris diperiksa, tidak ada kesalahan (uji saja)."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.created} keputusan diimpor ({result.revoked} dengan pencabutan), "
                    f"{result.skipped} baris sudah ada dan dilewati."
                )
            )
