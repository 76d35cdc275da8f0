"""Offline sync: a registered device sends a batch of responses it took without a network.

Each response carries an id made on the device (a UUID), the device time it was given and its answers. Each is
validated and stored **in its own transaction** through the same
:func:`zi.surveys.services.submissions.response_submit` the web form uses (same validation, stuffing checks and
rollups), and acknowledged on its own: ``stored``,
``duplicate`` (the server already has it: a retry after a lost reply stores nothing) or ``refused`` with a reason.
The device drops exactly what was acknowledged as stored or duplicate. Idempotency rests on the unique
(device, client id) of :class:`DeviceResponse` and on a form nonce derived from it (unique per campaign).

Flags for implausible batches (they never drop anything; evaluators see them like the web form's flags):
``offline_burst`` (too many responses of one device within a minute of its clock), ``offline_identical`` (the
same answer vector again and again from one device), ``offline_hours`` (answered outside the service hours, local
time of the unit) and ``offline_clock`` (the device clock far from the server's, or an answer time after the
send time).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.timezones import unit_timezone
from zi.surveys import integrity, services
from zi.surveys.models import Channel, DeviceResponse, FieldDevice, InstrumentItem, Response

STORED, DUPLICATE, REFUSED = "stored", "duplicate", "refused"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


@dataclass(frozen=True)
class Ack:
    id: str
    status: str
    reason: str = ""
    code: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"id": self.id, "status": self.status}
        if self.reason:
            data["reason"] = self.reason
            data["code"] = self.code
        return data


class SyncRefused(Exception):
    """The whole request is refused and nothing is stored (revoked device, closed campaign, too many requests,
    malformed batch). ``status`` is the HTTP status the endpoint answers with."""

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def service_hours() -> tuple[int, int]:
    """``ZI_SURVEY_OFFLINE_HOURS`` as (first hour, end hour) in the unit's local time; ``00-24`` = always."""
    raw = str(_setting("ZI_SURVEY_OFFLINE_HOURS", "06-20"))
    try:
        start, end = (int(part) for part in raw.split("-", 1))
    except ValueError:
        return 0, 24
    return max(0, min(start, 24)), max(0, min(end, 24))


def check_device(device: FieldDevice, now: dt.datetime | None = None) -> None:
    """Refuse a revoked device or a campaign that does not take answers, with the message the device shows."""
    if device.revoked_at is not None:
        raise SyncRefused(
            _(
                "Perangkat ini sudah dicabut oleh petugas dan tidak dapat mengirim jawaban. Jawaban tetap tersimpan "
                "di perangkat: gunakan tombol Ekspor dan serahkan berkasnya kepada unit."
            ),
            code="revoked",
            status=403,
        )
    state = services.campaign_state(device.campaign, now)
    if state == "closed":
        raise SyncRefused(
            _(
                "Survei ini sudah ditutup dan tidak menerima jawaban lagi. Jawaban tetap tersimpan di perangkat: "
                "gunakan tombol Ekspor dan serahkan berkasnya kepada unit."
            ),
            code="closed",
            status=409,
        )
    if state == "not_yet":
        raise SyncRefused(
            _("Survei ini belum dibuka. Jawaban tetap tersimpan di perangkat."), code="not_yet", status=409
        )


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None or timezone.is_naive(moment):
        return None
    return moment


def _answers(raw: Any) -> dict[int, int] | None:
    if not isinstance(raw, dict) or len(raw) > 500:
        return None
    answers: dict[int, int] = {}
    for key, value in raw.items():
        if not str(key).isdigit():
            return None
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
            return None
        answers[int(key)] = int(value)
    return answers


def _flags(
    device: FieldDevice,
    device_hash: str,
    answers: dict[int, int],
    by_id: dict[int, InstrumentItem],
    device_time: dt.datetime,
    sent_at: dt.datetime | None,
    offset: float | None,
) -> dict[str, Any]:
    flags: dict[str, Any] = {}
    per_minute = int(_setting("ZI_SURVEY_OFFLINE_PER_MINUTE", 4))
    if per_minute > 0:
        recent = DeviceResponse.objects.filter(
            device=device,
            device_time__gt=device_time - dt.timedelta(seconds=60),
            device_time__lt=device_time + dt.timedelta(seconds=60),
        ).count()
        if recent + 1 >= per_minute:
            flags["offline_burst"] = recent + 1
    identical_at = int(_setting("ZI_SURVEY_OFFLINE_IDENTICAL_AT", 3))
    known = {item_id: value for item_id, value in answers.items() if item_id in by_id}
    if identical_at > 0 and len(known) >= integrity.pattern_limits().min_items:
        vector = integrity.answer_vector(known, by_id)
        same = Response.objects.filter(campaign=device.campaign, device_hash=device_hash, answer_vector=vector).count()
        if same + 1 >= identical_at:
            flags["offline_identical"] = same + 1
    start, end = service_hours()
    local = device_time.astimezone(unit_timezone(device.campaign.unit))
    if not start <= local.hour < end:
        flags["offline_hours"] = local.strftime("%H:%M")
    skew = int(_setting("ZI_SURVEY_OFFLINE_CLOCK_SKEW", 900))
    if offset is not None and abs(offset) > skew:
        flags["offline_clock"] = int(offset)
    elif sent_at is not None and device_time > sent_at + dt.timedelta(seconds=60):
        flags["offline_clock"] = int((device_time - sent_at).total_seconds())
    return flags


