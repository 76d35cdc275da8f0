"""``zi insights refresh [--year YYYY] [--unit PK ...]``: rebuild the dashboard rollup (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.assessments.models import Period
from zi.core.commands import ZiCommand
from zi.insights.services import rollup_refresh


class Command(ZiCommand):
    help_text = gettext_noop("Dasbor: bangun ulang rekap per unit yang dibaca dasbor.")

    def add_arguments(self, parser: Any) -> None:
        sub = self.subcommands(parser)
        refresh = sub.add_parser("refresh", help=_("hitung ulang rekap satu periode atau semua periode"))
        refresh.add_argument("--year", type=int, help=_("hanya periode tahun ini"))
        refresh.add_argument("--unit", type=int, action="append", help=_("hanya unit dengan id ini (boleh diulang)"))

    def handle(self, *args: Any, **options: Any) -> None:
        periods = Period.objects.order_by("year")
        if options.get("year"):
            periods = periods.filter(year=options["year"])
            if not periods.exists():
                raise CommandError(_("Periode %(year)s tidak ada") % {"year": options["year"]})
        for period in periods:
            n = rollup_refresh(period=period, units=options.get("unit"), actor="zi insights refresh")
            self.stdout.write(_("%(year)s: %(count)d baris") % {"year": period.year, "count": n})
