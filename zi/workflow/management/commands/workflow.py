"""``zi workflow remind`` (deadline e-mails, each deadline reminded once) and ``zi workflow seed`` (demo journeys)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_date


class Command(BaseCommand):
    help = "Alur ZI: pengingat tenggat (remind) dan data demo (seed)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        remind = sub.add_parser("remind", help="kirim pengingat tenggat (sekali per tenggat)")
        remind.add_argument("--date", help="tanggal acuan YYYY-MM-DD (bawaan: hari ini)")
        sub.add_parser("seed", help="beri penilaian demo tahap alur yang beragam")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "remind":
            from zi.workflow.reminders import send_reminders

            today = parse_date(options.get("date") or "") or timezone.localdate()
            sent = send_reminders(today=today)
            self.stdout.write(f"Pengingat terkirim: {sent}")
        else:
            from zi.workflow.demo import seed_workflow

            seed_workflow(stdout=self.stdout)
