"""Carry-over: a unit starts a new period from its previous period's self-lane answers and evidence.

Answers are written through :func:`zi.assessments.services.answer_save` (validation, audit, rescoring), link
evidence through :func:`zi.assessments.services.evidence_add_link`. File evidence is *referenced*, not
copied: the new revision points at the same stored, content-addressed file with the same SHA-256. Every
carried question gets a :class:`~zi.workflow.models.CarriedQuestion` row that stays "carried over — confirm"
until the unit confirms it; submission is refused while any is unconfirmed (guard in :mod:`zi.workflow.machine`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Assessment, Evidence, EvidenceKind, EvidenceRevision, Lane
from zi.assessments.scoring import lane_rescore
from zi.assessments.selectors import section_key
from zi.core import audit
from zi.core.actors import Actor
from zi.lke.models import LkeQuestion
from zi.lke.services import template_spec
from zi.workflow.models import CarriedQuestion, Journey


@dataclass(frozen=True)
class CarryResult:
    source: Assessment
    answers: int
    evidence: int
    skipped: list[str]


def _user(actor: Actor) -> Any:
    return actor_user(actor)


def previous_assessment(journey: Journey) -> Assessment | None:
    """The unit's most recent earlier assessment with self-lane answers (the baseline to carry over)."""
    return (
        Assessment.objects.filter(unit_id=journey.unit_id, period__year__lt=journey.period.year)
        .filter(answers__lane=Lane.SELF)
        .select_related("period")
        .order_by("-period__year")
        .distinct()
        .first()
    )


def may_carry_over(actor: Actor, journey: Journey) -> bool:
    """The self lane and its evidence are writable now, nothing was carried yet, and there is a baseline."""
    assessment = journey.assessment
    return (
        assessment_services.may_answer(actor, assessment, Lane.SELF)
        and assessment_services.may_upload(actor, assessment)
        and not CarriedQuestion.objects.filter(journey=journey).exists()
    )


def _raw(answer: Answer) -> object:
    if answer.choice:
        return answer.choice
    return answer.inputs or None


def _reference_file(
    actor: Actor, assessment: Assessment, question_id: int, evidence: Evidence, revision: EvidenceRevision
) -> Evidence:
    """New evidence in the new assessment whose first revision references the same stored file (no copy)."""
    copy = Evidence.objects.create(
        assessment=assessment,
        question_id=question_id,
        title=evidence.title,
        kind=EvidenceKind.FILE,
        created_by=_user(actor),
    )
    EvidenceRevision.objects.create(
        evidence=copy,
        number=1,
        file=revision.file.name,
        original_name=revision.original_name,
        content_type=revision.content_type,
        size=revision.size,
        sha256=revision.sha256,
        uploaded_by=_user(actor),
    )
    audit.record(
        actor,
        "carry_over",
        copy,
        after={
            "title": copy.title,
            "kind": copy.kind,
            "question": evidence.question.code,
            "from_evidence": evidence.pk,
            "from_revision": revision.number,
            "file": revision.file.name,
            "sha256": revision.sha256,
        },
    )
    return copy


