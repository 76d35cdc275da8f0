"""PortalRB integration: the soal map, API tokens per agency, and frozen snapshots of what PortalRB fetched."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.organisations.models import Agency, Unit


class SoalMapping(models.Model):
    """One PortalRB soal → our question (and, for a computed item, one of its inputs); loaded from the map file."""

    template = models.ForeignKey(LkeTemplate, on_delete=models.CASCADE, related_name="+")
    soal_id = models.PositiveIntegerField()
    question = models.ForeignKey(LkeQuestion, on_delete=models.CASCADE, related_name="+")
    input_key = models.CharField(max_length=64, blank=True, default="")
    jenis_jawaban = models.CharField(max_length=16)
    text = models.TextField(blank=True)
    workbook_cell = models.CharField(max_length=8, help_text="answer cell on the official workbook's 'LKE ZI' sheet")
    excel_row = models.PositiveIntegerField(help_text="row on PortalRB's 'Jawaban' sheet")
    excel = models.JSONField(default=dict)

    class Meta:
        ordering = ["template", "soal_id"]
        constraints = [models.UniqueConstraint(fields=["template", "soal_id"], name="portalrb_soal_unique")]

    def __str__(self) -> str:
        return f"{self.soal_id} → {self.question_id}:{self.input_key}"


class ApiToken(BaseModel):
    """A bearer token PortalRB uses for one agency. Only the SHA-256 of the secret is stored."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="portalrb_tokens")
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(max_length=12, help_text="first characters of the secret, to recognise it")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token PortalRB")
        verbose_name_plural = _("token PortalRB")

    def __str__(self) -> str:
        return f"{self.agency.code} · {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def audit_scope_path(self) -> str:
        return f"a{self.agency_id}/"


class FetchSnapshot(models.Model):
    """The exact body served to PortalRB for one successful fetch, frozen with its SHA-256 (never changed)."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="snapshots")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    endpoint = models.CharField(max_length=32)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    body = models.TextField(help_text="the canonical JSON exactly as served")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agency", "created_at"], name="portalrb_snap_agency_time")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.sha256[:12]}"

    def audit_scope_path(self) -> str:
        return self.unit.path if self.unit is not None else f"a{self.agency_id}/"
