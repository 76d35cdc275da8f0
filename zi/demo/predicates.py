"""Demo entries of the predicate register: past decrees recorded through the register's own service.

The story of the news (shared/domain/seeds, rmolsumsel.id, 19 January 2022): of the 29 satker under Kanwil
Kemenkumham Sumatera Selatan, 4 hold WBK — the Kanwil itself, Lapas Kelas I Palembang, Bapas Palembang and Kanim
Palembang — and 1 WBBM, Kanim Muara Enim (WBK 2020, WBBM by the decree of January 2022). Kanim Palembang (WBK 2019)
lost its predicate in 2023 and, its two-year ban over, earns WBK again in the 2026 demo journey (TPN result), so in
December 2026 the Kanwil still counts 4 WBK + 1 WBBM. In Kepulauan Riau (Batam Pos, February 2020) Rutan Kelas I
Tanjungpinang and Kanim Kelas I Khusus Batam earned WBK in 2019; the Rutan's was revoked in 2021 (ban ended 2023).
Idempotent: a unit that already has an award for the year is skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext

from zi.organisations.models import Unit
from zi.predicates import services
from zi.predicates.models import Award, Source

ACTOR = "seed_demo"
KANWIL_SUMSEL = "Kanwil Kemenkumham Sumatera Selatan"
WBBM_HOLDER = "Kanim Kelas II TPI Muara Enim"
REAWARDED = "Kanim Kelas I TPI Palembang"  # revoked 2023, WBK again through the 2026 demo journey

# unit name, predicate, evaluation year, decree number, decree date, (revoked on, reason) or None
HISTORY = [
    (
        REAWARDED,
        "WBK",
        2019,
        "B/421/M.RB.06/2019",
        dt.date(2019, 12, 9),
        (
            dt.date(2023, 8, 14),
            "Hasil pemantauan TPN 2023: IPAK turun di bawah 3,60 dan pungutan liar pada layanan paspor terbukti "
            "(demo).",
        ),
    ),
    ("Kanim Kelas I Khusus TPI Batam", "WBK", 2019, "B/421/M.RB.06/2019", dt.date(2019, 12, 9), None),
    (
        "Rutan Kelas I Tanjungpinang",
        "WBK",
        2019,
        "B/421/M.RB.06/2019",
        dt.date(2019, 12, 9),
        (dt.date(2021, 3, 15), "Pungutan liar pada layanan kunjungan terbukti (laporan Ombudsman, demo)."),
    ),
    (WBBM_HOLDER, "WBK", 2020, "B/389/M.RB.06/2020", dt.date(2020, 12, 10), None),
    ("Lapas Kelas I Palembang", "WBK", 2020, "B/389/M.RB.06/2020", dt.date(2020, 12, 10), None),
    (KANWIL_SUMSEL, "WBK", 2021, "B/316/M.RB.06/2021", dt.date(2021, 12, 14), None),
    ("Bapas Kelas I Palembang", "WBK", 2021, "B/316/M.RB.06/2021", dt.date(2021, 12, 14), None),
    (WBBM_HOLDER, "WBBM", 2021, "B/12/M.RB.06/2022", dt.date(2022, 1, 10), None),
]


def seed_predicates(stdout: Any = None) -> int:
    """Record the demo history; returns the number of awards made."""
    units = {unit.name: unit for unit in Unit.objects.filter(agency__code="KEMENKUMHAM")}
    made = 0
    for name, predicate, year, number, decree_date, revocation in HISTORY:
        unit = units.get(name)
        if unit is None or Award.objects.filter(unit=unit, year=year).exists():
            continue
        award = services.award_record(
            actor=ACTOR,
            unit=unit,
            predicate=predicate,
            year=year,
            decree_number=number,
            decree_date=decree_date,
            source=Source.IMPORT,
        )
        if revocation is not None:
            services.award_revoke(actor=ACTOR, award=award, revoked_on=revocation[0], reason=revocation[1])
        made += 1
    if stdout is not None and made:
        stdout.write(gettext("Register predikat: %(count)d keputusan lama dicatat.") % {"count": made})
    return made
