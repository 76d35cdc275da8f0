"""Work plans and their items (targets and planned activities per area of change)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


class ChangeArea(models.IntegerChoices):
    """The six areas of change (``area_key`` of the LKE questions, 1..6)."""

    MANAJEMEN_PERUBAHAN = 1, _("Manajemen Perubahan")
    PENATAAN_TATALAKSANA = 2, _("Penataan Tatalaksana")
    PENATAAN_SDM = 3, _("Penataan Sistem Manajemen SDM")
    AKUNTABILITAS_KINERJA = 4, _("Penguatan Akuntabilitas Kinerja")
    PENGAWASAN = 5, _("Penguatan Pengawasan")
    PELAYANAN_PUBLIK = 6, _("Peningkatan Kualitas Pelayanan Publik")


# --- work plan -------------------------------------------------------------------------------------------------


class WorkPlan(ScopedModel, BaseModel):
    """A unit's plan for building ZI in one period (rencana kerja pembangunan ZI)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="work_plans")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="work_plans")
    title = models.CharField(_("judul"), max_length=255)
    notes = models.TextField(_("catatan"), blank=True)

    unit_field = "unit"

    class Meta:
        ordering = ["-period__year", "unit__path"]
        verbose_name = _("rencana kerja")
        verbose_name_plural = _("rencana kerja")
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="workplan_unit_period")]

    def __str__(self) -> str:
        return self.title


class PlanItemKind(models.TextChoices):
    TARGET = "target", _("Target")
    ACTIVITY = "activity", _("Kegiatan")


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    IN_PROGRESS = "in_progress", _("Berjalan")
    DONE = "done", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class PlanItem(ScopedModel, BaseModel):
    """One target or planned activity of a work plan, in one area of change."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    area_key = models.PositiveSmallIntegerField(_("area perubahan"), choices=ChangeArea.choices)
    kind = models.CharField(_("jenis"), max_length=16, choices=PlanItemKind.choices, default=PlanItemKind.ACTIVITY)
    title = models.CharField(_("judul"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("penanggung jawab")
    )
    due_on = models.DateField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    lke_codes = models.JSONField(_("pertanyaan LKE yang didukung"), default=list, blank=True)

    unit_field = "work_plan__unit"

    class Meta:
        ordering = ["area_key", "due_on", "pk"]
        verbose_name = _("butir rencana kerja")
        verbose_name_plural = _("butir rencana kerja")

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        return (
            self.status in (PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS) and self.due_on < timezone.localdate()
        )
