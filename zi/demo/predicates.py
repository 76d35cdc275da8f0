"""Demo entries of the predicate register: past decrees recorded through the register's own service.

Kanwil Kemenkumham Sumatera Selatan and Kanim Kelas II TPI Muara Enim hold WBK from earlier years (the Kanim aims
for WBBM in the demo year); Rutan Kelas I Tanjungpinang shows a revoked predicate whose two-year ban has ended.
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

# unit name, predicate, evaluation year, decree number, decree date, (revoked on, reason) or None
HISTORY = [
    ("Kanwil Kemenkumham Sumatera Selatan", "WBK", 2021, "B/316/M.RB.06/2021", dt.date(2021, 12, 14), None),
    ("Kanim Kelas II TPI Muara Enim", "WBK", 2020, "B/389/M.RB.06/2020", dt.date(2020, 12, 10), None),
    (
        "Rutan Kelas I Tanjungpinang",
        "WBK",
        2019,
        "B/421/M.RB.06/2019",
        dt.date(2019, 12, 9),
        (dt.date(2021, 3, 15), "Pungutan liar pada layanan kunjungan terbukti (laporan Ombudsman, demo)."),
    ),
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
