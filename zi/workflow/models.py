"""The yearly journey of a unit: declaration, building, review, TPI evaluation, proposal, TPN result, predicate.

One :class:`Journey` per assessment (unit × period), created with it; the state it moves is ``Assessment.state``
(the one owner, :mod:`zi.assessments.stages`; ``Journey.state`` reads and writes it). Every change of state goes through
:func:`zi.workflow.services.transition` (one table of allowed moves in :mod:`zi.workflow.machine`) and leaves
an append-only :class:`JourneyEvent`. Declarations, performance agreements and agency preconditions are the
data the guards check.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.assessments.models import Assessment, Period
from zi.assessments.stages import State
from zi.core.models import BaseModel
from zi.organisations.models import Agency, Unit
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


class AgencyProfile(BaseModel):
    """The agency-level preconditions of one year (P90 Lampiran II Tabel 5), with where each came from."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="zi_profiles")
    year = models.PositiveSmallIntegerField(_("tahun"))
    bpk_opinion = models.CharField(_("opini BPK"), max_length=4, blank=True, default="")
    sakip = models.CharField(_("predikat SAKIP"), max_length=3, blank=True, default="")
    indeks_rb = models.CharField(_("indeks RB"), max_length=3, blank=True, default="")
    spip_level = models.PositiveSmallIntegerField(_("maturitas SPIP"), null=True, blank=True)
    source = models.CharField(_("sumber data"), max_length=255, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="agency_profile_year")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"

    def audit_scope_path(self) -> str:
        return f"a{self.agency_id}/"


class TpiTeam(BaseModel):
    """A TPI evaluation team of an agency in one period: members, a leader and a technical controller."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tpi_teams")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="tpi_teams")
    name = models.CharField(_("nama tim"), max_length=120)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    controller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="tpi_teams")
    capacity = models.PositiveSmallIntegerField(_("kapasitas (unit)"), null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "period", "name"], name="tpi_team_name")]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return f"a{self.agency_id}/"

    def effective_capacity(self) -> int:
        return self.capacity or int(getattr(settings, "ZI_TPI_TEAM_CAPACITY", 14))

    def member_ids(self) -> set[int]:
        return {self.leader_id, self.controller_id, *self.members.values_list("pk", flat=True)}


class PeriodCalendar(BaseModel):
    """Deadlines of one period (P90/P5: proposals by 31 May, or the date TPN announces)."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="calendar")
    review_deadline = models.DateField(_("batas reviu"), null=True, blank=True)
    tpi_deadline = models.DateField(_("batas evaluasi TPI"), null=True, blank=True)
    proposal_deadline = models.DateField(_("batas pengusulan ke TPN"))
    remind_days = models.PositiveSmallIntegerField(_("pengingat (hari sebelum)"), default=14)

    def __str__(self) -> str:
        return f"{self.period}"


class ReminderLog(models.Model):
    """One reminder sent: unique per journey, kind and deadline, so the daily task (or the command run again)
    never repeats it; a moved deadline is a new deadline and is reminded once more. ``day`` is when it was sent."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=32)
    deadline = models.DateField(null=True)
    day = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journey", "kind", "deadline"], name="reminder_once_per_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.journey_id} {self.kind} {self.day}"


class CarriedQuestion(ScopedModel, BaseModel):
    """One question whose self-lane answer (and evidence references) was carried over from the unit's previous
    period. It stays "carried over — confirm" until someone of the unit confirms it, so stale answers and
    evidence never pass into a submission silently."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="carried")
    question = models.ForeignKey("lke.LkeQuestion", on_delete=models.PROTECT, related_name="+")
    source_assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    answer_carried = models.BooleanField(default=False)
    evidence_carried = models.PositiveSmallIntegerField(default=0)
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    unit_field = "journey__unit"

    class Meta:
        ordering = ["journey", "question__order", "question__code"]
        verbose_name = _("jawaban bawaan")
        verbose_name_plural = _("jawaban bawaan")
        constraints = [models.UniqueConstraint(fields=["journey", "question"], name="carried_question_once")]

    def __str__(self) -> str:
        return f"{self.journey_id}/{self.question_id}"


