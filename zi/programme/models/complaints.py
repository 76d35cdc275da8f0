"""Complaints (pengaduan) with an SLA and a public tracking code, their photos and follow-up actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


class ComplaintChannel(models.TextChoices):
    COUNTER = "counter", _("Loket/datang langsung")
    PHONE = "phone", _("Telepon")
    EMAIL = "email", _("Surel")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    WEB = "web", _("Formulir web aplikasi ini")
    SOCIAL = "social", _("Media sosial")


class ComplaintCategory(models.TextChoices):
    PELAYANAN = "pelayanan", _("Prosedur/waktu pelayanan")
    PETUGAS = "petugas", _("Perilaku petugas")
    PUNGLI = "pungli", _("Pungutan liar/gratifikasi/percaloan")
    SARPRAS = "sarpras", _("Sarana dan prasarana")
    INFORMASI = "informasi", _("Informasi pelayanan")
    LAINNYA = "lainnya", _("Lainnya")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Diterima")
    IN_PROGRESS = "in_progress", _("Sedang diproses")
    RESOLVED = "resolved", _("Selesai ditindaklanjuti")
    REJECTED = "rejected", _("Ditolak/bukan kewenangan")


OPEN_COMPLAINT_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)


class Complaint(ScopedModel, BaseModel):
    """A public complaint (pengaduan masyarakat) to a unit, from any channel."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="complaints")
    channel = models.CharField(_("kanal"), max_length=16, choices=ComplaintChannel.choices)
    channel_reference = models.CharField(
        _("nomor referensi kanal"), max_length=100, blank=True, help_text=_("Mis. nomor tiket SP4N-LAPOR!.")
    )
    category = models.CharField(_("kategori"), max_length=16, choices=ComplaintCategory.choices)
    subject = models.CharField(_("pokok pengaduan"), max_length=255)
    description = models.TextField(_("isi pengaduan"))
    complainant_name = models.CharField(_("nama pengadu"), max_length=255, blank=True)
    complainant_contact = models.CharField(_("kontak pengadu"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("diterima pada"))
    sla_due_at = models.DateTimeField(_("batas waktu penyelesaian"))
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    resolved_at = models.DateTimeField(_("diselesaikan pada"), null=True, blank=True)
    handling_notes = models.TextField(_("catatan penanganan (internal)"), blank=True)
    public_response = models.TextField(
        _("tanggapan untuk pengadu"), blank=True, help_text=_("Ditampilkan pada halaman lacak pengaduan.")
    )
    tracking_hash = models.CharField(max_length=64, unique=True)
    # The last four characters of the tracking code: a reference the complainant recognises in notification
    # e-mails; the code itself is never stored (only its keyed hash).
    tracking_hint = models.CharField(max_length=4, blank=True)
    # Optional, given on the public form only to hear about the handling (zi.programme.notifications). Never shown
    # to the unit, never exported, never in the audit trail or the API; the unit sees only that one was left.
    notify_email = models.EmailField(
        _("surel untuk pemberitahuan"),
        blank=True,
        help_text=_("Hanya dipakai untuk mengirim kabar perkembangan pengaduan kepada pengadu."),
    )
    # The interface language the complainant used on the public form: their e-mails are written in it.
    notify_language = models.CharField(max_length=8, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        indexes = [models.Index(fields=["unit", "received_at"], name="complaint_unit_received")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("programme:complaint_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.sla_due_at

    @property
    def was_late(self) -> bool:
        return (
            self.status == ComplaintStatus.RESOLVED
            and self.resolved_at is not None
            and self.resolved_at > self.sla_due_at
        )


def complaint_photo_upload_to(instance: ComplaintPhoto, filename: str) -> str:
    return f"programme/complaint/{instance.complaint_id}/{instance.sha256}.{filename.rpartition('.')[2]}"


class ComplaintPhoto(ScopedModel):
    """A photo sent with a public complaint: checked like evidence, its metadata (EXIF, location) removed, seen only
    by those who handle the unit's complaints, never on the tracking page."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=complaint_photo_upload_to, max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    unit_field = "complaint__unit"

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("foto pengaduan")
        verbose_name_plural = _("foto pengaduan")

    def __str__(self) -> str:
        return f"foto {self.pk}"


class FollowUpAction(ScopedModel):
    """One step taken on a complaint (tindak lanjut)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="actions")
    done_on = models.DateField(_("tanggal"))
    description = models.TextField(_("tindak lanjut"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    unit_field = "complaint__unit"

    class Meta:
        ordering = ["done_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