@transaction.atomic
def carry_over(*, actor: Actor, journey: Journey) -> CarryResult:
    """Copy the previous period's self-lane answers and evidence (links; file references) into this journey's
    assessment as a draft. Questions the unit already answered, and questions the new LKE template no longer
    has (or whose old answer no longer validates), are skipped and listed."""
    journey = Journey.objects.select_for_update().select_related("unit", "period", "assessment").get(pk=journey.pk)
    assessment = journey.assessment
    writable = assessment_services.may_answer(actor, assessment, Lane.SELF)
    if not (writable and assessment_services.may_upload(actor, assessment)):
        raise PermissionDenied(_("Anda tidak berwenang mengisi penilaian mandiri unit ini sekarang."))
    if CarriedQuestion.objects.filter(journey=journey).exists():
        raise ValidationError(_("Jawaban tahun lalu sudah pernah disalin untuk keikutsertaan ini."))
    source = previous_assessment(journey)
    if source is None:
        raise ValidationError(_("Unit ini tidak memiliki penilaian periode sebelumnya untuk disalin."))
    spec = template_spec(assessment.period.template)
    questions = dict(LkeQuestion.objects.filter(template_id=assessment.period.template_id).values_list("code", "pk"))
    answered = set(
        Answer.objects.filter(assessment=assessment, lane=Lane.SELF).values_list("question__code", flat=True)
    )
    evidence_by_code: dict[str, list[tuple[Evidence, EvidenceRevision]]] = {}
    for item in (
        Evidence.objects.filter(assessment=source, is_withdrawn=False)
        .select_related("question")
        .prefetch_related("revisions")
    ):
        revisions = sorted(item.revisions.all(), key=lambda r: r.number)
        if revisions:
            evidence_by_code.setdefault(item.question.code, []).append((item, revisions[-1]))
    carried: dict[str, CarriedQuestion] = {}
    skipped: list[str] = []
    n_answers = n_evidence = 0

    def mark(code: str) -> CarriedQuestion:
        if code not in carried:
            carried[code] = CarriedQuestion.objects.create(
                journey=journey, question_id=questions[code], source_assessment=source, carried_by=_user(actor)
            )
        return carried[code]

    for answer in Answer.objects.filter(assessment=source, lane=Lane.SELF).select_related("question"):
        code = answer.question.code
        if code not in spec.questions or code in answered:
            skipped.append(code)
            continue
        raw = _raw(answer)
        if raw is None:
            continue
        try:
            with transaction.atomic():
                assessment_services.answer_save(
                    actor=actor,
                    assessment=assessment,
                    question_code=code,
                    raw=raw,
                    note=answer.note or None,
                    lane=Lane.SELF,
                    rescore=False,
                )
        except ValidationError:
            skipped.append(code)
            continue
        row = mark(code)
        row.answer_carried = True
        n_answers += 1
    for code, items in evidence_by_code.items():
        if code not in spec.questions or code in answered:
            continue
        for item, revision in items:
            if item.kind == EvidenceKind.LINK and revision.url:
                assessment_services.evidence_add_link(
                    actor=actor, assessment=assessment, question_code=code, title=item.title, url=revision.url
                )
            elif item.kind == EvidenceKind.FILE and revision.file:
                _reference_file(actor, assessment, questions[code], item, revision)
            else:
                continue
            mark(code).evidence_carried += 1
            n_evidence += 1
    for row in carried.values():
        row.save(update_fields=["answer_carried", "evidence_carried", "updated_at"])
    if n_answers:
        lane_rescore(assessment=assessment, lane=Lane.SELF, actor=actor)
    audit.record(
        actor,
        "carry_over",
        journey,
        after={
            "from_assessment": source.pk,
            "from_year": source.period.year,
            "answers": n_answers,
            "evidence": n_evidence,
            "questions": sorted(carried),
            "skipped": sorted(set(skipped)),
        },
    )
    return CarryResult(source=source, answers=n_answers, evidence=n_evidence, skipped=sorted(set(skipped)))


def unconfirmed(journey: Journey) -> QuerySet[CarriedQuestion]:
    return CarriedQuestion.objects.filter(journey=journey, confirmed_at__isnull=True)


ALL = "semua"


@transaction.atomic
def carry_confirm(
    *, actor: Actor, journey: Journey, question_codes: list[str] | None = None, section: str | None = None
) -> int:
    """Confirm carried-over questions (the unit checked the answer and its evidence are still true): the given
    ``question_codes``, or every open one of a worksheet tab (``section`` "1".."6", "hasil"), or all of them
    (``section="semua"``, "konfirmasi semua"). The unit team only, while the self lane is open (unit-edit states);
    one audit event names the questions and the scope."""
    journey = Journey.objects.select_related("unit", "assessment", "period").get(pk=journey.pk)
    if not assessment_services.may_answer(actor, journey.assessment, Lane.SELF):
        raise PermissionDenied(_("Anda tidak berwenang mengonfirmasi jawaban unit ini sekarang."))
    selected = unconfirmed(journey).select_for_update(of=("self",)).select_related("question")
    if question_codes is not None:
        selected = selected.filter(question__code__in=list(question_codes))
        scope = "selected"
    rows = list(selected)
    if question_codes is None and section is not None and section != ALL:
        spec = template_spec(journey.period.template)
        rows = [row for row in rows if section_key(spec, row.question.code) == section]
        scope = f"section:{section}"
    elif question_codes is None:
        scope = "all"
    if not rows:
        raise ValidationError(_("Pilih paling sedikit satu jawaban bawaan yang belum dikonfirmasi."))
    now = timezone.now()
    for row in rows:
        row.confirmed_at, row.confirmed_by, row.updated_at = now, _user(actor), now
    CarriedQuestion.objects.bulk_update(rows, ["confirmed_at", "confirmed_by", "updated_at"])
    audit.record(
        actor, "carry_confirm", journey, after={"questions": sorted(r.question.code for r in rows), "scope": scope}
    )
    return len(rows)


def carried_rows(journey: Journey) -> QuerySet[CarriedQuestion]:
    return (
        CarriedQuestion.objects.filter(journey=journey)
        .select_related("question", "source_assessment__period", "confirmed_by")
        .order_by("question__order", "question__code")
    )
