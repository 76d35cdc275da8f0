"""Innovations, which must answer a documented need."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel
from zi.programme.models.complaints import Complaint
from zi.programme.models.public_services import PublicService


class Simplification(models.TextChoices):
    """The ways a service can be made easier, as listed in LKE A.II.6.i.b."""

    FASTER = "faster", _("Waktu lebih cepat")
    INTEGRATED = "integrated", _("Pelayanan publik yang terpadu")
    SHORTER = "shorter", _("Alur lebih pendek/singkat")
    APPLICATION = "application", _("Terintegrasi dengan aplikasi")


class Innovation(ScopedModel, BaseModel):
    """A service innovation; it must answer a documented need (a complaint, a survey finding or a problem)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="innovations")
    title = models.CharField(_("nama inovasi"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    complaint = models.ForeignKey(
        Complaint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="innovations",
        verbose_name=_("pengaduan yang dijawab"),
    )
    survey_finding = models.TextField(_("temuan survei"), blank=True)
    survey_reference = models.CharField(_("rujukan survei"), max_length=255, blank=True)
    survey_campaign = models.ForeignKey(
        "surveys.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("kampanye survei"),
    )
    survey_item = models.ForeignKey(
        "surveys.InstrumentItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("unsur/aspek survei bernilai rendah"),
    )
    problem_statement = models.TextField(_("rumusan masalah pelayanan"), blank=True)
    beneficiaries = models.CharField(_("penerima manfaat"), max_length=255)
    started_on = models.DateField(_("mulai diterapkan"))
    measure_unit = models.CharField(_("satuan ukuran dampak"), max_length=100, blank=True)
    value_before = models.DecimalField(_("nilai sebelum"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_after = models.DecimalField(_("nilai sesudah"), max_digits=14, decimal_places=2, null=True, blank=True)
    effect_note = models.TextField(_("catatan dampak"), blank=True)
    services = models.ManyToManyField(
        PublicService, blank=True, related_name="innovations", verbose_name=_("layanan yang dipermudah")
    )
    simplifications = models.JSONField(_("cara mempermudah"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("inovasi")
        verbose_name_plural = _("inovasi")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:innovation_detail", args=[self.pk])

    @property
    def simplification_labels(self) -> list[str]:
        return [str(Simplification(value).label) for value in self.simplifications if value in Simplification.values]

    @property
    def need_summary(self) -> str:
        parts = []
        if self.complaint is not None:
            parts.append(f"{_('Pengaduan')}: {self.complaint.subject}")
        if self.survey_item is not None:
            parts.append(f"{_('Temuan survei')}: {self.survey_item.code} {self.survey_item.aspect}")
        if self.survey_finding:
            parts.append(f"{_('Temuan survei')}: {self.survey_finding}")
        if self.problem_statement:
            parts.append(f"{_('Masalah')}: {self.problem_statement}")
        return " · ".join(parts)
