"""Registered kiosk/phone devices for offline capture, and what each synced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.scoped import ScopedModel
from zi.surveys.models.campaigns import Campaign, ServicePoint
from zi.surveys.models.responses import Response


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("Tablet kios")
    PHONE = "phone", _("Ponsel petugas lapangan")


class FieldDevice(ScopedModel, BaseModel):
    """A kiosk tablet or field phone registered for one campaign (and service point) to take answers offline and
    send them later (:mod:`zi.surveys.sync`). Only the keyed hash of its token is stored; revoking it refuses every
    later sync. ``last_*`` are what the device reported at its last sync."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="field_devices")
    service_point = models.ForeignKey(
        ServicePoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("titik layanan")
    )
    kind = models.CharField(_("jenis perangkat"), max_length=8, choices=DeviceKind.choices, default=DeviceKind.KIOSK)
    name = models.CharField(_("nama perangkat"), max_length=120)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.TextField(_("alasan pencabutan"), blank=True)
    last_sync_at = models.DateTimeField(_("sinkron terakhir"), null=True, blank=True)
    last_queue_size = models.PositiveIntegerField(_("antrean dilaporkan"), null=True, blank=True)
    last_clock_offset = models.IntegerField(_("selisih jam perangkat (detik)"), null=True, blank=True)

    unit_field = "campaign__unit"

    class Meta:
        ordering = ["campaign", "name"]
        verbose_name = _("perangkat luring")
        verbose_name_plural = _("perangkat luring")

    def __str__(self) -> str:
        return self.name


class DeviceResponse(models.Model):
    """Which registered device made a response, under the id the device gave it, and when by its own clock.

    The unique (device, client_id) makes a sync idempotent: a response sent again (a retry after a lost reply)
    finds its row and stores nothing."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(FieldDevice, on_delete=models.PROTECT, related_name="responses")
    client_id = models.UUIDField()
    response = models.OneToOneField(Response, on_delete=models.PROTECT, related_name="device_record")
    device_time = models.DateTimeField()  # when the answers were given, by the device's clock
    received_at = models.DateTimeField()  # server time of the sync that stored it (= Response.submitted_at)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "client_id"], name="device_response_client_id")]
        indexes = [models.Index(fields=["device", "device_time"], name="device_response_time")]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.client_id}"
