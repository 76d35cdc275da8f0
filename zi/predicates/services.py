"""Writes to the predicate register: recording a decree and revoking it, each audited in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core import audit, events
from zi.core.actors import Actor
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.predicates import rules, selectors
from zi.predicates.models import Award, Predicate, Source

AWARD_FIELDS = (
    "unit",
    "predicate",
    "year",
    "decree_number",
    "decree_date",
    "source",
    "revoked_on",
    "revocation_reason",
    "ban_until",
)
FIRST_YEAR = 2010  # the ZI programme started with PermenPAN-RB 60/2012; earlier years are typing errors


def _check_actor(actor: Actor, unit: Unit) -> None:
    """People need the TPN-result grant on the unit; the system (a string actor: demo, migrations) may always."""
    if isinstance(actor, str):
        return
    if not may(actor, Action.TPN_RESULT_RECORD, unit):
        raise PermissionDenied(_("Anda tidak berwenang mencatat keputusan predikat untuk unit ini."))


def award_problems(
    *, unit: Unit, predicate: str, year: int, decree_number: str, decree_date: dt.date, today: dt.date
) -> list[str]:
    """Every reason the award may not be recorded (empty = it may); the importer reports these per row."""
    problems = []
    if predicate not in Predicate.values:
        problems.append(_("Predikat harus WBK atau WBBM."))
    if not decree_number:
        problems.append(_("Nomor keputusan wajib diisi."))
    elif len(decree_number) > 120:
        problems.append(_("Nomor keputusan terlalu panjang (maksimal 120 karakter)."))
    if decree_date > today:
        problems.append(_("Tanggal keputusan %(date)s belum tiba.") % {"date": f"{decree_date:%d-%m-%Y}"})
    if not FIRST_YEAR <= year <= decree_date.year:
        problems.append(
            _("Tahun evaluasi %(year)s tidak mungkin untuk keputusan bertanggal %(date)s.")
            % {"year": year, "date": f"{decree_date:%d-%m-%Y}"}
        )
    if Award.objects.filter(unit=unit, year=year).exists():
        problems.append(_("Unit ini sudah tercatat memperoleh predikat untuk tahun %(year)s.") % {"year": year})
    if predicate == Predicate.WBBM and not selectors.holds_wbk(unit, on=decree_date):
        problems.append(_("WBBM hanya dapat diberikan kepada unit yang memegang predikat WBK pada tanggal keputusan."))
    banned = Award.objects.filter(unit=unit, revoked_on__lte=decree_date, ban_until__gt=decree_date).first()
    if banned is not None:
        problems.append(
            _("Unit dalam masa larangan pengusulan sampai %(date)s setelah pencabutan.")
            % {"date": f"{banned.ban_until:%d-%m-%Y}"}
        )
    return problems


@transaction.atomic
def award_record(
    *,
    actor: Actor,
    unit: Unit,
    predicate: str,
    year: int,
    decree_number: str,
    decree_date: dt.date,
    source: str = Source.TPN,
    today: dt.date | None = None,
) -> Award:
    """Record a decree awarding ``predicate`` to ``unit`` for evaluation ``year``."""
    _check_actor(actor, unit)
    decree_number = " ".join(str(decree_number or "").split())
    problems = award_problems(
        unit=unit,
        predicate=predicate,
        year=year,
        decree_number=decree_number,
        decree_date=decree_date,
        today=today or timezone.localdate(),
    )
    if problems:
        raise ValidationError(problems)
    award = Award(
        unit=unit,
        predicate=predicate,
        year=year,
        decree_number=decree_number,
        decree_date=decree_date,
        source=source,
    )
    audit.save_and_record(actor, award, AWARD_FIELDS)
    events.on_unit_changed(unit.pk)  # the predicate held, in every period it counts in
    return award


@transaction.atomic
def award_revoke(
    *, actor: Actor, award: Award, revoked_on: dt.date, reason: str, today: dt.date | None = None
) -> Award:
    """Revoke an award (P90 Bab IV C); the unit may not be proposed again for the configured number of years."""
    award = Award.objects.select_for_update().select_related("unit").get(pk=award.pk)
    _check_actor(actor, award.unit)
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    problems = []
    if award.revoked_on is not None:
        problems.append(_("Predikat ini sudah dicabut pada %(date)s.") % {"date": f"{award.revoked_on:%d-%m-%Y}"})
    if not reason:
        problems.append(_("Alasan pencabutan wajib diisi."))
    if revoked_on < award.decree_date:
        problems.append(_("Tanggal pencabutan tidak boleh sebelum tanggal keputusan."))
    if revoked_on > today:
        problems.append(_("Tanggal pencabutan %(date)s belum tiba.") % {"date": f"{revoked_on:%d-%m-%Y}"})
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(award, AWARD_FIELDS)
    award.revoked_on = revoked_on
    award.revocation_reason = reason
    award.ban_until = rules.ban_until(revoked_on)
    audit.save_and_record(actor, award, AWARD_FIELDS, before=before, action="revoke")
    events.on_unit_changed(award.unit_id)
    return award
