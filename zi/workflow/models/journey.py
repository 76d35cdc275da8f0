"""The journey of one unit through one period, and its append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.assessments.models import Assessment, Period
from zi.assessments.stages import State
from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


class Predicate(models.TextChoices):
    WBK = "WBK", _("Menuju WBK")
    WBBM = "WBBM", _("Menuju WBBM")


class Journey(ScopedModel, BaseModel):
    """A unit's participation in one period (keiikutsertaan), with its workflow state and version."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="journey")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="journeys")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="journeys")
    version = models.PositiveIntegerField(default=1)
    target_predicate = models.CharField(_("predikat yang dituju"), max_length=8, choices=Predicate.choices)
    afirmasi = models.BooleanField(_("usulan afirmasi"), default=False)
    # unit preconditions (P90 Lampiran II Tabel 5), recorded by the unit, checked at proposal
    tlhp_percent = models.DecimalField(
        _("tindak lanjut hasil pengawasan (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    lhkpn_percent = models.DecimalField(
        _("kepatuhan LHKPN/LHKASN (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    sakip_internal = models.CharField(_("nilai SAKIP internal"), max_length=3, blank=True, default="")
    # TPI
    tpi_team = models.ForeignKey(
        "workflow.TpiTeam", null=True, blank=True, on_delete=models.SET_NULL, related_name="journeys"
    )
    tpi_stage = models.PositiveSmallIntegerField(_("tahap LHE"), default=1)
    tpi_due = models.DateField(_("tenggat evaluasi TPI"), null=True, blank=True)
    tpi_conclusion = models.TextField(_("simpulan TPI"), blank=True, default="")
    # "memenuhi" concluded although preconditions were unmet: the TPI's reason and the checks it overrode
    tpi_override_reason = models.TextField(_("alasan pengecualian TPI"), blank=True, default="")
    tpi_override_checks = models.JSONField(_("syarat yang dikecualikan"), blank=True, default=list)
    # proposal
    sptjm = models.FileField(_("SPTJM kepala unit"), upload_to="workflow/sptjm/", max_length=255, blank=True)
    sptjm_sha256 = models.CharField(max_length=64, blank=True, default="")
    proposed_at = models.DateTimeField(null=True, blank=True)
    # TPN result and predicate
    awarded_predicate = models.CharField(max_length=8, choices=Predicate.choices, blank=True, default="")
    decree_number = models.CharField(_("nomor keputusan"), max_length=120, blank=True, default="")
    decree_date = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    revoked_on = models.DateField(_("tanggal pencabutan"), null=True, blank=True)

    unit_field = "unit"

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("keikutsertaan")
        verbose_name_plural = _("keikutsertaan")

    def __str__(self) -> str:
        return f"{self.unit} · {self.period} · {self.get_state_display()}"

    @classmethod
    def of(cls, assessment: Assessment) -> Journey:
        """The assessment's journey as stored now, with its state and team (every assessment has one)."""
        return cls.objects.select_related("assessment", "unit", "tpi_team").get(assessment_id=assessment.pk)

    @property
    def state(self) -> str:
        """The journey's state: ``Assessment.state``, its one owner (query it as ``assessment__state``)."""
        return self.assessment.state

    @state.setter
    def state(self, value: str) -> None:
        self.assessment.state = value

    def get_state_display(self) -> str:
        return self.assessment.get_state_display()

    @property
    def category(self) -> str:
        if self.target_predicate == Predicate.WBBM:
            return "WBBM"
        return "WBK-AFIRMASI" if self.afirmasi else "WBK"


class JourneyEvent(models.Model):
    """One state change (append-only: never updated or deleted)."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=255, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    note = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["journey", "version"]
        constraints = [models.UniqueConstraint(fields=["journey", "version"], name="journey_event_version")]

    def __str__(self) -> str:
        return f"{self.journey_id}: {self.from_state} → {self.to_state}"
