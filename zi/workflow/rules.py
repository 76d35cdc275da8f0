"""Precondition thresholds as data (``data/preconditions.yaml``, P90 Lampiran II Tabel 5) and their checks.

Each check returns the reasons a requirement is missed, in Indonesian, so a refused proposal lists them all.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Min
from django.utils.translation import gettext as _

from zi.organisations.models import AgencyKind, Unit

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
    from zi.workflow.models import Declaration

    return Declaration.objects.filter(unit=unit).aggregate(first=Min("declared_on"))["first"]


def agency_reasons(profile: Any, predicate: str) -> list[str]:
    if profile is None:
        return [_("Data syarat instansi (opini BPK, SAKIP, Indeks RB, SPIP) tahun ini belum diisi.")]
    need = rules()["predicates"][predicate]["agency"]
    reasons = []
    if not _at_least("bpk_opinion", profile.bpk_opinion, need["bpk_opinion"]):
        reasons.append(
            _("Opini BPK instansi %(value)s; syarat minimal %(need)s.")
            % {"value": profile.bpk_opinion or "–", "need": need["bpk_opinion"]}
        )
    if not _at_least("sakip", profile.sakip, need["sakip"]):
        reasons.append(
            _("Predikat SAKIP instansi %(value)s; syarat minimal %(need)s.")
            % {"value": profile.sakip or "–", "need": need["sakip"]}
        )
    kind = "pemda" if profile.agency.kind in PEMDA_KINDS else "kl"
    rb_min = need["indeks_rb"][kind]
    if not _at_least("indeks_rb", profile.indeks_rb, rb_min):
        reasons.append(
            _("Indeks RB instansi %(value)s; syarat minimal %(need)s.")
            % {"value": profile.indeks_rb or "–", "need": rb_min}
        )
    if profile.spip_level is None or profile.spip_level < need["spip_level"]:
        reasons.append(
            _("Maturitas SPIP level %(value)s; syarat minimal level %(need)s.")
            % {"value": profile.spip_level or "–", "need": need["spip_level"]}
        )
    return reasons


def unit_reasons(journey: Any, *, today: dt.date, holds_wbk: bool) -> list[str]:
    need = rules()["predicates"][journey.target_predicate]["unit"]
    reasons = []
    if journey.tlhp_percent is None or float(journey.tlhp_percent) < need["tlhp_percent"]:
        reasons.append(
            _("Tindak lanjut hasil pengawasan %(value)s %%; syarat %(need)s %%.")
            % {"value": journey.tlhp_percent or "–", "need": need["tlhp_percent"]}
        )
    if journey.lhkpn_percent is None or float(journey.lhkpn_percent) < need["lhkpn_percent"]:
        reasons.append(
            _("Kepatuhan LHKPN/LHKASN %(value)s %%; syarat %(need)s %%.")
            % {"value": journey.lhkpn_percent or "–", "need": need["lhkpn_percent"]}
        )
    since = building_since(journey.unit)
    years = need["building_years"]
    if since is None:
        reasons.append(_("Unit belum mencatat pencanangan."))
    else:
        try:
            anniversary = since.replace(year=since.year + years)
        except ValueError:  # 29 February
            anniversary = since.replace(year=since.year + years, day=28)
        if today < anniversary:
            reasons.append(
                _("Pembangunan ZI baru sejak %(date)s; syarat minimal %(years)s tahun.")
                % {"date": f"{since:%d-%m-%Y}", "years": years}
            )
    if not _at_least("sakip", journey.sakip_internal, need["sakip_internal"]):
        reasons.append(
            _("Nilai SAKIP internal %(value)s; syarat minimal %(need)s.")
            % {"value": journey.sakip_internal or "–", "need": need["sakip_internal"]}
        )
    if need.get("holds_wbk") and not holds_wbk:
        reasons.append(_("Usulan WBBM hanya untuk unit yang telah berpredikat WBK."))
    return reasons
