"""People: every person is a user record; staff without a login have an unusable password."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmploymentType(models.TextChoices):
    PNS = "pns", _("PNS")
    PPPK = "pppk", _("PPPK")
    NON_ASN = "non_asn", _("Pegawai non-ASN/honorer")


class User(AbstractUser):
    """A person: staff of a unit (for signatures, attendance) and, with a password, someone who logs in."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("nama lengkap"), max_length=255)
    nip = models.CharField(_("NIP"), max_length=32, null=True, blank=True, unique=True)
    unit = models.ForeignKey(
        "organisations.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("unit kerja"),
    )
    position = models.CharField(_("jabatan"), max_length=255, blank=True)
    employment_type = models.CharField(
        _("status kepegawaian"), max_length=16, choices=EmploymentType.choices, default=EmploymentType.PNS
    )

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("orang")
        verbose_name_plural = _("orang")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    def audit_scope_path(self) -> str:
        return self.unit.path if self.unit_id and self.unit else ""
