"""Change agents (agen perubahan) and the concrete changes they make."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


class ChangeAgent(ScopedModel, BaseModel):
    """A staff member appointed change agent (agen perubahan) of the unit for a period."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="change_agents")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_on = models.DateField(_("tanggal penetapan"))
    decree_ref = models.CharField(_("nomor SK"), max_length=255, blank=True)

    unit_field = "unit"

    class Meta:
        ordering = ["person__full_name"]
        verbose_name = _("agen perubahan")
        verbose_name_plural = _("agen perubahan")
        constraints = [models.UniqueConstraint(fields=["unit", "period", "person"], name="change_agent_unique")]

    def __str__(self) -> str:
        return str(self.person)


class ConcreteChange(ScopedModel, BaseModel):
    """A concrete change made by a change agent; ``integrated`` once it is part of the management system."""

    agent = models.ForeignKey(ChangeAgent, on_delete=models.CASCADE, related_name="changes")
    title = models.CharField(_("judul perubahan"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    made_on = models.DateField(_("tanggal"))
    integrated = models.BooleanField(_("terintegrasi dalam sistem manajemen"), default=False)
    integration_how = models.TextField(_("cara integrasi (SOP, SK, sistem informasi …)"), blank=True)

    unit_field = "agent__unit"

    class Meta:
        ordering = ["made_on", "pk"]
        verbose_name = _("perubahan konkret")
        verbose_name_plural = _("perubahan konkret")

    def __str__(self) -> str:
        return self.title
