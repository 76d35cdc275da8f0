"""The declaration (pencanangan), its documents, and the performance agreement with its targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel
from zi.workflow.models.journey import Predicate


class Declaration(ScopedModel, BaseModel):
    """Pencanangan: the unit declares it builds ZI; the integrity pact is signed by (most of) its staff."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="declarations")
    declared_on = models.DateField(_("tanggal pencanangan"))
    place = models.CharField(_("tempat"), max_length=255)
    target_predicate = models.CharField(max_length=8, choices=Predicate.choices, default=Predicate.WBK)
    signatories = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["unit__path", "declared_on"]
        verbose_name = _("pencanangan")
        verbose_name_plural = _("pencanangan")

    def __str__(self) -> str:
        return f"{self.unit} · {self.declared_on}"


class DocumentKind(models.TextChoices):
    PACT = "pact", _("Pakta integritas")
    CHARTER = "charter", _("Piagam pencanangan")
    PHOTO = "photo", _("Foto")
    OTHER = "other", _("Lainnya")


class DeclarationDocument(ScopedModel):
    unit_field = "declaration__unit"

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=8, choices=DocumentKind.choices)
    file = models.FileField(upload_to="workflow/declarations/", max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.declaration} {self.kind}"


class PerformanceAgreement(ScopedModel, BaseModel):
    """Perjanjian kinerja: the yearly agreement of the unit head with its targets."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="performance_agreements")
    year = models.PositiveSmallIntegerField(_("tahun"))
    signed_on = models.DateField(_("tanggal penandatanganan"))

    unit_field = "unit"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="performance_agreement_unit_year")]

    def __str__(self) -> str:
        return f"PK {self.unit} {self.year}"


class PerformanceTarget(models.Model):
    agreement = models.ForeignKey(PerformanceAgreement, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indikator"), max_length=255)
    target = models.CharField(_("target"), max_length=100)

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target}"
