"""``zi seed_demo``: realistic demo agencies, unit trees, staff and one login per role (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from zi.demo import organisations as demo


class Command(BaseCommand):
    help = "Buat data demo (Kemenkumham, Pemprov Kalsel, pegawai, satu akun demo per peran). Aman dijalankan ulang."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = demo.build_demo(stdout=self.stdout)
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{name}={value}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Data demo siap dalam {elapsed:.1f} detik: {summary}"))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD})")
        rows = [("username", "peran", "cakupan"), *demo.demo_login_table()]
        widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True)))
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
