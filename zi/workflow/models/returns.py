"""Answers carried over from last year, lane returns with their notes per question, and the unit's confirmations
of changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.assessments.models import Assessment
from zi.core.models import BaseModel
from zi.organisations.scoped import ScopedModel
from zi.workflow.models.journey import Journey


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
