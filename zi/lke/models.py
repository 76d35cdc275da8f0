"""LKE templates stored in the database, loaded from the versioned files in ``templates_data/``.

A template row keeps the whole parsed file (``data``) so the exact :class:`zi.lke.spec.Template` can be
rebuilt from the database; question rows exist so answers can reference them and so set-based SQL can
weigh answer values.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel


class LkeTemplate(BaseModel):
    code = models.CharField(_("kode"), max_length=64)
    version = models.CharField(_("versi"), max_length=32)
    title = models.CharField(_("judul"), max_length=255)
    regulation = models.TextField(_("dasar hukum"), blank=True)
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("template LKE")
        verbose_name_plural = _("template LKE")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="lke_template_code_version")]

    def __str__(self) -> str:
        return f"{self.code} ({self.version})"


class Aspect(models.TextChoices):
    PEMENUHAN = "pemenuhan", _("Pemenuhan")
    REFORM = "reform", _("Reform")
    HASIL = "hasil", _("Hasil")


class LkeQuestion(models.Model):
    template = models.ForeignKey(LkeTemplate, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("kode"), max_length=32)
    order = models.PositiveIntegerField()
    aspect = models.CharField(max_length=16, choices=Aspect.choices)
    area_code = models.CharField(max_length=16)
    area_key = models.PositiveSmallIntegerField()  # 1..6 lever areas, 0 result targets
    area_name = models.CharField(max_length=255)
    indicator_code = models.CharField(max_length=32)
    indicator_name = models.CharField(max_length=255)
    text = models.TextField()
    answer_type = models.CharField(max_length=32)
    weight = models.FloatField(help_text="indicator weight / number of questions (exact value in the spec)")
    options = models.JSONField(default=list, blank=True)
    inputs = models.JSONField(default=list, blank=True)
    evidence_examples = models.JSONField(default=list, blank=True)
    soal_id = models.PositiveIntegerField(null=True, blank=True, help_text="PortalRB master question id")

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="lke_question_code_unique")]

    def __str__(self) -> str:
        return self.code
