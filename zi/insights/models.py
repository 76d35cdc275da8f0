"""Rollups for dashboards: one row per unit and period, rebuilt set-based by :func:`services.rollup_refresh`.

Dashboards at national scale (~100,000 units) read this table instead of answers, evidence, survey rollups and
complaints. Each row carries the unit's ``path`` and ``agency`` so :mod:`zi.organisations.access` scopes it with
``unit_field=""`` exactly like the unit itself, and a subtree is one ``path LIKE 'prefix%'`` scan.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.organisations.models import Agency, Unit, UnitType

AREA_FIELDS = ("area1", "area2", "area3", "area4", "area5", "area6")

# The leaders' funnel: how far a unit's journey (zi.workflow) got in the period, whatever happened after
# (a journey returned for repairs still "submitted"; one not awarded still "proposed"). Units that go straight
# from submission to TPI (Pemda) count as past the review stage once TPI starts.
FUNNEL = (
    (1, _("Pencanangan")),
    (2, _("Pembangunan")),
    (3, _("LKE dikirim")),
    (4, _("Lolos reviu")),
    (5, _("Lolos TPI")),
    (6, _("Diusulkan ke TPN")),
    (7, _("Ditetapkan")),
)
STAGE_RANK = {
    "declared": 1,
    "building": 2,
    "self_submitted": 3,
    "in_review": 3,
    "returned": 3,
    "reviewed": 4,
    "tpi_evaluation": 4,
    "tpi_returned": 4,
    "tpi_not_meets": 4,
    "tpi_meets": 5,
    "proposed": 6,
    "not_awarded": 6,
    "awarded": 7,
    "monitored": 7,
    "revoked": 7,
}


class UnitPeriodRollup(models.Model):
    """What the dashboards know about one unit in one period (derived data: never edited by hand)."""

    # The row carries its unit's own ``path`` and ``agency``: access.restrict scopes it like the unit itself.
    unit_field: ClassVar[str] = ""

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
    stage = models.CharField(max_length=20, blank=True, default="")  # journey state ("" = no journey)
    stage_rank = models.PositiveSmallIntegerField(default=0)  # FUNNEL stage reached (0 = no journey)
    predicate = models.CharField(max_length=8, blank=True, default="")  # WBK/WBBM awarded and held
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


class PeriodSummary(models.Model):
    """The rollup of one period aggregated once by the refresh (derived data), so the national dashboard of a
    viewer who sees everything reads a few rows instead of aggregating 100,000 rollup rows (and ten periods for
    the trend). ``level`` says what a row sums: ``all`` (the period), ``agency`` (one agency) or ``type`` (one unit
    type, units that build ZI). ``data`` holds the same aggregates :mod:`zi.insights.selectors` computes over
    :class:`UnitPeriodRollup`, by the same expressions, so every number is identical."""

    ALL, AGENCY, TYPE = "all", "agency", "type"
    # One tree node's subtree (``path``, a node at depth ≤ ``SUMMARY_DEPTH`` with descendants in the period): its
    # totals, its coverage per unit type, and one row per child (the rankings), so the dashboards of agency roots,
    # Eselon I units and Kanwil read a few rows too.
    NODE, NODE_TYPE, NODE_CHILD = "node", "node_type", "node_child"

    period = models.ForeignKey("assessments.Period", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=16)
    path = models.CharField(max_length=255, blank=True, default="")  # the node's path (node levels only)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    unit_type = models.ForeignKey(UnitType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    units = models.PositiveIntegerField(default=0)  # units that build ZI (the coverage table's order)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("ringkasan periode")
        verbose_name_plural = _("ringkasan periode")
        indexes = [
            models.Index(fields=["period", "level"], name="insights_summary_period_level"),
            models.Index(fields=["path", "level"], name="insights_summary_path_level"),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.level}/{self.path or self.agency_id or self.unit_type_id or ''}"
