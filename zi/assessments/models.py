"""Evaluation periods, a unit's assessment per period, answers per lane, scores, and evidence."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zi.assessments.stages import AssessmentStatus, Lane, State, status_for
from zi.core.models import BaseModel
from zi.lke.formulas import VALUE_SCALE
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel

__all__ = ["AssessmentStatus", "Lane", "State"]  # defined with the lane table in zi.assessments.stages


class Predicate(models.TextChoices):
    WBK = "WBK", _("Menuju WBK")
    WBBM = "WBBM", _("Menuju WBBM")


class Period(BaseModel):
    """An evaluation year; its LKE template version is fixed once set."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    name = models.CharField(_("nama"), max_length=100)
    template = models.ForeignKey(LkeTemplate, on_delete=models.PROTECT, related_name="periods")
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    self_assessment_deadline = models.DateField(_("batas penilaian mandiri"), null=True, blank=True)
    is_open = models.BooleanField(_("terbuka"), default=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes in the site's zone: the first day's start and the last day's end."""
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.starts_on, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.ends_on, dt.time.max, tzinfo=tz),
        )

    def __str__(self) -> str:
        return self.name


class Assessment(ScopedModel, BaseModel):
    """One unit's LKE for one period (all lanes)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="assessments")
    target_predicate = models.CharField(
        _("predikat yang dituju"), max_length=8, choices=Predicate.choices, default=Predicate.WBK
    )
    current_predicate = models.CharField(
        _("predikat yang dimiliki"), max_length=8, choices=Predicate.choices, blank=True, default=""
    )
    # The stage of the unit's year: the one place it is kept (zi.assessments.stages; moved only by
    # zi.workflow.services.transition). The draft/submitted word is derived from it (``status``).
    state = models.CharField(_("tahap"), max_length=20, choices=State.choices, default=State.STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)

    unit_field = "unit"

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("penilaian")
        verbose_name_plural = _("penilaian")
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="assessment_unit_period")]
        indexes = [models.Index(fields=["period", "state"], name="assessment_period_state")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    @property
    def status(self) -> str:
        """ "draft" or "submitted", derived from :attr:`state` (:func:`zi.assessments.stages.status_for`)."""
        return status_for(self.state)

    def get_status_display(self) -> str:
        return str(AssessmentStatus(self.status).label)


def lane_label(value: str) -> str:
    """The name a person reads for a lane value ("self" → "Penilaian mandiri"); an unknown value is shown as is."""
    try:
        return str(Lane(value).label)
    except ValueError:
        return value


class ValueUnits(models.Func):
    """``round(value × 10⁶)`` exactly as Python's ``round()`` (half to even, :func:`zi.lke.formulas.value_units`),
    in SQL, for the stored :attr:`Answer.units` column.

    PostgreSQL's ``round(double precision)`` is ``rint()``: half to even already. SQLite's ``ROUND(x)`` rounds ties
    away from zero and errs just below a half (``x + 0.5`` rounds up in floating point for ``0.5 - 2**-54``); in both
    cases ``|ROUND(x) - x| >= 0.5`` and the right answer is the even neighbour, so an odd result moves one towards
    zero (``R - 2 * (R / 2)`` is SQLite's truncating ``R % 2``, written without ``%`` for Django's parameter style).
    Checked against ``round()`` on 800,000 tie and neighbour values (tests/test_rescoring.py checks the column)."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        value, params = compiler.compile(self.source_expressions[0])
        return f"CAST(ROUND({value} * {VALUE_SCALE}) AS BIGINT)", params

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        value, params = compiler.compile(self.source_expressions[0])
        x = f"({value} * {VALUE_SCALE})"
        r = f"CAST(ROUND({x}) AS INTEGER)"
        return f"({r} - ({r} - 2 * ({r} / 2)) * (ABS({r} - {x}) >= 0.5))", params * 5


class Answer(ScopedModel):
    """One lane's answer to one question: a choice, numeric inputs, or an index; ``value`` is 0..1.

    ``units`` is ``value`` in millionths, computed by the database (a stored generated column): the exact integer
    the scorer sums. Bulk rescoring reads it from the covering index ``answer_scoring`` without touching the table
    rows (``zi.assessments.scoring``)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers", db_index=False)
    lane = models.CharField(max_length=8, choices=Lane.choices, default=Lane.SELF)
    question = models.ForeignKey(LkeQuestion, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, blank=True, default="")
    inputs = models.JSONField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    units = models.GeneratedField(
        expression=ValueUnits("value"), output_field=models.BigIntegerField(), db_persist=True
    )
    note = models.TextField(blank=True, default="")
    # A survey index (IPAK/IPKP) typed differently from the unit's own survey or the recorded external value
    # needs its stated source, e.g. "BPS, laporan no. 12/2026" (zi.assessments.suggestions.checked_survey_source).
    source = models.CharField(_("sumber nilai"), max_length=255, blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    unit_field = "assessment__unit"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "lane", "question"], name="answer_unique_per_lane")
        ]
        # the unique constraint's index serves lookups by assessment and lane; this one covers bulk scoring
        indexes = [models.Index(fields=["assessment", "lane", "question", "units"], name="answer_scoring")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.lane}/{self.question_id}"


class LaneScore(models.Model):
    """The stored result of scoring one lane (recomputed by services, never edited by hand)."""

    # The lane's figures: what a rescore writes (with ``breakdown`` and ``computed_at``) and the API shows.
    FIGURES: ClassVar[tuple[str, ...]] = (
        "total",
        "pengungkit",
        "hasil",
        "pemenuhan",
        "reform",
        "eligible_wbk",
        "eligible_wbbm",
    )

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    lane = models.CharField(max_length=8, choices=Lane.choices)
    total = models.FloatField()
    pengungkit = models.FloatField()
    hasil = models.FloatField()
    pemenuhan = models.FloatField()
    reform = models.FloatField()
    eligible_wbk = models.BooleanField()
    eligible_wbbm = models.BooleanField()
    breakdown = models.JSONField()
    # 64 bits of BLAKE2b over what the row was computed from: the scoring code, the template, the exact per-area
    # inputs and the current predicate (zi.assessments.scoring.inputs_digest). A rescore that finds the same digest
    # neither scores nor writes the row. Empty for rows written otherwise (they are then scored and compared).
    inputs_digest = models.BigIntegerField(null=True, blank=True, editable=False)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "lane"], name="lane_score_unique")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.lane}: {self.total:.2f}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("Berkas")
    LINK = "link", _("Tautan")


class Evidence(ScopedModel, BaseModel):
    """A piece of supporting evidence (data dukung) for one question; its content lives in revisions."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(LkeQuestion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("judul"), max_length=255)
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    is_withdrawn = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "assessment__unit"

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["assessment", "question"], name="evidence_assessment_question")]

    def __str__(self) -> str:
        return self.title


def evidence_upload_to(instance: EvidenceRevision, filename: str) -> str:
    return f"evidence/{instance.evidence.assessment_id}/{instance.sha256[:2]}/{instance.sha256}"


class EvidenceRevision(models.Model):
    """An immutable numbered version of an evidence item: a stored file (by content hash) or a link."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=evidence_upload_to, max_length=255, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence", "number"]
        constraints = [models.UniqueConstraint(fields=["evidence", "number"], name="evidence_revision_number")]

    def __str__(self) -> str:
        return f"{self.evidence} r{self.number}"
