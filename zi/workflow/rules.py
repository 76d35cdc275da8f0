"""Precondition thresholds as data (``data/preconditions.yaml``, P90 Lampiran II Tabel 5) and their checks.

Each check returns the reasons a requirement is missed, in Indonesian, so a refused proposal lists them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Min
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zi.organisations.models import AgencyKind, Unit
from zi.workflow.models import Declaration

DATA = Path(__file__).resolve().parent / "data" / "preconditions.yaml"
PEMDA_KINDS = {AgencyKind.PEMPROV, AgencyKind.PEMKAB, AgencyKind.PEMKOT}


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _at_least(scale: str, value: str, minimum: str) -> bool:
    """Is grade ``value`` at least ``minimum`` on the named scale (best first)? Unknown values fail."""
    order = rules()["scales"][scale]
    if value not in order:
        return False
    return order.index(value) <= order.index(minimum)


def default_proposal_deadline(year: int) -> dt.date:
    month, day = (int(p) for p in str(rules().get("proposal_deadline", "05-31")).split("-"))
    return dt.date(year, month, day)


def building_since(unit: Unit) -> dt.date | None:
    """The earliest declaration date of the unit: building time counts from there."""
    return Declaration.objects.filter(unit=unit).aggregate(first=Min("declared_on"))["first"]


@dataclass(frozen=True)
class Check:
    """One precondition of P90 Tabel 5 with its recorded value, the requirement and the outcome. ``reason`` is the
    sentence a refusal shows when the check fails (the reasons lists below are the failed checks' reasons)."""

    key: str
    label: str
    value: str
    need: str
    ok: bool
    reason: str


def agency_checks(profile: Any, predicate: str) -> list[Check]:
    """The agency-level preconditions (opini BPK, SAKIP, Indeks RB, SPIP) of ``predicate``, each with its status."""
    need = rules()["predicates"][predicate]["agency"]
    kind = "pemda" if profile is not None and profile.agency.kind in PEMDA_KINDS else "kl"
    limits = {"bpk_opinion": need["bpk_opinion"], "sakip": need["sakip"], "indeks_rb": need["indeks_rb"][kind]}
    labels = {
        "bpk_opinion": _("Opini BPK atas laporan keuangan instansi"),
        "sakip": _("Predikat SAKIP instansi"),
        "indeks_rb": _("Indeks RB instansi"),
        "spip_level": _("Maturitas SPIP instansi"),
    }
    spip_need = _("level %(n)s") % {"n": need["spip_level"]}
    if profile is None:
        missing = _("Data syarat instansi (opini BPK, SAKIP, Indeks RB, SPIP) tahun ini belum diisi.")
        return [
            Check(key, label, "–", str(limits.get(key, spip_need)), False, missing) for key, label in labels.items()
        ]

    def graded(key: str, reason: str) -> Check:
        """A grade the profile must reach (opinion, predicate, index); ``reason`` names the value and the limit."""
        value, limit = getattr(profile, key), limits[key]
        shown = value or "–"
        return Check(
            key, labels[key], shown, limit, _at_least(key, value, limit), reason % {"value": shown, "need": limit}
        )

    spip_ok = profile.spip_level is not None and profile.spip_level >= need["spip_level"]
    return [
        graded("bpk_opinion", _("Opini BPK instansi %(value)s; syarat minimal %(need)s.")),
        graded("sakip", _("Predikat SAKIP instansi %(value)s; syarat minimal %(need)s.")),
        graded("indeks_rb", _("Indeks RB instansi %(value)s; syarat minimal %(need)s.")),
        Check(
            "spip_level",
            labels["spip_level"],
            _("level %(n)s") % {"n": profile.spip_level} if profile.spip_level is not None else "–",
            spip_need,
            spip_ok,
            _("Maturitas SPIP level %(value)s; syarat minimal level %(need)s.")
            % {"value": profile.spip_level or "–", "need": need["spip_level"]},
        ),
    ]


def agency_reasons(profile: Any, predicate: str) -> list[str]:
    if profile is None:
        return [_("Data syarat instansi (opini BPK, SAKIP, Indeks RB, SPIP) tahun ini belum diisi.")]
    return [c.reason for c in agency_checks(profile, predicate) if not c.ok]


def _percent(value: Any) -> str:
    """A stored percentage in the reader's number format ("100,00 %" in Indonesian), as the LHE prints figures."""
    return "–" if value is None else f"{number_format(value, decimal_pos=2)} %"


def unit_checks(journey: Any, *, today: dt.date, holds_wbk: bool) -> list[Check]:
    """The unit-level preconditions (TLHP, LHKPN/LHKASN, building time, internal SAKIP, WBK held for WBBM)."""
    need = rules()["predicates"][journey.target_predicate]["unit"]
    tlhp_ok = journey.tlhp_percent is not None and float(journey.tlhp_percent) >= need["tlhp_percent"]
    lhkpn_ok = journey.lhkpn_percent is not None and float(journey.lhkpn_percent) >= need["lhkpn_percent"]
    checks = [
        Check(
            "tlhp",
            _("Tindak lanjut hasil pengawasan/pemeriksaan APIP dan BPK (TLHP)"),
            _percent(journey.tlhp_percent),
            f"{need['tlhp_percent']} %",
            tlhp_ok,
            _("Tindak lanjut hasil pengawasan %(value)s %%; syarat %(need)s %%.")
            % {"value": journey.tlhp_percent or "–", "need": need["tlhp_percent"]},
        ),
        Check(
            "lhkpn",
            _("Kepatuhan penyampaian LHKPN/LHKASN"),
            _percent(journey.lhkpn_percent),
            f"{need['lhkpn_percent']} %",
            lhkpn_ok,
            _("Kepatuhan LHKPN/LHKASN %(value)s %%; syarat %(need)s %%.")
            % {"value": journey.lhkpn_percent or "–", "need": need["lhkpn_percent"]},
        ),
    ]
    since = building_since(journey.unit)
    years = need["building_years"]
    building_label = _("Lama pembangunan ZI sejak pencanangan")
    building_need = _("%(years)s tahun") % {"years": years}
    if since is None:
        checks.append(
            Check("building", building_label, "–", building_need, False, _("Unit belum mencatat pencanangan."))
        )
    else:
        try:
            anniversary = since.replace(year=since.year + years)
        except ValueError:  # 29 February
            anniversary = since.replace(year=since.year + years, day=28)
        checks.append(
            Check(
                "building",
                building_label,
                _("sejak %(date)s") % {"date": f"{since:%d-%m-%Y}"},
                building_need,
                today >= anniversary,
                _("Pembangunan ZI baru sejak %(date)s; syarat minimal %(years)s tahun.")
                % {"date": f"{since:%d-%m-%Y}", "years": years},
            )
        )
    checks.append(
        Check(
            "sakip_internal",
            _("Nilai SAKIP internal unit"),
            journey.sakip_internal or "–",
            need["sakip_internal"],
            _at_least("sakip", journey.sakip_internal, need["sakip_internal"]),
            _("Nilai SAKIP internal %(value)s; syarat minimal %(need)s.")
            % {"value": journey.sakip_internal or "–", "need": need["sakip_internal"]},
        )
    )
    if need.get("holds_wbk"):
        checks.append(
            Check(
                "holds_wbk",
                _("Telah berpredikat WBK"),
                _("ya") if holds_wbk else _("belum"),
                _("ya"),
                bool(holds_wbk),
                _("Usulan WBBM hanya untuk unit yang telah berpredikat WBK."),
            )
        )
    return checks


def unit_reasons(journey: Any, *, today: dt.date, holds_wbk: bool) -> list[str]:
    return [c.reason for c in unit_checks(journey, today=today, holds_wbk=holds_wbk) if not c.ok]
