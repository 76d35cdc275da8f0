"""Writes on the integrity registers: gratification reports, conflict-of-interest declarations and whistle-blowing
reports; the identity rule; a whistle-blowing report found by its tracking code. Keyword-only
``<entity>_<verb>`` functions, one transaction each, through :mod:`zi.organisations.records` (permission,
validation, write, audit event). The whistle-blower's identity never enters the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core import audit, tracking
from zi.core.actors import Actor
from zi.integrity.models import (
    ConflictOfInterest,
    ConflictStatus,
    GratificationDecision,
    GratificationReport,
    WhistleReport,
    WhistleStatus,
)
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.records import (
    actor_or_none,
    clean_choice,
    clean_date,
    clean_decimal,
    clean_staff_of,
    clean_text,
    record_create,
    record_update,
)


def may_see_whistle_identity(user: Actor, report: WhistleReport) -> bool:
    """Only integrity handlers who are not themselves staff of the reported unit see the reporter's identity."""
    if not may(user, Action.INTEGRITY_HANDLE, report.unit):
        return False
    return getattr(user, "unit_id", None) != report.unit_id


def whistle_tracked(digest: str) -> dict[str, Any] | None:
    """What the holder of a whistle-blowing report's tracking code may see (the subject is never shown)."""
    report = WhistleReport.objects.filter(tracking_hash=digest).select_related("unit").first()
    if report is None:
        return None
    return {
        "kind": "whistle",
        "unit": report.unit.name,
        "subject": "",
        "received_at": report.received_at,
        "sla_due_at": None,
        "status": report.get_status_display(),
        "status_code": report.status,
        "public_response": report.public_response,
        "actions": [],
    }


# Never put the whistle-blower's identity in the audit trail (agency admins and auditors read it).
_R = TypeVar("_R", bound=models.Model)
WHISTLE_FIELDS = ("unit", "received_at", "subject", "status", "handling_notes", "public_response")


# --- gratification and conflict-of-interest registers ---------------------------------------------------------
# The integrity registers (gratification, conflict of interest, and the whistle-blowing handling below) share one
# shape: a permission check on the unit, validation, the write and its audit event in one transaction.


@dataclass(frozen=True)
class _Register(Generic[_R]):
    """One integrity register: its model, the fields its audit events keep, and the action that may change it."""

    model: type[_R]
    fields: tuple[str, ...]
    allowed: Action = Action.REGISTER_WRITE

    def create(self, *, actor: Actor, unit: Unit, denied: str, build: Callable[[], dict[str, Any]]) -> _R:
        """Create an entry: permission first, then ``build()`` validates and returns the field values."""
        record = self.model(unit=unit, created_by=actor_or_none(actor))

        def clean(entry: Any) -> None:
            for field, value in build().items():
                setattr(entry, field, value)

        return record_create(
            actor=actor, record=record, snapshot=self.fields, clean=clean, allowed=self.allowed, denied=denied
        )

    def update(
        self, *, actor: Actor, record: _R, denied: str, apply: Callable[[Any], dict[str, tuple[Any, Any]] | None]
    ) -> _R:
        """Change an entry under a row lock: permission, ``apply(record)`` validates and sets, save, audit."""
        return record_update(
            actor=actor, record=record, snapshot=self.fields, apply=apply, allowed=self.allowed, denied=denied
        )


GRATIFICATION_FIELDS = (
    "unit",
    "reporter",
    "offered_on",
    "giver_description",
    "gift_description",
    "value_estimate",
    "refused",
    "decision",
    "decision_note",
)
_GRATIFICATION = _Register(GratificationReport, GRATIFICATION_FIELDS)


@transaction.atomic
def gratification_report_create(
    *,
    actor: Actor,
    unit: Unit,
    reporter: Any,
    offered_on: dt.date,
    giver_description: str,
    gift_description: str,
    value_estimate: Any = 0,
    refused: bool = False,
    decision: str = "",
    decision_note: str = "",
) -> GratificationReport:
    def build() -> dict[str, Any]:
        day = clean_date(offered_on, _("Tanggal pemberian"))
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal pemberian tidak boleh di masa depan."))
        chosen = decision or (GratificationDecision.REFUSED if refused else GratificationDecision.PENDING)
        return {
            "reporter": clean_staff_of(unit, reporter, _("Pelapor")),
            "offered_on": day,
            "giver_description": clean_text(
                giver_description, _("Pemberi"), required=True, max_length=255, single_line=True
            ),
            "gift_description": clean_text(
                gift_description, _("Bentuk pemberian"), required=True, max_length=255, single_line=True
            ),
            "value_estimate": clean_decimal(value_estimate, _("Perkiraan nilai")) or 0,
            "refused": bool(refused),
            "decision": clean_choice(chosen, GratificationDecision, _("Keputusan")),
            "decision_note": clean_text(decision_note, _("Catatan keputusan")),
        }

    return _GRATIFICATION.create(
        actor=actor, unit=unit, denied=_("Anda tidak berwenang mencatat laporan gratifikasi unit ini."), build=build
    )


