"""``zi workflow remind``: deadline e-mails, each deadline reminded once (demo journeys come with ``zi seed_demo``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.commands import ZiCommand


class Command(ZiCommand):
    help_text = gettext_noop("Alur ZI: pengingat tenggat (remind).")

    def add_arguments(self, parser: Any) -> None:
        sub = self.subcommands(parser)
        remind = sub.add_parser("remind", help=_("kirim pengingat tenggat (sekali per tenggat)"))
        remind.add_argument("--date", help=_("tanggal acuan YYYY-MM-DD (bawaan: hari ini)"))

    def handle(self, *args: Any, **options: Any) -> None:
        from zi.workflow.reminders import send_reminders  # lazy: keeps `zi --help` from loading the workflow models

        today = parse_date(options.get("date") or "") or timezone.localdate()
        sent = send_reminders(today=today)
        self.stdout.write(_("Pengingat terkirim: %(count)d") % {"count": sent})