class LaneReturn(ScopedModel, BaseModel):
    """One return of the LKE to the unit by a lane's scorers (review: ``returned``; TPI, LHE 1: ``tpi_returned``)
    with what they saw when they returned it: the self lane, their own lane and the evidence. The lane's next round
    compares against it: what the unit changed since (``zi.workflow.returns.handoff``) and which of the scorer's
    values meet a changed unit answer ("jawaban unit berubah")."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="returns")
    lane = models.CharField(max_length=8)
    version = models.PositiveIntegerField()  # the journey's version after the return (its JourneyEvent)
    reason = models.TextField(_("alasan pengembalian"), blank=True, default="")
    # code → {"choice", "inputs", "value"} at the return
    self_answers = models.JSONField(default=dict, blank=True)
    lane_answers = models.JSONField(default=dict, blank=True)
    # evidence pk → {"code", "title", "revision" (the newest number), "withdrawn"} at the return
    evidence = models.JSONField(default=dict, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    unit_field = "journey__unit"

    class Meta:
        ordering = ["journey", "version"]
        verbose_name = _("pengembalian LKE")
        verbose_name_plural = _("pengembalian LKE")
        constraints = [models.UniqueConstraint(fields=["journey", "version"], name="lane_return_version")]

    def __str__(self) -> str:
        return f"{self.journey_id}/{self.lane} v{self.version}"


class ReturnNote(ScopedModel, BaseModel):
    """A question a scorer flagged "tandai untuk diperbaiki", with a note. Flagged while scoring or on the return
    form it is pending (``lane_return`` empty); the return attaches the lane's pending notes to its
    :class:`LaneReturn`, and the unit sees them on its worksheet and marks each addressed (optionally with a reply).
    """

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="return_notes")
    lane = models.CharField(max_length=8)
    lane_return = models.ForeignKey(LaneReturn, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey("lke.LkeQuestion", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("catatan"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    addressed_at = models.DateTimeField(null=True, blank=True)
    addressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    addressed_note = models.TextField(_("tanggapan unit"), blank=True, default="")

    unit_field = "journey__unit"

    class Meta:
        ordering = ["journey", "question__order", "question__code"]
        verbose_name = _("catatan pengembalian")
        verbose_name_plural = _("catatan pengembalian")
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "lane", "question"],
                condition=models.Q(lane_return__isnull=True),
                name="return_note_pending_once",
            ),
            models.UniqueConstraint(fields=["lane_return", "question"], name="return_note_once_per_return"),
        ]

    def __str__(self) -> str:
        return f"{self.journey_id}/{self.lane}/{self.question_id}"

    @property
    def addressed(self) -> bool:
        return self.addressed_at is not None


class ChangeConfirmation(ScopedModel):
    """The scorer keeps their own value ("tetap") although the unit changed its answer after the lane's return."""

    lane_return = models.ForeignKey(LaneReturn, on_delete=models.CASCADE, related_name="confirmations")
    question = models.ForeignKey("lke.LkeQuestion", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    unit_field = "lane_return__journey__unit"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lane_return", "question"], name="change_confirmed_once")]

    def __str__(self) -> str:
        return f"{self.lane_return_id}/{self.question_id}"


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


class MonitoringResult(models.TextChoices):
    """What a post-predicate monitoring report or field check found."""

    MAINTAINED = "maintained", _("Predikat terjaga")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Perlu perbaikan")
    NOT_MAINTAINED = "not_maintained", _("Tidak terjaga")


class MonitoringRecommendation(models.TextChoices):
    KEEP = "keep", _("Pertahankan predikat")
    COACHING = "coaching", _("Pembinaan lanjutan")
    PROPOSE_WBBM = "propose_wbbm", _("Siapkan usulan WBBM")
    REVOKE = "revoke", _("Rekomendasikan pencabutan predikat")


class MonitoringReport(ScopedModel, BaseModel):
    """The TPI's post-predicate monitoring report on a holder (P90 Bab IV: at least every two years, through
    PMPZI): its date, result, recommendation and the report file (checked like evidence)."""

    award = models.ForeignKey(
        "predicates.Award", on_delete=models.PROTECT, related_name="monitoring_reports", verbose_name=_("predikat")
    )
    report_date = models.DateField(_("tanggal laporan"))
    result = models.CharField(_("hasil"), max_length=20, choices=MonitoringResult.choices)
    recommendation = models.CharField(_("rekomendasi"), max_length=20, choices=MonitoringRecommendation.choices)
    summary = models.TextField(_("ringkasan"), blank=True)
    file = models.FileField(_("berkas laporan"), upload_to="workflow/monitoring/", max_length=255)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "award__unit"

    class Meta:
        ordering = ["award", "-report_date", "-pk"]
        verbose_name = _("laporan pemantauan pasca-predikat")
        verbose_name_plural = _("laporan pemantauan pasca-predikat")

    def __str__(self) -> str:
        return f"{self.award} · {self.report_date:%d-%m-%Y}"


class FieldCheck(ScopedModel, BaseModel):
    """A TPN field check of a holder (P90 Bab IV: periodic checks, verification of reports and complaints); it may
    recommend revocation."""

    award = models.ForeignKey(
        "predicates.Award", on_delete=models.PROTECT, related_name="field_checks", verbose_name=_("predikat")
    )
    check_date = models.DateField(_("tanggal pemeriksaan"))
    result = models.CharField(_("hasil"), max_length=20, choices=MonitoringResult.choices)
    recommendation = models.CharField(_("rekomendasi"), max_length=20, choices=MonitoringRecommendation.choices)
    findings = models.TextField(_("temuan"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "award__unit"

    class Meta:
        ordering = ["award", "-check_date", "-pk"]
        verbose_name = _("pemeriksaan lapangan TPN")
        verbose_name_plural = _("pemeriksaan lapangan TPN")

    def __str__(self) -> str:
        return f"{self.award} · {self.check_date:%d-%m-%Y}"
