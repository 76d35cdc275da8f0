"""``zi import_org units|people FILE --agency CODE [--dry-run] [--encoding cp1252]``.

Checks every row first and stores all rows or none (see :mod:`zi.organisations.importers`). Exits with an
error status and one line per problem when any row is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.organisations import importers
from zi.organisations.models import Agency

ACTOR_LABEL = "zi import_org"


class Command(BaseCommand):
    help = "Impor unit kerja atau pegawai dari CSV/XLSX: semua baris tersimpan atau tidak ada sama sekali."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=importers.KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="Kode instansi, mis. KEMENKUMHAM")
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja, jangan simpan")
        parser.add_argument("--encoding", default="utf-8", choices=sorted(importers.ENCODINGS))

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Instansi tidak ditemukan: {options['agency']}")
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibaca: {exc}") from exc
        result = importers.run_import(
            options["kind"],
            actor=ACTOR_LABEL,
            agency=agency,
            data=data,
            filename=path.name,
            dry_run=options["dry_run"],
            encoding=options["encoding"],
        )
        if not result.ok:
            for line in importers.format_errors(result.errors):
                self.stderr.write(line)
            raise CommandError(f"{len(result.errors)} kesalahan; tidak ada data yang disimpan.")
        if result.dry_run:
            self.stdout.write(self.style.SUCCESS(f"{result.rows} baris diperiksa, tidak ada kesalahan (uji saja)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{result.created} data diimpor ke {agency.code}."))
