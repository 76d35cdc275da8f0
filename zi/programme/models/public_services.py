"""The register of the unit's public services (the denominator of A.II.6.i.b)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


class PublicService(ScopedModel, BaseModel):
    """A service (perijinan/pelayanan) the unit provides, as listed in its service standards (register layanan).

    The register is the denominator of LKE A.II.6.i.b; the services an innovation simplified are its numerator.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="public_services")
    name = models.CharField(_("nama layanan"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    standard_reference = models.CharField(
        _("rujukan standar pelayanan"), max_length=255, blank=True, help_text=_("Mis. nomor SK standar pelayanan.")
    )
    is_active = models.BooleanField(_("masih diselenggarakan"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="public_service_unit_name")]

    def __str__(self) -> str:
        return self.name