def _refused(client_id: str, message: str, code: str) -> Ack:
    return Ack(client_id, REFUSED, message, code)


def _one(
    device: FieldDevice,
    entry: Any,
    items: list[InstrumentItem],
    now: dt.datetime,
    sent_at: dt.datetime | None,
    offset: float | None,
) -> Ack:
    campaign = device.campaign
    raw_id = entry.get("id") if isinstance(entry, dict) else None
    shown_id = str(raw_id)[:64] if raw_id is not None else ""
    try:
        client_id = uuid.UUID(str(raw_id))
    except ValueError:
        return _refused(shown_id, _("Id jawaban dari perangkat tidak sah."), "invalid_id")
    if DeviceResponse.objects.filter(device=device, client_id=client_id).exists():
        return Ack(shown_id, DUPLICATE)
    device_time = _parse_time(entry.get("answered_at"))
    if device_time is None:
        return _refused(shown_id, _("Waktu pengisian tidak sah."), "invalid_time")
    answers = _answers(entry.get("answers"))
    if answers is None:
        return _refused(shown_id, _("Ada jawaban yang belum diisi atau tidak sah."), "invalid_answers")
    by_id = {item.pk: item for item in items}
    device_hash = integrity.keyed_hash("device", campaign.pk, f"offline:{device.pk}")
    submission = services.Submission(
        group=str(entry.get("group", ""))[:16],
        answers=answers,
        service_type=str(entry.get("service_type", "") or "")[:120],
        service_point=device.service_point,
        channel=Channel.OFFLINE,
        # Derived from (device, client id): a resend of the same response meets the campaign's unique nonce too.
        form_nonce=integrity.keyed_hash("offline", campaign.pk, f"{device.pk}:{client_id}")[:32],
        device_hash=device_hash,
        one_per_device=False,
        flags=_flags(device, device_hash, answers, by_id, device_time, sent_at, offset),
        code=str(entry.get("code", "") or "")[:40],
    )
    try:
        with transaction.atomic():
            result = services.response_submit(campaign, submission, now=now, items=items)
            if not result.created:
                return Ack(shown_id, DUPLICATE)
            DeviceResponse.objects.create(
                device=device, client_id=client_id, response=result.response, device_time=device_time, received_at=now
            )
    except services.SurveyError as exc:
        return _refused(shown_id, str(exc), exc.code or "invalid")
    except IntegrityError:
        # A concurrent sync of the same response committed first: this one stored nothing.
        return Ack(shown_id, DUPLICATE)
    return Ack(shown_id, STORED)


def max_batch() -> int:
    return int(_setting("ZI_SURVEY_SYNC_MAX_BATCH", 100))


def sync_batch(device: FieldDevice, payload: Any, now: dt.datetime | None = None, *, report: bool = True) -> list[Ack]:
    """Store a device's batch, one transaction per response; the acknowledgements in the batch's order.

    Raises :class:`SyncRefused` (nothing stored) for a revoked device, a closed campaign or a malformed batch.
    Records the device's last sync, clock offset and the queue it still holds after this batch (``report``; not
    for a file imported by staff, which is not the device speaking)."""
    now = now or timezone.now()
    check_device(device, now)
    if not isinstance(payload, dict) or not isinstance(payload.get("responses", []), list):
        raise SyncRefused(_("Format kiriman tidak sah."), code="invalid", status=400)
    entries = payload.get("responses", [])
    if len(entries) > max_batch():
        raise SyncRefused(
            _("Terlalu banyak jawaban dalam satu kiriman (paling banyak %(n)s).") % {"n": max_batch()},
            code="too_large",
            status=413,
        )
    sent_at = _parse_time(payload.get("sent_at"))
    offset = (sent_at - now).total_seconds() if sent_at is not None else None
    items = services.campaign_items(device.campaign)
    acks = [_one(device, entry, items, now, sent_at, offset) for entry in entries]
    queue = payload.get("queue_size")
    held = None
    if isinstance(queue, int) and not isinstance(queue, bool) and queue >= 0:
        held = max(0, queue - sum(1 for ack in acks if ack.status in (STORED, DUPLICATE)))
    if report:
        FieldDevice.objects.filter(pk=device.pk).update(
            last_sync_at=now, last_queue_size=held, last_clock_offset=int(offset) if offset is not None else None
        )
    return acks


def import_export_file(*, actor: Actor, device: FieldDevice, data: Any) -> dict[str, int]:
    """A device's exported queue ("Ekspor" file) brought to the unit by hand, e.g. from a field phone that never
    reaches a network: sent through the same per-response sync, so a response already synced (or synced later by
    the device itself) is a duplicate, never a second row. The same refusals apply (revoked device, closed
    campaign). Audited with the counts; the file's clock is not the device's at send time, so no clock check."""
    if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
        raise SyncRefused(_("Berkas bukan hasil Ekspor perangkat luring."), code="invalid", status=400)
    entries = data["responses"]
    counts = {STORED: 0, DUPLICATE: 0, REFUSED: 0}
    size = max_batch()
    for start in range(0, len(entries), size):
        for ack in sync_batch(device, {"responses": entries[start : start + size]}, report=False):
            counts[ack.status] += 1
    with transaction.atomic():
        audit.record(actor, "import", device, extra={"file_responses": len(entries), **counts})
    return counts
