"""One row per decree: the predicate a unit was awarded for an evaluation year, and its revocation."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


class Predicate(models.TextChoices):
    WBK = "WBK", _("WBK")
    WBBM = "WBBM", _("WBBM")


class Source(models.TextChoices):
    TPN = "tpn", _("Keputusan TPN dicatat di platform")
    IMPORT = "import", _("Impor riwayat keputusan")


class Award(ScopedModel, BaseModel):
    """A predicate awarded to a unit by decree (Keputusan Menteri PANRB), possibly revoked later."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predicate_awards", verbose_name=_("unit"))
    predicate = models.CharField(_("predikat"), max_length=8, choices=Predicate.choices)
    year = models.PositiveSmallIntegerField(_("tahun evaluasi"))
    decree_number = models.CharField(_("nomor keputusan"), max_length=120)
    decree_date = models.DateField(_("tanggal keputusan"))
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    revoked_on = models.DateField(_("tanggal pencabutan"), null=True, blank=True)
    revocation_reason = models.TextField(_("alasan pencabutan"), blank=True, default="")
    ban_until = models.DateField(_("tidak dapat diusulkan sebelum"), null=True, blank=True)

    unit_field = "unit"

    class Meta:
        ordering = ["unit__path", "decree_date", "pk"]
        verbose_name = _("predikat")
        verbose_name_plural = _("register predikat")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="award_one_per_unit_year"),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_reason=""), name="award_revocation_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["year", "predicate"], name="award_year_predicate")]

    def __str__(self) -> str:
        return f"{self.predicate} {self.year} · {self.unit}"

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None
