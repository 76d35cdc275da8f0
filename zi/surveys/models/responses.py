"""Anonymous responses and their answers (narrow rows: tens of millions at national scale)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.organisations.scoped import ScopedModel
from zi.surveys.models.campaigns import Campaign, RespondentGroup, ServicePoint
from zi.surveys.models.instruments import InstrumentItem


class Channel(models.TextChoices):
    PUBLIC = "public", _("Tautan/QR")
    KIOSK = "kiosk", _("Kios")
    OFFLINE = "offline", _("Luring (perangkat terdaftar)")


class Response(ScopedModel):
    """One respondent's submission. Never deleted; evaluators may exclude it with a recorded reason."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    service_point = models.ForeignKey(ServicePoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PUBLIC)
    group = models.CharField(max_length=16, choices=RespondentGroup.choices)
    service_type = models.CharField(max_length=120, blank=True)
    submitted_at = models.DateTimeField()
    quarter = models.PositiveIntegerField()  # e.g. 20262 = 2026 Q2 (Asia/Jakarta)
    form_nonce = models.CharField(max_length=32)
    device_hash = models.CharField(max_length=64, blank=True)
    device_unique = models.CharField(max_length=64, null=True, blank=True)  # set only where one per device applies
    ip_hash = models.CharField(max_length=64, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    # Fingerprint of the full answer vector (item ids and values) and whether every 1–4 answer is the same:
    # the statistical stuffing checks count identical fingerprints in a time window with one indexed query.
    pattern_hash = models.CharField(max_length=16, blank=True)
    # The answers in item-id order, one character each ("1"–"4", "0"/"1" for yes/no, "-" blank): compared
    # position by position with the same network's recent responses for near-identical vectors.
    answer_vector = models.CharField(max_length=255, blank=True)
    straight_line = models.BooleanField(default=False)
    # True while this response's answers are counted in the rollups (applied set-based, after the submit).
    rolled_up = models.BooleanField(default=False)
    is_flagged = models.BooleanField(default=False)
    excluded = models.BooleanField(default=False)
    exclusion_reason = models.TextField(blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excluded_at = models.DateTimeField(null=True, blank=True)

    unit_field = "campaign__unit"

    class Meta:
        ordering = ["campaign", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "form_nonce"], name="response_form_nonce"),
            models.UniqueConstraint(fields=["campaign", "device_unique"], name="response_one_per_device"),
        ]
        indexes = [
            models.Index(fields=["campaign", "submitted_at"], name="response_campaign_time"),
            models.Index(fields=["campaign", "is_flagged"], name="response_campaign_flagged"),
            models.Index(fields=["campaign", "device_hash", "submitted_at"], name="response_campaign_device"),
            models.Index(fields=["campaign", "pattern_hash", "submitted_at"], name="response_campaign_pattern"),
            models.Index(fields=["campaign", "ip_hash", "submitted_at"], name="response_campaign_ip"),
            models.Index(
                fields=["id"], condition=models.Q(rolled_up=False, excluded=False), name="response_rollup_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"Respons #{self.pk}"


class ResponseItem(models.Model):
    """One answer: kept as narrow as possible (bigint id, two FKs, a small integer)."""

    id = models.BigAutoField(primary_key=True)
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="items", db_index=False)
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+", db_index=False)
    value = models.SmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="response_item_unique")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.item_id}={self.value}"
