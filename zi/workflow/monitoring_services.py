"""Writes of post-predicate monitoring: the TPI's monitoring report and the TPN's field check on a holder.

Kept beside :mod:`zi.workflow.monitoring` (the reads) rather than in ``services.py`` (the journey): the records
hang on an award of the predicate register, not on a journey. Each write checks the permission, validates with
``full_clean``, audits, and announces the unit as changed (its dashboard row counts holders at risk).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.assessments import evidence as evidence_checks
from zi.core import audit, events
from zi.core.actors import Actor
from zi.organisations.access import Action, may
from zi.predicates.models import Award
from zi.workflow.models import FieldCheck, MonitoringRecommendation, MonitoringReport, MonitoringResult


def _user_or_none(actor: Actor) -> Any:
    return actor_user(actor)


def _check_choices(result: str, recommendation: str) -> None:
    if result not in MonitoringResult.values:
        raise ValidationError(_("Hasil pemantauan tidak dikenal."))
    if recommendation not in MonitoringRecommendation.values:
        raise ValidationError(_("Rekomendasi tidak dikenal."))


def date_problems(award: Award, day: dt.date | None, *, today: dt.date | None = None) -> list[str]:
    """A monitoring date lies between the decree and today, and the award is still held (not revoked)."""
    today = today or timezone.localdate()
    if day is None:
        return [_("Tanggal wajib diisi.")]
    problems = []
    if day > today:
        problems.append(_("Tanggal %(date)s belum tiba.") % {"date": f"{day:%d-%m-%Y}"})
    if day < award.decree_date:
        problems.append(
            _("Tanggal tidak boleh sebelum tanggal keputusan predikat (%(date)s).")
            % {"date": f"{award.decree_date:%d-%m-%Y}"}
        )
    if award.revoked_on is not None:
        problems.append(_("Predikat ini sudah dicabut; pemantauan berakhir."))
    return problems


def _locked_award(actor: Actor, award: Award, action: Action, denied: str) -> Award:
    """The award under a row lock, once the actor may record on its unit (a string actor is the system: the demo)."""
    award = Award.objects.select_for_update().select_related("unit").get(pk=award.pk)
    if not isinstance(actor, str) and not may(actor, action, award.unit):
        raise PermissionDenied(denied)
    return award


_Finding = TypeVar("_Finding", MonitoringReport, FieldCheck)


def _save_finding(actor: Actor, row: _Finding) -> _Finding:
    """Save a monitoring report or field check, audit it, and refresh its unit's figures (holders at risk)."""
    row.full_clean(exclude=["recorded_by"])
    row.save()
    audit.record(actor, "create", row, after=audit.snapshot(row))
    events.on_unit_changed(row.award.unit_id)
    return row


@transaction.atomic
def report_record(
    *,
    actor: Actor,
    award: Award,
    report_date: dt.date | None,
    result: str,
    recommendation: str,
    uploaded_file: Any,
    summary: str = "",
    today: dt.date | None = None,
) -> MonitoringReport:
    """Record the TPI's monitoring report on a holder, with the report file (checked like evidence: content type
    from the bytes, size limit, not empty)."""
    award = _locked_award(
        actor, award, Action.TPI_SCORE, _("Anda tidak berwenang mencatat laporan pemantauan unit ini.")
    )
    _check_choices(result, recommendation)
    problems = date_problems(award, report_date, today=today)
    if problems:
        raise ValidationError(problems)
    if uploaded_file is None:
        raise ValidationError(_("Berkas laporan wajib diunggah."))
    checked = evidence_checks.check_upload(uploaded_file)
    uploaded_file.seek(0)
    report = MonitoringReport(  # type: ignore[misc]  # date_problems refuses a missing date
        award=award,
        report_date=report_date,
        result=result,
        recommendation=recommendation,
        summary=(summary or "").strip(),
        file_name=checked.display_name,
        content_type=checked.content_type,
        sha256=checked.sha256,
        recorded_by=_user_or_none(actor),
    )
    report.file.save(checked.display_name, File(uploaded_file), save=False)
    return _save_finding(actor, report)


@transaction.atomic
def field_check_record(
    *,
    actor: Actor,
    award: Award,
    check_date: dt.date | None,
    result: str,
    recommendation: str,
    findings: str,
    today: dt.date | None = None,
) -> FieldCheck:
    """Record a TPN field check of a holder; a recommendation to revoke puts it on the at-risk list until the
    decision (the revocation itself is the TPN result flow's)."""
    award = _locked_award(
        actor, award, Action.TPN_RESULT_RECORD, _("Anda tidak berwenang mencatat pemeriksaan lapangan unit ini.")
    )
    _check_choices(result, recommendation)
    problems = date_problems(award, check_date, today=today)
    findings = (findings or "").strip()
    if not findings:
        problems.append(_("Temuan pemeriksaan wajib diisi."))
    if problems:
        raise ValidationError(problems)
    check = FieldCheck(  # type: ignore[misc]  # date_problems refuses a missing date
        award=award,
        check_date=check_date,
        result=result,
        recommendation=recommendation,
        findings=findings,
        recorded_by=_user_or_none(actor),
    )
    return _save_finding(actor, check)
