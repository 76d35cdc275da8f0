"""The building work of Zona Integritas (issue #5): what a unit actually does, recorded as it happens.

Work plans with targets/activities per area of change, activities with attendance from the unit's own staff,
change agents and the concrete changes they make, public complaints with an SLA and a public tracking code,
innovations that must answer a documented need. The integrity registers (gratification, conflict of interest,
whistle-blowing) are their own app, :mod:`zi.integrity`.

Every record declares its place in the unit tree once (``unit_field``; :class:`zi.organisations.scoped.ScopedModel`), so
:mod:`zi.organisations.access` scopes it like everything else. Writes go through :mod:`zi.programme.services` (audited).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
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


# --- activities ------------------------------------------------------------------------------------------------


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


# --- change agents ---------------------------------------------------------------------------------------------


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


# --- complaints ------------------------------------------------------------------------------------------------


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


# --- innovations -----------------------------------------------------------------------------------------------


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


# --- evidence produced by the work ----------------------------------------------------------------------------


class AttachedEvidence(models.Model):
    """Which programme record an LKE evidence item (a link to the record page) was made from."""

    evidence = models.OneToOneField("assessments.Evidence", on_delete=models.CASCADE, related_name="programme_source")
    record_type = models.CharField(max_length=32)
    record_id = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id"], name="attached_evidence_record")]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} → {self.evidence_id}"
