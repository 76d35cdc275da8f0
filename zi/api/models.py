"""Personal API tokens: only a SHA-256 hash of the secret is stored; the secret is shown once at creation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel


class ApiToken(BaseModel):
    """A personal token that acts as its owner with exactly the owner's roles (no extra scope)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama token"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)  # shown in lists so the owner can tell tokens apart
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_scope_path(self) -> str:
        unit = getattr(self.user, "unit", None)
        return unit.path if unit is not None else ""

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class IdempotencyKey(models.Model):
    """The first result of a write sent with an ``Idempotency-Key`` header, so a client that lost the answer can
    send the same request again and get that result back instead of a second copy (docs/api.md).

    One row per (user, key): keys of different people never meet. ``fingerprint`` is a hash of what the request
    asked for (endpoint, fields, file bytes); the same key with another request is refused. Rows older than
    ``ZI_IDEMPOTENCY_KEY_HOURS`` no longer count and are removed. Not a domain record, so not audited: the write
    it remembers is.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key[:20]}"
