"""IPAK/IPKP values measured outside the platform (e.g. by BPS)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel
from zi.surveys.models.instruments import InstrumentKind


class ExternalIndex(ScopedModel, BaseModel):
    """An IPAK or IPKP value from outside the platform (e.g. the BPS/TPN survey or an independent survey),
    recorded by an evaluator for a unit and period. When present, the LKE feed uses it instead of the unit's own
    campaigns, and shows its source."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="external_survey_indices")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("indeks"),
        max_length=8,
        choices=[
            (InstrumentKind.IPAK.value, InstrumentKind.IPAK.label),
            (InstrumentKind.IPKP.value, InstrumentKind.IPKP.label),
        ],
    )
    value = models.DecimalField(_("nilai (0–4)"), max_digits=4, decimal_places=2)
    source = models.CharField(_("sumber"), max_length=255)
    respondents = models.PositiveIntegerField(_("jumlah responden"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["unit", "period", "kind"]
        verbose_name = _("indeks survei eksternal")
        verbose_name_plural = _("indeks survei eksternal")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "kind"], name="external_index_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=4), name="external_index_range"),
        ]

    def __str__(self) -> str:
        return f"{self.kind.upper()} {self.value} ({self.source})"
