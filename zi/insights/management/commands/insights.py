"""``zi insights refresh [--year YYYY] [--unit PK ...]``: rebuild the dashboard rollup (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zi.assessments.models import Period
from zi.insights.services import rollup_refresh


class Command(BaseCommand):
    help = "Insights: rebuild the per-unit rollup the dashboards read."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="recompute the rollup of one period or all periods")
        refresh.add_argument("--year", type=int, help="only this period")
        refresh.add_argument("--unit", type=int, action="append", help="only these unit ids (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        periods = Period.objects.order_by("year")
        if options.get("year"):
            periods = periods.filter(year=options["year"])
            if not periods.exists():
                raise CommandError(f"no period {options['year']}")
        for period in periods:
            n = rollup_refresh(period=period, units=options.get("unit"), actor="zi insights refresh")
            self.stdout.write(f"{period.year}: {n} rows")
