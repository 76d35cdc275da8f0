"""``zi import_org units|people FILE --agency CODE [--dry-run] [--encoding cp1252]``.

Checks every row first and stores all rows or none (see :mod:`zi.organisations.importers`). Exits with an
error status and one line per problem when any row is wrong.

Units come before people: a person's ``unit_code`` must name a unit already in the agency, so import the unit
file first (``--help`` says so and lists the columns; samples in ``docs/samples/``). A people file for an
agency without units is refused with that advice instead of one error per row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zi.organisations import importers
from zi.organisations.models import Agency, Unit

ACTOR_LABEL = "zi import_org"


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked (argparse needs a str)
        return _(
            "Impor unit kerja atau pegawai dari CSV/XLSX: semua baris tersimpan atau tidak ada sama sekali. "
            "Impor unit lebih dulu, lalu pegawai: kolom unit_code pegawai harus menyebut unit yang sudah ada."
        )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "Urutan: 1) zi import_org units unit.csv --agency KODE, 2) zi import_org people pegawai.csv --agency "
            "KODE. Kolom unit: %(units)s. Kolom pegawai: %(people)s. Contoh berkas: docs/samples/units.csv dan "
            "docs/samples/people.csv."
        ) % {"units": ", ".join(importers.UNIT_COLUMNS), "people": ", ".join(importers.PEOPLE_COLUMNS)}
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=importers.KINDS,
            help=_("units (unit kerja, impor lebih dulu) atau people (pegawai, setelah unitnya ada)"),
        )
        parser.add_argument(
            "file", type=Path, help=_("berkas CSV (UTF-8, pemisah , atau ;) atau XLSX (lembar pertama)")
        )
        parser.add_argument("--agency", required=True, help=_("kode instansi tujuan, mis. KEMENKUMHAM"))
        parser.add_argument("--dry-run", action="store_true", help=_("periksa saja, jangan simpan"))
        parser.add_argument(
            "--encoding",
            default="utf-8",
            choices=sorted(importers.ENCODINGS),
            help=_("pengodean CSV (bawaan: utf-8; cp1252 untuk CSV lama dari Excel Windows)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(_("Instansi tidak ditemukan: %(code)s") % {"code": options["agency"]})
        if options["kind"] == importers.PEOPLE and not Unit.objects.filter(agency=agency).exists():
            raise CommandError(
                _(
                    "Instansi %(code)s belum punya unit kerja: impor unit lebih dulu "
                    "(zi import_org units BERKAS --agency %(code)s), baru kemudian pegawai."
                )
                % {"code": agency.code}
            )
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Berkas tidak dapat dibaca: %(error)s") % {"error": exc}) from exc
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
            raise CommandError(_("%(count)d kesalahan; tidak ada data yang disimpan.") % {"count": len(result.errors)})
        if result.dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(rows)d baris diperiksa, tidak ada kesalahan (uji saja).") % {"rows": result.rows}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(count)d data diimpor ke %(code)s.") % {"count": result.created, "code": agency.code}
                )
            )
