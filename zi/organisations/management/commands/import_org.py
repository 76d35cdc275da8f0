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

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.commands import ZiCommand
from zi.organisations import importers
from zi.organisations.models import Agency, Unit

ACTOR_LABEL = "zi import_org"


class Command(ZiCommand):
    help_text = gettext_noop(
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
        data = self.read_file(path)
        result = importers.run_import(
            options["kind"],
            actor=ACTOR_LABEL,
            agency=agency,
            data=data,
            filename=path.name,
            dry_run=options["dry_run"],
            encoding=options["encoding"],
        )
        if self.import_checked(result, importers.format_errors(result.errors)):
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(count)d data diimpor ke %(code)s.") % {"count": result.created, "code": agency.code}
                )
            )
