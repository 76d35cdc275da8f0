"""What a journey must meet before the TPI concludes "memenuhi" and before the proposal to TPN (P90 Lampiran II
Tabel 5): the agency's and the unit's preconditions, the revocation ban, the SPTJM and the proposal deadline.

Reads only: the guards in :mod:`zi.workflow.machine`, the services, the pages, the LHE and the reminders ask here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from zi.organisations.models import Unit
from zi.predicates import selectors as predicate_selectors
from zi.workflow import rules
from zi.workflow.models import AgencyProfile, Journey, PeriodCalendar

# --- predicates held, revocation ban ---------------------------------------------------------------------------


def unit_holds_wbk(unit: Unit) -> bool:
    """The unit holds WBK (or WBBM) today, by the predicate register."""
    return predicate_selectors.holds_wbk(unit)


def revocation_ban_until(unit: Unit, *, today: dt.date | None = None) -> dt.date | None:
    """The day the unit may be proposed again after a revocation (P90 Bab IV C), while still ahead, or None."""
    return predicate_selectors.ban_until(unit, today=today)


def ban_reasons(unit: Unit, today: dt.date) -> list[str]:
    until = revocation_ban_until(unit, today=today)
    if until is not None and today < until:
        return [
            _("Predikat unit dicabut; unit tidak dapat diusulkan kembali sebelum %(date)s.")
            % {"date": f"{until:%d-%m-%Y}"}
        ]
    return []


# --- proposal --------------------------------------------------------------------------------------------------


def proposal_deadline(period: Any) -> dt.date:
    calendar = PeriodCalendar.objects.filter(period=period).first()
    return calendar.proposal_deadline if calendar else rules.default_proposal_deadline(period.year)


def _ban_checks(unit: Unit, today: dt.date) -> list[rules.Check]:
    reasons = ban_reasons(unit, today)
    until = revocation_ban_until(unit, today=today)
    value = _("dilarang sampai %(date)s") % {"date": f"{until:%d-%m-%Y}"} if reasons and until else _("tidak ada")
    label = _("Larangan pengusulan setelah pencabutan predikat (2 tahun)")
    return [rules.Check("ban", label, value, _("tidak ada"), not reasons, reasons[0] if reasons else "")]


def precondition_checks(journey: Journey, *, today: dt.date) -> list[rules.Check]:
    """Every precondition of P90 Tabel 5 for the journey's predicate (agency, unit, revocation ban) with its status:
    what the LHE lists; :func:`precondition_reasons` is the failed ones."""
    profile = AgencyProfile.objects.select_related("agency").filter(
        agency_id=journey.unit.agency_id, year=journey.period.year
    )
    checks = rules.agency_checks(profile.first(), journey.target_predicate)
    checks += rules.unit_checks(journey, today=today, holds_wbk=unit_holds_wbk(journey.unit))
    checks += _ban_checks(journey.unit, today)
    return checks


def precondition_reasons(journey: Journey, *, today: dt.date) -> list[str]:
    """The preconditions of P90 Tabel 5 the journey misses (agency, unit, revocation ban). The TPI conclusion
    "memenuhi" checks them (a recorded override lets it pass) and the proposal checks them again (no override)."""
    failed = [c.reason for c in precondition_checks(journey, today=today) if not c.ok]
    return list(dict.fromkeys(failed))  # a missing agency profile fails its four checks with one reason


def sptjm_check(journey: Journey) -> rules.Check:
    """The unit head's SPTJM (P5 2024), needed for the proposal."""
    value = _("diunggah (SHA-256 %(hash)s…)") % {"hash": journey.sptjm_sha256[:12]} if journey.sptjm else _("belum")
    return rules.Check(
        "sptjm",
        _("SPTJM kepala unit (surat pernyataan tanggung jawab mutlak)"),
        value,
        _("diunggah"),
        bool(journey.sptjm),
        _("SPTJM kepala unit belum diunggah."),
    )


def proposal_reasons(journey: Journey, *, today: dt.date) -> list[str]:
    """Every reason the journey may not be proposed to TPN now (empty = it may)."""
    reasons = precondition_reasons(journey, today=today)
    sptjm = sptjm_check(journey)
    if not sptjm.ok:
        reasons.append(sptjm.reason)
    deadline = proposal_deadline(journey.period)
    if today > deadline:
        reasons.append(_("Batas pengusulan ke TPN (%(date)s) sudah lewat.") % {"date": f"{deadline:%d-%m-%Y}"})
    return reasons