@transaction.atomic
def gratification_decide(
    *, actor: Actor, report: GratificationReport, decision: str, decision_note: str = ""
) -> GratificationReport:
    def apply(record: GratificationReport) -> None:
        record.decision = clean_choice(decision, GratificationDecision, _("Keputusan"))
        record.decision_note = clean_text(decision_note, _("Catatan keputusan"))

    return _GRATIFICATION.update(
        actor=actor, record=report, denied=_("Anda tidak berwenang memutuskan laporan gratifikasi ini."), apply=apply
    )


CONFLICT_FIELDS = ("unit", "person", "declared_on", "situation", "related_party", "mitigation", "status")
_CONFLICT = _Register(ConflictOfInterest, CONFLICT_FIELDS)


@transaction.atomic
def conflict_create(
    *,
    actor: Actor,
    unit: Unit,
    declared_on: dt.date,
    situation: str,
    person: Any = None,
    related_party: str = "",
    mitigation: str = "",
    status: str = ConflictStatus.IDENTIFIED,
) -> ConflictOfInterest:
    def build() -> dict[str, Any]:
        return {
            "person": clean_staff_of(unit, person, _("Pegawai")) if person else None,
            "declared_on": clean_date(declared_on, _("Tanggal")),
            "situation": clean_text(situation, _("Situasi"), required=True),
            "related_party": clean_text(related_party, _("Pihak terkait"), max_length=255, single_line=True),
            "mitigation": clean_text(mitigation, _("Mitigasi")),
            "status": clean_choice(status, ConflictStatus, _("Status")),
        }

    return _CONFLICT.create(
        actor=actor, unit=unit, denied=_("Anda tidak berwenang mencatat benturan kepentingan unit ini."), build=build
    )


@transaction.atomic
def conflict_update(
    *, actor: Actor, conflict: ConflictOfInterest, status: str, mitigation: str | None = None
) -> ConflictOfInterest:
    def apply(record: ConflictOfInterest) -> None:
        record.status = clean_choice(status, ConflictStatus, _("Status"))
        if mitigation is not None:
            record.mitigation = clean_text(mitigation, _("Mitigasi"))

    return _CONFLICT.update(
        actor=actor,
        record=conflict,
        denied=_("Anda tidak berwenang mengubah catatan benturan kepentingan ini."),
        apply=apply,
    )


# --- whistle-blowing ------------------------------------------------------------------------------------------

_WHISTLE = _Register(WhistleReport, WHISTLE_FIELDS, allowed=Action.INTEGRITY_HANDLE)


@transaction.atomic
def whistle_submit_public(
    *, unit: Unit, subject: str, description: str, reporter_name: str = "", reporter_contact: str = ""
) -> tuple[WhistleReport, str]:
    """An anonymous (or named) whistle-blowing report; returns the report and its tracking code."""
    if not unit.is_active:
        raise ValidationError(_("Unit ini tidak menerima laporan melalui formulir ini."))
    code, digest = tracking.new_tracking(WhistleReport)
    report = WhistleReport.objects.create(
        unit=unit,
        received_at=timezone.now(),
        subject=clean_text(subject, _("Pokok laporan"), required=True, max_length=255, single_line=True),
        description=clean_text(description, _("Uraian"), required=True),
        reporter_name=clean_text(reporter_name, _("Nama"), max_length=255, single_line=True),
        reporter_contact=clean_text(reporter_contact, _("Kontak"), max_length=255, single_line=True),
        tracking_hash=digest,
    )
    audit.record(
        "public",
        "create",
        report,
        after={
            **audit.snapshot(report, WHISTLE_FIELDS),
            "identity_given": bool(report.reporter_name or report.reporter_contact),
        },
    )
    return report, code


@transaction.atomic
def whistle_update(
    *,
    actor: Actor,
    report: WhistleReport,
    status: str | None = None,
    handling_notes: str | None = None,
    public_response: str | None = None,
) -> WhistleReport:

    def apply(record: WhistleReport) -> None:
        if status is not None:
            record.status = clean_choice(status, WhistleStatus, _("Status"))
        if handling_notes is not None:
            record.handling_notes = clean_text(handling_notes, _("Catatan penanganan"))
        if public_response is not None:
            record.public_response = clean_text(public_response, _("Tanggapan"))

    return _WHISTLE.update(
        actor=actor, record=report, denied=_("Anda tidak berwenang menangani laporan ini."), apply=apply
    )
