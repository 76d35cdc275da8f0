"""Rollups for dashboards: one row per unit and period, rebuilt set-based by :func:`services.rollup_refresh`.

Dashboards at national scale (~100,000 units) read this table instead of answers, evidence, survey rollups and
complaints. Each row carries the unit's ``path`` and ``agency`` so :mod:`zi.organisations.access` scopes it with
``unit_field=""`` exactly like the unit itself, and a subtree is one ``path LIKE 'prefix%'`` scan.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.organisations.models import Agency, Unit, UnitType

AREA_FIELDS = ("area1", "area2", "area3", "area4", "area5", "area6")


class UnitPeriodRollup(models.Model):
    """What the dashboards know about one unit in one period (derived data: never edited by hand)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("assessments.Period", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField(default=0)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    unit_type = models.ForeignKey(UnitType, on_delete=models.PROTECT, related_name="+")
    builds_zi = models.BooleanField(default=False)
    participates = models.BooleanField(default=False)  # has an assessment in the period
    status = models.CharField(max_length=32, blank=True, default="")  # assessment status ("" = none)
    total = models.FloatField(null=True, blank=True)  # self-assessment lane
    pengungkit = models.FloatField(null=True, blank=True)
    hasil = models.FloatField(null=True, blank=True)
    area1 = models.FloatField(null=True, blank=True)
    area2 = models.FloatField(null=True, blank=True)
    area3 = models.FloatField(null=True, blank=True)
    area4 = models.FloatField(null=True, blank=True)
    area5 = models.FloatField(null=True, blank=True)
    area6 = models.FloatField(null=True, blank=True)
    eligible_wbk = models.BooleanField(default=False)
    eligible_wbbm = models.BooleanField(default=False)
    ikm = models.FloatField(null=True, blank=True)  # 25–100
    ipak = models.FloatField(null=True, blank=True)  # 0–4
    ipkp = models.FloatField(null=True, blank=True)  # 0–4
    respondents = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    complaints_resolved = models.PositiveIntegerField(default=0)
    complaints_overdue = models.PositiveIntegerField(default=0)
    activities = models.PositiveIntegerField(default=0)
    innovations = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)  # early-warning codes (zi.insights.rules)
    warning_count = models.PositiveSmallIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ringkasan unit per periode")
        verbose_name_plural = _("ringkasan unit per periode")
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="insights_rollup_unit_period")]
        indexes = [models.Index(fields=["period", "path"], name="insights_rollup_period_path")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id}"

    def audit_scope_path(self) -> str:
        return self.path
