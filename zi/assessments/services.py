"""Writes on assessments: periods, starting an assessment, answers, submission and evidence (data dukung).

Every function checks permission through :mod:`zi.organisations.access`, runs in one transaction and records
an audit event with before/after snapshots. Errors are ``PermissionDenied`` / ``ValidationError`` with
Indonesian messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.assessments import evidence as evidence_checks
from zi.assessments import stages
from zi.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceKind,
    EvidenceRevision,
    Lane,
    Period,
    Predicate,
)
from zi.assessments.scoring import lane_rescore
from zi.assessments.suggestions import checked_survey_source
from zi.core import audit, events
from zi.core.actors import Actor
from zi.lke.formulas import AnswerError, normalize_answer
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.services import template_spec
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.predicates import selectors as predicate_selectors

ANSWER_FIELDS = ("choice", "inputs", "value", "note", "source", "lane", "question", "assessment")
ASSESSMENT_FIELDS = ("unit", "period", "target_predicate", "current_predicate", "state", "submitted_at")
EVIDENCE_FIELDS = ("assessment", "question", "title", "kind", "is_withdrawn")

# Lanes other than the unit's own are written by the reviewers of that lane, only after submission.
_LANE_ACTION: dict[str, Action] = {Lane.REVIEW: Action.REVIEW_SCORE, Lane.TPI: Action.TPI_SCORE}


# --- periods -------------------------------------------------------------------------------------------------


@transaction.atomic
def period_create(
    *,
    actor: Actor,
    year: int,
    name: str,
    template: LkeTemplate,
    starts_on: dt.date,
    ends_on: dt.date,
    self_assessment_deadline: dt.date | None = None,
    is_open: bool = True,
) -> Period:
    """A new evaluation period (national; only a superuser or the system may create one)."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Hanya administrator sistem yang dapat membuat periode penilaian."))
    if ends_on < starts_on:
        raise ValidationError(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    if self_assessment_deadline and not (starts_on <= self_assessment_deadline <= ends_on):
        raise ValidationError(_("Batas penilaian mandiri harus berada di dalam periode."))
    if Period.objects.filter(year=year).exists():
        raise ValidationError(_("Periode tahun %(year)s sudah ada.") % {"year": year})
    period = Period.objects.create(
        year=year,
        name=name.strip() or f"Periode {year}",
        template=template,
        starts_on=starts_on,
        ends_on=ends_on,
        self_assessment_deadline=self_assessment_deadline,
        is_open=is_open,
    )
    audit.record(actor, "create", period, after=audit.snapshot(period))
    return period


# --- assessments ---------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, actor: Actor, unit: Unit, period: Period, target_predicate: str = Predicate.WBK) -> Assessment:
    """Start the unit's assessment for ``period``. The predicate it already holds comes from the predicate register
    (:func:`zi.predicates.selectors.current_predicate`), never from what is typed."""
    current_predicate = predicate_selectors.current_predicate(unit)
    if not may(actor, Action.ASSESSMENT_START, unit):
        raise PermissionDenied(_("Anda tidak berwenang memulai penilaian untuk unit ini."))
    if not period.is_open:
        raise ValidationError(_("Periode penilaian ini sudah ditutup."))
    if target_predicate not in Predicate.values:
        raise ValidationError(_("Predikat yang dituju tidak dikenal."))
    if target_predicate == Predicate.WBBM and current_predicate != Predicate.WBK:
        raise ValidationError(_("Predikat WBBM hanya dapat dituju oleh unit yang telah berpredikat WBK."))
    if Assessment.objects.filter(unit=unit, period=period).exists():
        raise ValidationError(_("Penilaian untuk unit ini pada periode tersebut sudah ada."))
    try:
        with transaction.atomic():
            assessment = assessments_open(
                [
                    Assessment(
                        unit=unit, period=period, target_predicate=target_predicate, current_predicate=current_predicate
                    )
                ]
            )[0]
    except IntegrityError as exc:  # a concurrent start won the race
        raise ValidationError(_("Penilaian untuk unit ini pada periode tersebut sudah ada.")) from exc
    audit.record(actor, "create", assessment, after=audit.snapshot(assessment, ASSESSMENT_FIELDS))
    events.on_unit_changed(unit.pk, period.pk)  # the unit now builds ZI on the dashboards
    return assessment


def assessments_open(assessments: list[Assessment]) -> list[Assessment]:
    """Store new assessments (not yet saved) and let the apps above add what belongs to them — the workflow creates
    each one's journey (:func:`zi.assessments.stages.register_on_open`). The one way every path creates assessments:
    :func:`assessment_start`, the demo, the benchmark data and the tests' factory. No audit or permission here."""
    created = Assessment.objects.bulk_create(assessments)
    stages.opened(created)
    return created


def _refresh_state(assessment: Assessment) -> None:
    """Lock the assessment row and reload its state, so a stale object cannot write after submission."""
    assessment.state = (
        Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("state", flat=True).get()
    )


def may_answer(actor: Actor, assessment: Assessment, lane: str = Lane.SELF) -> bool:
    """May ``actor`` write ``lane`` answers of ``assessment`` now: the state's lane table and the guards registered
    by the apps above (:func:`zi.assessments.stages.lane_open`), then the role."""
    if not stages.lane_open(actor, assessment, lane):
        return False
    action = Action.ASSESSMENT_ANSWER if lane == Lane.SELF else _LANE_ACTION.get(lane)
    return action is not None and may(actor, action, assessment.unit)


def may_upload(actor: Actor, assessment: Assessment) -> bool:
    return stages.lane_open(actor, assessment, Lane.SELF) and may(actor, Action.EVIDENCE_UPLOAD, assessment.unit)


def may_submit(actor: Actor, assessment: Assessment) -> bool:
    return stages.lane_open(actor, assessment, Lane.SELF) and may(actor, Action.ASSESSMENT_SUBMIT, assessment.unit)


def _question(assessment: Assessment, code: str) -> LkeQuestion:
    question = LkeQuestion.objects.filter(template_id=assessment.period.template_id, code=code).first()
    if question is None:
        raise ValidationError(_("Pertanyaan %(code)s tidak ada pada template LKE periode ini.") % {"code": code})
    return question


@transaction.atomic
def answer_save(
    *,
    actor: Actor,
    assessment: Assessment,
    question_code: str,
    raw: object,
    note: str | None = None,
    lane: str = Lane.SELF,
    rescore: bool = True,
    source: str | None = None,
) -> Answer:
    """Validate and store one answer, then rescore the lane.

    ``raw`` is an option key, a dict of numeric inputs, or a 0–4 index (``None``/``""`` = unanswered);
    ``note=None`` keeps the stored note. An invalid answer raises ``ValidationError`` and stores nothing.
    ``source`` (``None`` keeps the stored one) states where a survey index comes from when it differs from the
    unit's survey or external value: a differing IPAK/IPKP without a source is refused.
    ``rescore=False`` lets bulk callers rescore once at the end.
    """
    if lane not in Lane.values:
        raise ValidationError(_("Jalur penilaian tidak dikenal."))
    _refresh_state(assessment)
    if not may_answer(actor, assessment, lane):
        if lane == Lane.SELF and assessment.status != AssessmentStatus.DRAFT:
            raise PermissionDenied(_("Penilaian sudah dikirim; jawaban tidak dapat diubah lagi."))
        raise PermissionDenied(_("Anda tidak berwenang mengisi jawaban penilaian ini."))
    spec = template_spec(assessment.period.template)
    spec_question = spec.questions.get(question_code)
    if spec_question is None:
        raise ValidationError(
            _("Pertanyaan %(code)s tidak ada pada template LKE periode ini.") % {"code": question_code}
        )
    try:
        normalized = normalize_answer(spec_question, raw, spec.settings)
    except AnswerError as exc:
        raise ValidationError(str(exc), code="invalid_answer") from exc
    if note is not None and len(note) > 5000:
        raise ValidationError(_("Catatan terlalu panjang (maksimal 5000 karakter)."))
    question = _question(assessment, question_code)
    answer = Answer.objects.select_for_update().filter(assessment=assessment, lane=lane, question=question).first()
    before = audit.snapshot(answer, ANSWER_FIELDS) if answer is not None else None
    stored_source = answer.source if answer is not None else ""
    checked_source = checked_survey_source(
        assessment, spec_question, normalized.inputs, stored_source if source is None else source
    )
    if answer is None:
        answer = Answer(assessment=assessment, lane=lane, question=question)
    else:
        answer.assessment = assessment  # already loaded: the audit scope needs its unit
    answer.source = checked_source
    answer.choice = normalized.choice or ""
    answer.inputs = normalized.inputs
    answer.value = normalized.value
    if note is not None:
        answer.note = note.strip()
    after = audit.snapshot(answer, ANSWER_FIELDS)
    if before == after:
        return answer  # autosave of an unchanged form: nothing to store, audit or rescore
    answer.updated_by = actor_user(actor)
    answer.save()
    audit.record(actor, "update" if before else "create", answer, before=before, after=after)
    if rescore:
        lane_rescore(assessment=assessment, lane=lane, actor=actor)
    return answer


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Submit the unit's LKE: its journey moves (the workflow's submission, registered with
    :func:`zi.assessments.stages.register_submitter`; guarded there by the one pre-submit check)."""
    assessment = Assessment.objects.select_for_update().select_related("unit").get(pk=assessment.pk)
    if not may(actor, Action.ASSESSMENT_SUBMIT, assessment.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengirim penilaian ini."))
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("Penilaian ini sudah dikirim."))
    stages.submit(actor, assessment)
    assessment.refresh_from_db()
    return assessment


# --- evidence ------------------------------------------------------------------------------------------------


def _check_upload(actor: Actor, assessment: Assessment) -> None:
    _refresh_state(assessment)
    if not may(actor, Action.EVIDENCE_UPLOAD, assessment.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengunggah data dukung untuk unit ini."))
    if not stages.lane_open(actor, assessment, Lane.SELF):
        raise PermissionDenied(_("Penilaian sudah dikirim; data dukung tidak dapat diubah lagi."))


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Judul data dukung wajib diisi."))
    if len(title) > 255:
        raise ValidationError(_("Judul data dukung terlalu panjang (maksimal 255 karakter)."))
    return title


_URL_VALIDATOR = URLValidator(schemes=["http", "https"])


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError(_("Alamat tautan wajib diisi."))
    if len(url) > 1000:
        raise ValidationError(_("Alamat tautan terlalu panjang (maksimal 1000 karakter)."))
    try:
        _URL_VALIDATOR(url)
    except ValidationError as exc:
        raise ValidationError(_("Tautan harus berupa alamat http:// atau https:// yang valid.")) from exc
    return url


def _store_file(revision: EvidenceRevision, uploaded_file: Any, checked: evidence_checks.CheckedFile) -> None:
    """Store the file under its content hash; identical content already stored is reused, not copied."""
    revision.sha256 = checked.sha256
    revision.size = checked.size
    revision.content_type = checked.content_type
    revision.original_name = checked.display_name
    storage = revision.file.storage
    name = revision.file.field.generate_filename(revision, checked.display_name)
    if storage.exists(name) and storage.size(name) == checked.size:
        revision.file.name = name
    else:
        if storage.exists(name):
            storage.delete(name)  # a partial file left by a failed write (e.g. disk full) must not be reused
        uploaded_file.seek(0)
        revision.file.save(checked.display_name, File(uploaded_file), save=False)


def _revision_snapshot(revision: EvidenceRevision) -> dict[str, Any]:
    # Built by hand: audit.snapshot() trips over an empty FileField (link revisions) in its JSON default.
    data = {
        "evidence_id": revision.evidence_id,
        "number": revision.number,
        "file": revision.file.name or "",
        "url": revision.url,
        "original_name": revision.original_name,
        "content_type": revision.content_type,
        "size": revision.size,
        "sha256": revision.sha256,
    }
    jsonable: dict[str, Any] = audit.to_jsonable(data)
    return jsonable


def _new_revision(
    actor: Actor, evidence: Evidence, number: int, *, uploaded_file: Any = None, url: str = ""
) -> EvidenceRevision:
    revision = EvidenceRevision(
        evidence=evidence,
        number=number,
        uploaded_by=actor_user(actor),
    )
    if uploaded_file is not None:
        checked = evidence_checks.check_upload(uploaded_file)
        _store_file(revision, uploaded_file, checked)
    else:
        revision.url = url
    revision.save()
    return revision


def _evidence_create(
    *, actor: Actor, assessment: Assessment, question_code: str, title: str, uploaded_file: Any = None, url: str = ""
) -> Evidence:
    """A new piece of evidence with its first revision, a file or else a link, audited as one event. Everything is
    checked before anything is written."""
    _check_upload(actor, assessment)
    question = _question(assessment, question_code)
    title = _clean_title(title)
    checked = evidence_checks.check_upload(uploaded_file) if uploaded_file is not None else None
    url = _clean_url(url) if checked is None else ""
    evidence = Evidence.objects.create(
        assessment=assessment,
        question=question,
        title=title,
        kind=EvidenceKind.FILE if checked is not None else EvidenceKind.LINK,
        created_by=actor_user(actor),
    )
    revision = EvidenceRevision(evidence=evidence, number=1, uploaded_by=evidence.created_by, url=url)
    if checked is not None:
        _store_file(revision, uploaded_file, checked)
    revision.save()
    audit.record(
        actor,
        "create",
        evidence,
        after={**audit.snapshot(evidence, EVIDENCE_FIELDS), "revision": _revision_snapshot(revision)},
    )
    return evidence


@transaction.atomic
def evidence_add_file(
    *, actor: Actor, assessment: Assessment, question_code: str, title: str, uploaded_file: Any
) -> Evidence:
    return _evidence_create(
        actor=actor, assessment=assessment, question_code=question_code, title=title, uploaded_file=uploaded_file
    )


@transaction.atomic
def evidence_add_link(*, actor: Actor, assessment: Assessment, question_code: str, title: str, url: str) -> Evidence:
    return _evidence_create(actor=actor, assessment=assessment, question_code=question_code, title=title, url=url)


@transaction.atomic
def evidence_revise(
    *, actor: Actor, evidence: Evidence, uploaded_file: Any = None, url: str | None = None
) -> EvidenceRevision:
    """Add the next numbered revision; earlier revisions stay stored and downloadable."""
    evidence = Evidence.objects.select_for_update().select_related("assessment__unit").get(pk=evidence.pk)
    _check_upload(actor, evidence.assessment)
    if evidence.is_withdrawn:
        raise ValidationError(_("Data dukung ini sudah ditarik; tambahkan data dukung baru."))
    if evidence.kind == EvidenceKind.FILE:
        if uploaded_file is None:
            raise ValidationError(_("Pilih berkas untuk revisi data dukung."))
        url = ""
    else:
        if uploaded_file is not None:
            raise ValidationError(_("Data dukung berupa tautan hanya dapat direvisi dengan tautan."))
        url = _clean_url(url or "")
    last = evidence.revisions.aggregate(n=Max("number"))["n"] or 0
    revision = _new_revision(actor, evidence, last + 1, uploaded_file=uploaded_file, url=url)
    audit.record(
        actor,
        "revise",
        evidence,
        before={"revision": last},
        after={"revision": _revision_snapshot(revision)},
    )
    return revision


@transaction.atomic
def evidence_withdraw(*, actor: Actor, evidence: Evidence, reason: str) -> Evidence:
    """Mark evidence as withdrawn (kept for the record, no longer counted as data dukung)."""
    evidence = Evidence.objects.select_for_update().select_related("assessment__unit").get(pk=evidence.pk)
    _check_upload(actor, evidence.assessment)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Alasan penarikan wajib diisi."))
    if len(reason) > 500:
        raise ValidationError(_("Alasan penarikan terlalu panjang (maksimal 500 karakter)."))
    if evidence.is_withdrawn:
        raise ValidationError(_("Data dukung ini sudah ditarik."))
    before = audit.snapshot(evidence, EVIDENCE_FIELDS)
    evidence.is_withdrawn = True
    evidence.save(update_fields=["is_withdrawn", "updated_at"])
    audit.record(
        actor,
        "withdraw",
        evidence,
        before=before,
        after=audit.snapshot(evidence, EVIDENCE_FIELDS),
        extra={"reason": reason},
    )
    return evidence
