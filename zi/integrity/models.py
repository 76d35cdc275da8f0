"""The integrity registers: gratification reports, conflict-of-interest declarations and whistle-blowing reports.

Their audience is not the programme's: the unit's ZI team writes the two registers, integrity handlers
(``integrity.handle``, usually the Inspektorat) decide gratification reports and handle whistle-blowing, and the
public sends whistle-blowing reports without logging in. The identity rule: a whistle-blower's name and contact
are only ever shown to integrity handlers who are not staff of the reported unit
(:func:`zi.integrity.services.may_see_whistle_identity`); the unit itself sees counts only.

The tables kept their first names (``programme_*``) when the registers left the programme app: see the migration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


class GratificationDecision(models.TextChoices):
    PENDING = "pending", _("Menunggu keputusan")
    REFUSED = "refused", _("Ditolak saat diberikan")
    RETURNED = "returned", _("Dikembalikan kepada pemberi")
    REPORTED_KPK = "reported_kpk", _("Dilaporkan ke KPK/UPG")
    STATE_OWNED = "state_owned", _("Ditetapkan milik negara")
    RECIPIENT_OWNED = "recipient_owned", _("Ditetapkan milik penerima")


class GratificationReport(ScopedModel, BaseModel):
    """A report of a gift offered to/received by a staff member (register of gratifikasi)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="gratification_reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("pelapor")
    )
    offered_on = models.DateField(_("tanggal pemberian"))
    giver_description = models.CharField(_("pemberi (uraian)"), max_length=255)
    gift_description = models.CharField(_("bentuk pemberian"), max_length=255)
    value_estimate = models.DecimalField(_("perkiraan nilai (Rp)"), max_digits=14, decimal_places=0, default=0)
    refused = models.BooleanField(_("ditolak"), default=False)
    decision = models.CharField(
        _("keputusan"), max_length=16, choices=GratificationDecision.choices, default=GratificationDecision.PENDING
    )
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        db_table = "programme_gratificationreport"  # its first name (module docstring)
        ordering = ["-offered_on", "-pk"]
        verbose_name = _("laporan gratifikasi")
        verbose_name_plural = _("laporan gratifikasi")

    def __str__(self) -> str:
        return f"{self.gift_description} ({self.offered_on})"


class ConflictStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Teridentifikasi")
    MITIGATED = "mitigated", _("Dimitigasi")
    CLOSED = "closed", _("Selesai")


class ConflictOfInterest(ScopedModel, BaseModel):
    """An identified or declared conflict of interest (benturan kepentingan) and how it is handled."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="conflicts_of_interest")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pegawai yang bersangkutan"),
        help_text=_("Kosongkan untuk pemetaan potensi benturan kepentingan pada suatu fungsi/jabatan."),
    )
    declared_on = models.DateField(_("tanggal"))
    situation = models.TextField(_("situasi benturan kepentingan"))
    related_party = models.CharField(_("pihak terkait"), max_length=255, blank=True)
    mitigation = models.TextField(_("penanganan/mitigasi"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.IDENTIFIED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        db_table = "programme_conflictofinterest"  # its first name (module docstring)
        ordering = ["-declared_on", "-pk"]
        verbose_name = _("benturan kepentingan")
        verbose_name_plural = _("benturan kepentingan")

    def __str__(self) -> str:
        return self.situation[:60]


class WhistleStatus(models.TextChoices):
    RECEIVED = "received", _("Diterima")
    INVESTIGATING = "investigating", _("Sedang ditelaah")
    SUBSTANTIATED = "substantiated", _("Terbukti, ditindaklanjuti")
    UNSUBSTANTIATED = "unsubstantiated", _("Tidak terbukti")
    CLOSED = "closed", _("Ditutup")


class WhistleReport(ScopedModel, BaseModel):
    """A whistle-blowing report (WBS) about a unit.

    The reporter's name and contact are only ever shown to integrity handlers (``integrity.handle``) who are not
    staff of the reported unit; the unit itself only sees counts.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="whistle_reports")
    received_at = models.DateTimeField(_("diterima pada"))
    subject = models.CharField(_("pokok laporan"), max_length=255)
    description = models.TextField(_("uraian"))
    reporter_name = models.CharField(_("nama pelapor"), max_length=255, blank=True)
    reporter_contact = models.CharField(_("kontak pelapor"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=WhistleStatus.choices, default=WhistleStatus.RECEIVED)
    handling_notes = models.TextField(_("catatan penanganan"), blank=True)
    public_response = models.TextField(_("tanggapan untuk pelapor"), blank=True)
    tracking_hash = models.CharField(max_length=64, unique=True)

    unit_field = "unit"

    class Meta:
        db_table = "programme_whistlereport"  # its first name (module docstring)
        ordering = ["-received_at", "-pk"]
        verbose_name = _("laporan whistle-blowing")
        verbose_name_plural = _("laporan whistle-blowing")

    def __str__(self) -> str:
        return self.subject
