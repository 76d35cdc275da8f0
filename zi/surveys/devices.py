"""Registered offline devices (kiosk tablets, field phones): registration, revocation, token lookup.

A device is given a random token once, shown as a QR code; only its keyed hash is stored, so a database copy
cannot be used to send answers. Staff writes are audited; the permission is the campaign management right
(``survey.manage``), checked by the views.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.core import audit
from zi.core.actors import Actor
from zi.surveys.models import Campaign, DeviceKind, FieldDevice, ServicePoint
from zi.surveys.services.campaigns import campaign_state
from zi.surveys.services.errors import SurveyError

TOKEN_BYTES = 24
AUDITED_FIELDS = ["campaign", "service_point", "kind", "name", "revoked_at", "revoked_by", "revoked_reason"]


def token_hash(token: str) -> str:
    """The keyed hash a device token is stored and looked up by."""
    return salted_hmac("zi.surveys.field-device", token, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Registered:
    device: FieldDevice
    token: str  # shown once (as a QR code); never stored


@transaction.atomic
def device_register(
    *, actor: Actor, campaign: Campaign, name: str, kind: str = DeviceKind.KIOSK, service_point: ServicePoint | None
) -> Registered:
    name = name.strip()[:120]
    if not name:
        raise SurveyError(_("Nama perangkat wajib diisi."))
    if kind not in DeviceKind.values:
        raise SurveyError(_("Jenis perangkat tidak dikenal."))
    if service_point is not None and service_point.campaign_id != campaign.pk:
        raise SurveyError(_("Titik layanan bukan milik kampanye ini."))
    if campaign_state(campaign) == "closed":
        raise SurveyError(_("Kampanye sudah ditutup; perangkat baru tidak dapat didaftarkan."), code="closed")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    device = FieldDevice(
        campaign=campaign,
        service_point=service_point,
        kind=kind,
        name=name,
        token_hash=token_hash(token),
        created_by=actor_user(actor),
    )
    device.full_clean(exclude=["created_by", "revoked_by"])
    device.save()
    audit.record(actor, "create", device, after=audit.snapshot(device, AUDITED_FIELDS))
    return Registered(device, token)


@transaction.atomic
def device_revoke(*, actor: Actor, device: FieldDevice, reason: str = "") -> FieldDevice:
    """Refuse every later sync of this device (its answers stay on it, exportable). Cannot be undone: register a
    new device instead."""
    device = FieldDevice.objects.select_for_update().get(pk=device.pk)
    if device.revoked_at is not None:
        raise SurveyError(_("Perangkat ini sudah dicabut."), code="revoked")
    before = audit.snapshot(device, AUDITED_FIELDS)
    device.revoked_at = timezone.now()
    device.revoked_by = actor_user(actor)
    device.revoked_reason = reason.strip()[:1000]
    device.save(update_fields=["revoked_at", "revoked_by", "revoked_reason", "updated_at"])
    audit.record(actor, "revoke", device, before=before, after=audit.snapshot(device, AUDITED_FIELDS))
    return device


def device_for_token(token: str) -> FieldDevice | None:
    """The device a token belongs to (revoked ones included: the caller refuses them with a message)."""
    if not token or len(token) > 200:
        return None
    return (
        FieldDevice.objects.select_related("campaign", "campaign__unit", "service_point")
        .filter(token_hash=token_hash(token))
        .first()
    )


def campaign_devices(campaign: Campaign) -> QuerySet[FieldDevice]:
    return FieldDevice.objects.filter(campaign=campaign).select_related("service_point").order_by("-created_at")
