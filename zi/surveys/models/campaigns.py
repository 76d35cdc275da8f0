"""Campaigns of a unit in a period, their service points and one-time codes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel
from zi.surveys.models.instruments import Instrument


class RespondentGroup(models.TextChoices):
    PENGGUNA_LAYANAN = "pengguna_layanan", _("Pengguna layanan")
    PENGUNJUNG = "pengunjung", _("Pengunjung")
    WBP = "wbp", _("Warga binaan (WBP)")
    PNS = "pns", _("Pegawai (PNS/PPPK)")
    HONORER = "honorer", _("Pegawai honorer/kontrak")


def _new_token() -> str:
    return secrets.token_urlsafe(9)


class Campaign(ScopedModel, BaseModel):
    """One survey run of a unit in a period: public link, QR posters, who may answer, integrity settings."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_campaigns")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="survey_campaigns")
    instruments = models.ManyToManyField(Instrument, related_name="campaigns")
    title = models.CharField(_("judul"), max_length=255)
    token = models.SlugField(max_length=32, unique=True, default=_new_token, editable=False)
    opens_at = models.DateTimeField(_("dibuka"))
    closes_at = models.DateTimeField(_("ditutup"))
    respondent_groups = models.JSONField(_("kelompok responden"), default=list)
    service_types = models.JSONField(_("jenis layanan"), default=list, blank=True)
    population_size = models.PositiveIntegerField(_("jumlah populasi (pengguna layanan)"), null=True, blank=True)
    kiosk_enabled = models.BooleanField(_("mode kios (tablet bersama)"), default=False)
    require_code = models.BooleanField(_("wajib kode sekali pakai"), default=False)
    unit_networks = models.TextField(_("jaringan kantor (CIDR, satu per baris)"), blank=True)
    closed_at = models.DateTimeField(_("ditutup lebih awal pada"), null=True, blank=True)
    closed_reason = models.TextField(_("alasan penutupan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("kampanye survei")
        verbose_name_plural = _("kampanye survei")
        indexes = [models.Index(fields=["unit", "period"], name="campaign_unit_period")]

    def __str__(self) -> str:
        return self.title


class ServicePoint(ScopedModel):
    """A counter or room with its own QR poster; responses record where they came from."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="service_points")
    name = models.CharField(_("nama titik layanan"), max_length=120)

    unit_field = "campaign__unit"

    class Meta:
        ordering = ["campaign", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="service_point_name")]

    def __str__(self) -> str:
        return self.name


class OneTimeCode(models.Model):
    """A code printed on a receipt; only its keyed hash is stored. One response per code."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "code_hash"], name="one_time_code_unique")]

    def __str__(self) -> str:
        return f"kode {self.code_hash[:8]}"
