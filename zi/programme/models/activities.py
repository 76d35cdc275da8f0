"""Activities, who attended them, and their photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel
from zi.programme.models.workplan import ChangeArea, PlanItem


class ActivityKind(models.TextChoices):
    SOSIALISASI = "sosialisasi", _("Sosialisasi")
    INTERNALISASI = "internalisasi", _("Internalisasi")
    BANNER = "banner", _("Pemasangan banner")
    PUBLIKASI = "publikasi", _("Publikasi")
    PELATIHAN = "pelatihan", _("Pelatihan")
    RAPAT_MONEV = "rapat_monev", _("Rapat monitoring dan evaluasi")
    OTHER = "other", _("Lainnya")


class Activity(ScopedModel, BaseModel):
    """Something the unit did: a meeting, a socialisation, a banner, a publication — with who took part."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="programme_activities")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="+")
    plan_item = models.ForeignKey(
        PlanItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("butir rencana kerja"),
    )
    kind = models.CharField(_("jenis kegiatan"), max_length=16, choices=ActivityKind.choices)
    area_key = models.PositiveSmallIntegerField(_("area perubahan"), choices=ChangeArea.choices, null=True, blank=True)
    title = models.CharField(_("judul"), max_length=255)
    held_on = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=255, blank=True)
    description = models.TextField(_("uraian"), blank=True)
    minutes = models.TextField(_("notulen"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        indexes = [models.Index(fields=["unit", "held_on"], name="activity_unit_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:activity_detail", args=[self.pk])


class Attendance(models.Model):
    """One staff member of the unit present at an activity (the attendance list, daftar hadir)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.person_id}"


def photo_upload_to(instance: ActivityPhoto, filename: str) -> str:
    return f"programme/activity/{instance.activity_id}/{instance.sha256}.{filename.rpartition('.')[2]}"


class ActivityPhoto(ScopedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_upload_to, max_length=255)
    caption = models.CharField(_("keterangan"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Withdrawn photos are hidden and no longer served, but the row and the file stay (audit trail).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    unit_field = "activity__unit"

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.caption or f"foto {self.pk}"
