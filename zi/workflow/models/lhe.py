"""The TPI's evaluation report (LHE): its notes, its draft header and its issued versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.assessments.stages import State
from zi.core.models import BaseModel
from zi.organisations.scoped import ScopedModel
from zi.workflow.models.journey import Journey


class LheNote(ScopedModel, BaseModel):
    """The TPI team's notes and recommendations on one area for the LHE (area 1–6 in template order; 0 = komponen
    hasil). Edited while the team works; each issued LHE keeps what they said then (:class:`IssuedLhe`)."""

    HASIL = 0

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="lhe_notes")
    area = models.PositiveSmallIntegerField(_("area"))
    notes = models.TextField(_("catatan"), blank=True, default="")
    recommendations = models.TextField(_("rekomendasi"), blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    unit_field = "journey__unit"

    class Meta:
        ordering = ["journey", "area"]
        verbose_name = _("catatan LHE per area")
        verbose_name_plural = _("catatan LHE per area")
        constraints = [models.UniqueConstraint(fields=["journey", "area"], name="lhe_note_per_area")]

    def __str__(self) -> str:
        return f"{self.journey_id}/{self.area}"


class LheDraft(ScopedModel, BaseModel):
    """The next LHE's number, place and date, as the team types them before issuing."""

    unit_field = "journey__unit"

    journey = models.OneToOneField(Journey, on_delete=models.CASCADE, related_name="lhe_draft")
    number = models.CharField(_("nomor LHE"), max_length=120, blank=True, default="")
    place = models.CharField(_("tempat"), max_length=120, blank=True, default="")
    date = models.DateField(_("tanggal"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.journey_id}: {self.number}"


def issued_lhe_upload_to(instance: IssuedLhe, filename: str) -> str:
    return f"workflow/lhe/{instance.journey_id}/LHE-{instance.stage}-{instance.sha256}.pdf"


class IssuedLhe(ScopedModel):
    """An issued LHE (LHE 1: returned for fixes; LHE 2: final): the PDF exactly as issued, its SHA-256 (also in the
    audit trail) and its header. Never changed or deleted; a download returns these bytes."""

    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="issued_lhes")
    stage = models.PositiveSmallIntegerField(_("LHE ke"))
    number = models.CharField(_("nomor LHE"), max_length=120)
    place = models.CharField(_("tempat"), max_length=120)
    date = models.DateField(_("tanggal"))
    state = models.CharField(_("tahap saat terbit"), max_length=20, choices=State.choices)
    file = models.FileField(upload_to=issued_lhe_upload_to, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_by_label = models.CharField(max_length=255, blank=True, default="")
    issued_at = models.DateTimeField(auto_now_add=True)

    unit_field = "journey__unit"

    class Meta:
        ordering = ["journey", "stage"]
        verbose_name = _("LHE terbit")
        verbose_name_plural = _("LHE terbit")
        constraints = [models.UniqueConstraint(fields=["journey", "stage"], name="issued_lhe_per_stage")]

    def __str__(self) -> str:
        return f"LHE {self.stage} {self.number}"
