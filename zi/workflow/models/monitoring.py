"""After the predicate: the TPI's monitoring reports and the TPN's field checks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.scoped import ScopedModel


class MonitoringResult(models.TextChoices):
    """What a post-predicate monitoring report or field check found."""

    MAINTAINED = "maintained", _("Predikat terjaga")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Perlu perbaikan")
    NOT_MAINTAINED = "not_maintained", _("Tidak terjaga")


class MonitoringRecommendation(models.TextChoices):
    KEEP = "keep", _("Pertahankan predikat")
    COACHING = "coaching", _("Pembinaan lanjutan")
    PROPOSE_WBBM = "propose_wbbm", _("Siapkan usulan WBBM")
    REVOKE = "revoke", _("Rekomendasikan pencabutan predikat")


class MonitoringReport(ScopedModel, BaseModel):
    """The TPI's post-predicate monitoring report on a holder (P90 Bab IV: at least every two years, through
    PMPZI): its date, result, recommendation and the report file (checked like evidence)."""

    award = models.ForeignKey(
        "predicates.Award", on_delete=models.PROTECT, related_name="monitoring_reports", verbose_name=_("predikat")
    )
    report_date = models.DateField(_("tanggal laporan"))
    result = models.CharField(_("hasil"), max_length=20, choices=MonitoringResult.choices)
    recommendation = models.CharField(_("rekomendasi"), max_length=20, choices=MonitoringRecommendation.choices)
    summary = models.TextField(_("ringkasan"), blank=True)
    file = models.FileField(_("berkas laporan"), upload_to="workflow/monitoring/", max_length=255)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "award__unit"

    class Meta:
        ordering = ["award", "-report_date", "-pk"]
        verbose_name = _("laporan pemantauan pasca-predikat")
        verbose_name_plural = _("laporan pemantauan pasca-predikat")

    def __str__(self) -> str:
        return f"{self.award} · {self.report_date:%d-%m-%Y}"


class FieldCheck(ScopedModel, BaseModel):
    """A TPN field check of a holder (P90 Bab IV: periodic checks, verification of reports and complaints); it may
    recommend revocation."""

    award = models.ForeignKey(
        "predicates.Award", on_delete=models.PROTECT, related_name="field_checks", verbose_name=_("predikat")
    )
    check_date = models.DateField(_("tanggal pemeriksaan"))
    result = models.CharField(_("hasil"), max_length=20, choices=MonitoringResult.choices)
    recommendation = models.CharField(_("rekomendasi"), max_length=20, choices=MonitoringRecommendation.choices)
    findings = models.TextField(_("temuan"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "award__unit"

    class Meta:
        ordering = ["award", "-check_date", "-pk"]
        verbose_name = _("pemeriksaan lapangan TPN")
        verbose_name_plural = _("pemeriksaan lapangan TPN")

    def __str__(self) -> str:
        return f"{self.award} · {self.check_date:%d-%m-%Y}"
