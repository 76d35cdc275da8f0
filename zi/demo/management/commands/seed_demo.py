"""``zi seed_demo``: realistic demo agencies, unit trees, staff and one login per role (idempotent).

The closing summary gives the totals of the whole demo (:func:`zi.demo.organisations.demo_counts`), which can
be larger than what the organisation step says it created: later steps add people (the unit heads who sign
an integrity pact for units without a staff list), and a re-run creates nothing. The text says so.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.commands import ZiCommand
from zi.demo import organisations as demo


class Command(ZiCommand):
    help_text = gettext_noop(
        "Buat data demo (Kemenkumham, Pemprov Kalsel, pegawai, satu akun demo per peran). Aman dijalankan ulang."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = demo.build_demo(stdout=self.stdout)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Data demo siap dalam %(seconds)s detik. Seluruh demo kini berisi: %(unit_types)d jenis unit, "
                    "%(agencies)d instansi, %(units)d unit, %(people)d orang dengan unit kerja di instansi demo "
                    "(pegawai satker, akun demo, dan orang yang ditambahkan untuk menandatangani pakta integritas "
                    "dan LHE), %(demo_logins)d akun demo dengan %(role_assignments)d "
                    "penugasan peran."
                )
                % {"seconds": f"{elapsed:.1f}", **counts}
            )
        )
        self.stdout.write("")
        self.stdout.write(_("Akun demo (kata sandi: %(password)s)") % {"password": demo.DEMO_PASSWORD})
        rows = [(_("nama pengguna"), _("peran"), _("cakupan")), *demo.demo_login_table()]
        widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True)))
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
