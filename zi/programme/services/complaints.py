"""Complaints: recorded by the unit or submitted by the public, the settlement deadline (SLA), handling, follow-up
actions, photos and the erasure of complainants' e-mail addresses."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zi.core import audit, events, tracking
from zi.core.actors import Actor
from zi.organisations.access import Action
from zi.organisations.models import Unit
from zi.organisations.records import actor_or_none, clean_choice, clean_date, clean_text, set_fields
from zi.programme import notifications
from zi.programme.models import (
    OPEN_COMPLAINT_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintPhoto,
    ComplaintStatus,
    FollowUpAction,
)
from zi.programme.services.common import _record_create, _record_update, _require_manage
from zi.programme.services.images import IMAGE_EXTENSIONS, check_image, strip_metadata

# Days to settle a complaint, per category (calendar days from receipt). Override per deployment with
# settings.ZI_COMPLAINT_SLA_DAYS = {"pungli": 5, ...}; categories not listed use DEFAULT_SLA_DAYS.
DEFAULT_SLA_DAYS = 14
SLA_DAYS: dict[str, int] = {
    ComplaintCategory.PUNGLI: 7,
    ComplaintCategory.PETUGAS: 10,
    ComplaintCategory.INFORMASI: 7,
}


# What staff may correct in a complaint as it was received (``complaint_update_details``).
COMPLAINT_DETAIL_FIELDS = (
    "channel",
    "channel_reference",
    "category",
    "subject",
    "description",
    "complainant_name",
    "complainant_contact",
    "received_at",
)
COMPLAINT_FIELDS = (
    "unit",
    *COMPLAINT_DETAIL_FIELDS,
    "sla_due_at",
    "status",
    "resolved_at",
    "handling_notes",
    "public_response",
)


def sla_days(category: str) -> int:
    configured = getattr(settings, "ZI_COMPLAINT_SLA_DAYS", {}) or {}
    if category in configured:
        return int(configured[category])
    return int(SLA_DAYS.get(category, DEFAULT_SLA_DAYS))


def sla_due(received_at: dt.datetime, category: str) -> dt.datetime:
    return received_at + dt.timedelta(days=sla_days(category))


def _complaint_snapshot(complaint: Complaint) -> dict[str, Any]:
    # the e-mail address for notifications never enters the trail; only whether one was left
    return {**audit.snapshot(complaint, COMPLAINT_FIELDS), "notify_requested": bool(complaint.notify_email)}


def _new_complaint(
    *, actor: Actor, allowed: Action | None = Action.PROGRAMME_MANAGE, audit_actor: Actor = None, **values: Any
) -> tuple[Complaint, str]:
    """A new complaint from any channel: validated by :func:`_clean_complaint` (as a correction is), the deadline
    taken at receipt, a fresh tracking code (only its hash and last four characters are stored)."""
    complaint = Complaint(**values)
    codes: list[str] = []

    def clean(record: Complaint) -> None:
        _clean_complaint(record)
        record.notify_email = _notify_email(record.notify_email)
        record.sla_due_at = sla_due(record.received_at, record.category)
        code, record.tracking_hash = tracking.new_tracking(Complaint)
        record.tracking_hint = code[-4:]
        codes.append(code)

    _record_create(
        actor=actor,
        record=complaint,
        snapshot=_complaint_snapshot,
        clean=clean,
        allowed=allowed,
        audit_actor=audit_actor,
    )
    events.on_unit_changed(complaint.unit_id)  # the dashboards' complaint counts
    return complaint, codes[0]


def _notify_email(value: Any) -> str:
    address = clean_text(value, _("Surel untuk pemberitahuan"), max_length=254, single_line=True)
    if address:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(_("Alamat surel untuk pemberitahuan tidak valid.")) from exc
    return address


def _clean_complaint(complaint: Complaint) -> None:
    """The same rules for a new complaint and for correcting one."""
    clean_choice(complaint.channel, ComplaintChannel, _("Kanal"))
    clean_choice(complaint.category, ComplaintCategory, _("Kategori"))
    if complaint.channel == ComplaintChannel.LAPOR and not str(complaint.channel_reference or "").strip():
        raise ValidationError(_("Pengaduan dari SP4N-LAPOR! wajib mencantumkan nomor tiketnya."))
    received_at = complaint.received_at
    if not isinstance(received_at, dt.datetime):
        raise ValidationError(_("Waktu diterima bukan waktu yang valid."))
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Waktu diterima tidak boleh di masa depan."))
    complaint.received_at = received_at
    complaint.channel_reference = clean_text(
        complaint.channel_reference, _("Nomor referensi"), max_length=100, single_line=True
    )
    complaint.subject = clean_text(
        complaint.subject, _("Pokok pengaduan"), required=True, max_length=255, single_line=True
    )
    complaint.description = clean_text(complaint.description, _("Isi pengaduan"), required=True)
    complaint.complainant_name = clean_text(complaint.complainant_name, _("Nama"), max_length=255, single_line=True)
    complaint.complainant_contact = clean_text(
        complaint.complainant_contact, _("Kontak"), max_length=255, single_line=True
    )


@transaction.atomic
def complaint_create(
    *,
    actor: Actor,
    unit: Unit,
    channel: str,
    category: str,
    subject: str,
    description: str,
    received_at: dt.datetime | None = None,
    complainant_name: str = "",
    complainant_contact: str = "",
    channel_reference: str = "",
) -> tuple[Complaint, str]:
    """Record a complaint received by the unit (counter, phone, e-mail, SP4N-LAPOR!, social media).

    Returns the complaint and its tracking code (shown once, to hand to the complainant; only its hash is kept).
    """
    return _new_complaint(
        actor=actor,
        unit=unit,
        channel=channel,
        category=category,
        subject=subject,
        description=description,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        channel_reference=channel_reference,
        received_at=received_at or timezone.now(),
        created_by=actor_or_none(actor),
    )


@transaction.atomic
def complaint_submit_public(
    *,
    unit: Unit,
    category: str,
    subject: str,
    description: str,
    complainant_name: str = "",
    complainant_contact: str = "",
    notify_email: str = "",
    photos: Iterable[Any] = (),
) -> tuple[Complaint, str]:
    """A complaint sent by anyone through the public web form (no login).

    ``photos`` (at most :data:`COMPLAINT_MAX_PHOTOS`) are checked like evidence photos (:func:`check_image`: the
    type read from the content, the size limit) and stored without their metadata (:func:`strip_metadata`); one bad
    photo refuses the whole complaint, so nothing is stored half.

    ``notify_email`` (optional) is where the complainant wants to hear about the handling: a receipt with the
    tracking code now, then a message at every status change or answer (:mod:`zi.programme.notifications`).
    """
    if not unit.is_active:
        raise ValidationError(_("Unit ini tidak menerima pengaduan melalui formulir ini."))
    photos = [photo for photo in photos if photo]
    if len(photos) > COMPLAINT_MAX_PHOTOS:
        raise ValidationError(_("Paling banyak %(n)d foto.") % {"n": COMPLAINT_MAX_PHOTOS})
    cleaned = []
    for photo in photos:
        content_type, _size, _digest = check_image(photo)
        photo.seek(0)
        cleaned.append((content_type, strip_metadata(photo.read(), content_type)))
    complaint, code = _new_complaint(
        actor=None,
        allowed=None,  # the public side: anyone may submit (the view rate-limits)
        audit_actor="public",
        unit=unit,
        channel=ComplaintChannel.WEB,
        category=category,
        subject=subject,
        description=description,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        notify_email=notify_email,
        notify_language=translation.get_language() or "",  # the form's language: the e-mails use it
        channel_reference="",
        received_at=timezone.now(),
        created_by=None,
    )
    for content_type, data in cleaned:
        _complaint_add_photo(complaint, content_type, data)
    notifications.complaint_received(complaint, code)
    return complaint, code


COMPLAINT_MAX_PHOTOS = 3


def _complaint_add_photo(complaint: Complaint, content_type: str, data: bytes) -> ComplaintPhoto:
    photo = ComplaintPhoto(
        complaint=complaint, content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    photo.file.save(f"foto.{IMAGE_EXTENSIONS[content_type]}", ContentFile(data), save=False)
    photo.save()
    after = {"photo": photo.pk, "sha256": photo.sha256, "size": photo.size, "content_type": content_type}
    audit.record("public", "add_photo", complaint, after=after)
    return photo


def complainant_emails_erase(*, now: Any = None, days: int | None = None) -> int:
    """Erase the complainant's notification address (and language) from every complaint closed (resolved or
    rejected) and unchanged for ``days`` (default ``settings.ZI_COMPLAINT_EMAIL_RETENTION_DAYS``): the address was
    given only to hear about the handling. Open complaints keep it, whatever their age. One audit event per
    complaint (``notify_requested`` true → false; never the address). Returns how many were erased.

    Run daily by the ``programme_erase_complainant_emails`` task, or ``zi programme erase-emails`` from cron."""
    days = settings.ZI_COMPLAINT_EMAIL_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        closed = list(
            Complaint.objects.select_for_update()
            .filter(updated_at__lt=cutoff)
            .exclude(notify_email="")
            .exclude(status__in=OPEN_COMPLAINT_STATUSES)
            .select_related("unit")
            .only("pk", "subject", "status", "unit__path", "unit__name")
        )
        if not closed:
            return 0
        Complaint.objects.filter(pk__in=[c.pk for c in closed]).update(notify_email="", notify_language="")
        audit.record_many(
            "system",
            [
                audit.Change(
                    action="erase_notify_email",
                    object_type="programme.complaint",
                    object_id=str(c.pk),
                    object_repr=f"{c.unit.name}: {c.subject}"[:200],
                    scope_path=c.unit.path,
                    before={"notify_requested": True},
                    after={"notify_requested": False},
                    extra={"retention_days": days, "status": c.status},
                )
                for c in closed
            ],
        )
    return len(closed)


@transaction.atomic
def complaint_update_details(*, actor: Actor, complaint: Complaint, **changes: Any) -> Complaint:
    """Correct what was recorded about a complaint (channel, category, text, complainant, time received).

    Validated like a new complaint. A new category or receipt time moves the service-level deadline with it;
    otherwise the deadline stays as stored.
    """

    def apply(record: Complaint) -> None:
        old_key = (record.category, record.received_at)
        for field, value in changes.items():
            if field == "received_at" and (value is None or _same_minute(value, record.received_at)):
                continue  # the form shows minutes: an unchanged value must not shift the deadline by seconds
            set_fields(record, {field: value}, COMPLAINT_DETAIL_FIELDS)
        _clean_complaint(record)
        if (record.category, record.received_at) != old_key:
            record.sla_due_at = sla_due(record.received_at, record.category)

    complaint = _record_update(
        actor=actor, record=complaint, snapshot=_complaint_snapshot, apply=apply, skip_unchanged=True
    )
    events.on_unit_changed(complaint.unit_id)
    return complaint


def _same_minute(value: Any, stored: dt.datetime) -> bool:
    if not isinstance(value, dt.datetime):
        return False
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return bool(value.replace(second=0, microsecond=0) == stored.replace(second=0, microsecond=0))


def _resolved_moment(value: Any, complaint: Complaint) -> dt.datetime:
    """The response date of a resolved complaint: a date (taken at the end of that day) or a moment."""
    if isinstance(value, dt.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    else:
        day = clean_date(value, _("Tanggal selesai"))
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
        if day == timezone.localdate():
            moment = min(moment, timezone.now())
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Tanggal selesai tidak boleh di masa depan."))
    if moment < complaint.received_at:
        if timezone.localdate(moment) < timezone.localdate(complaint.received_at):
            raise ValidationError(_("Tanggal selesai tidak boleh sebelum pengaduan diterima."))
        moment = complaint.received_at
    return moment


@transaction.atomic
def complaint_update(
    *,
    actor: Actor,
    complaint: Complaint,
    status: str | None = None,
    handling_notes: str | None = None,
    public_response: str | None = None,
    resolved_at: Any = None,
) -> Complaint:
    """Move a complaint through its handling (received → in progress → resolved, or rejected).

    ``resolved_at`` (a date or a moment) is the date the complainant got the answer; without it a complaint that
    becomes resolved is resolved now. Overdue/late highlighting follows from the status, the deadline and it.
    A complainant who left an e-mail address hears about a new status or answer (never about internal notes).
    """
    seen: dict[str, Any] = {}

    def apply(record: Complaint) -> None:
        seen.update(status=record.status, public_response=record.public_response)
        if status is not None:
            record.status = clean_choice(status, ComplaintStatus, _("Status"))
            if record.status == ComplaintStatus.RESOLVED and record.resolved_at is None:
                record.resolved_at = timezone.now()
            elif record.status != ComplaintStatus.RESOLVED:
                record.resolved_at = None
        if resolved_at is not None:
            if record.status != ComplaintStatus.RESOLVED:
                raise ValidationError(_("Tanggal selesai hanya diisi untuk pengaduan yang selesai ditindaklanjuti."))
            record.resolved_at = _resolved_moment(resolved_at, record)
        if handling_notes is not None:
            record.handling_notes = clean_text(handling_notes, _("Catatan penanganan"))
        if public_response is not None:
            record.public_response = clean_text(public_response, _("Tanggapan"))
        if record.status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED) and not record.public_response:
            raise ValidationError(_("Tuliskan tanggapan untuk pengadu sebelum menyelesaikan atau menolak pengaduan."))

    complaint = _record_update(
        actor=actor, record=complaint, snapshot=_complaint_snapshot, apply=apply, skip_unchanged=True
    )
    notifications.complaint_changed(complaint, old_status=seen["status"], old_response=seen["public_response"])
    events.on_unit_changed(complaint.unit_id)
    return complaint


ACTION_FIELDS = ("complaint", "done_on", "description")


def _clean_action(action: FollowUpAction) -> None:
    """The same checks when a follow-up action is added and when it is corrected."""
    action.done_on = clean_date(action.done_on, _("Tanggal tindak lanjut"))
    if action.done_on < timezone.localdate(action.complaint.received_at):
        raise ValidationError(_("Tanggal tindak lanjut tidak boleh sebelum pengaduan diterima."))
    action.description = clean_text(action.description, _("Tindak lanjut"), required=True)


@transaction.atomic
def complaint_add_action(*, actor: Actor, complaint: Complaint, done_on: dt.date, description: str) -> FollowUpAction:
    """Record a step taken on a complaint; the first one moves a *received* complaint to *in progress*."""
    action = FollowUpAction(
        complaint=complaint, done_on=done_on, description=description, created_by=actor_or_none(actor)
    )

    def then(record: FollowUpAction) -> None:
        if complaint.status == ComplaintStatus.RECEIVED:
            before = _complaint_snapshot(complaint)
            complaint.status = ComplaintStatus.IN_PROGRESS
            complaint.save(update_fields=["status", "updated_at"])
            audit.record(actor, "update", complaint, before=before, after=_complaint_snapshot(complaint))
            notifications.complaint_changed(
                complaint, old_status=ComplaintStatus.RECEIVED, old_response=complaint.public_response
            )

    return _record_create(actor=actor, record=action, snapshot=audit.snapshot, clean=_clean_action, then=then)


@transaction.atomic
def complaint_action_update(
    *, actor: Actor, action: FollowUpAction, done_on: dt.date, description: str
) -> FollowUpAction:
    """Correct a follow-up action (same checks as when it was added); one audit event when something changed."""

    def apply(record: FollowUpAction) -> None:
        record.done_on, record.description = done_on, description
        _clean_action(record)

    return _record_update(
        actor=actor,
        record=action,
        snapshot=ACTION_FIELDS,
        apply=apply,
        related=("complaint__unit",),
        skip_unchanged=True,
        update_fields=["done_on", "description"],
    )


@transaction.atomic
def complaint_action_delete(*, actor: Actor, action: FollowUpAction) -> None:
    """Remove a follow-up action recorded by mistake; the audit event keeps what it said. The status stays."""
    action = FollowUpAction.objects.select_for_update().select_related("complaint__unit").get(pk=action.pk)
    _require_manage(actor, action.complaint.unit)
    audit.record(actor, "delete", action, before=audit.snapshot(action, ACTION_FIELDS))
    action.delete()
