"""Returns with reasons per question, and what changed since the last review (issue #17).

* A scorer flags questions "tandai untuk diperbaiki" with a note (:func:`note_flag`, while scoring or on the return
  form); the return (review → ``returned``, TPI LHE 1 → ``tpi_returned``) records a :class:`LaneReturn`: the reason,
  the self lane, the lane's own answers and the evidence as the scorers saw them, and attaches the pending notes.
* The unit sees the reason and each note on its worksheet (:func:`worksheet_panel`, registered with
  :mod:`zi.assessments.panels`) and marks each addressed, optionally with a reply (:func:`note_address`).
  Resubmitting with unaddressed notes is allowed; the pre-submit page and the scorers see which are open.
* On the lane's next round :func:`handoff` compares the return's snapshot with today: per question the old → new
  self answer, new, revised or withdrawn evidence, the notes and whether they were addressed, and "jawaban unit
  berubah" while the scorer's value is the one they returned with and differs from the unit's new answer — until the
  scorer keeps it (:func:`change_confirm`, "tetap") or changes it. The unit's edits never overwrite the scorer's
  values (``services.copy_lane(missing_only=True)``).

``zi.workflow.services`` imports this module (the return is an effect of ``transition``); this module reads the
lane rule from ``zi.workflow.machine`` and never imports services.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.assessments.models import Answer, Evidence, Lane
from zi.assessments.selectors import section_for
from zi.assessments.stages import lane_open_in
from zi.core import audit
from zi.core.actors import Actor
from zi.lke.models import LkeQuestion
from zi.lke.services import template_spec
from zi.organisations.access import Action, may
from zi.workflow.lanes import lane_visible
from zi.workflow.machine import may_write_lane
from zi.workflow.models import ChangeConfirmation, Journey, LaneReturn, ReturnNote, State

SCORED_LANES = (Lane.REVIEW, Lane.TPI)
RETURN_STATES: dict[str, str] = {State.RETURNED: Lane.REVIEW, State.TPI_RETURNED: Lane.TPI}
NOTE_MAX = 2000
NOTE_FIELDS = ("journey", "lane", "lane_return", "question", "note", "addressed_at", "addressed_by", "addressed_note")


def _user(actor: Actor) -> Any:
    return actor_user(actor)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# --- snapshots -------------------------------------------------------------------------------------------------


def _answers(assessment_id: int, lanes: tuple[str, ...]) -> dict[str, dict[str, dict[str, Any]]]:
    """lane → code → {"choice", "inputs", "value"} (answered or not: a row is an answer), one query."""
    result: dict[str, dict[str, dict[str, Any]]] = {lane: {} for lane in lanes}
    rows = Answer.objects.filter(assessment_id=assessment_id, lane__in=lanes).values_list(
        "lane", "question__code", "choice", "inputs", "value"
    )
    for lane, code, choice, inputs, value in rows:
        result[lane][code] = _jsonable({"choice": choice, "inputs": inputs, "value": value})
    return result


def _evidence(assessment_id: int) -> dict[str, dict[str, Any]]:
    """evidence pk → {"code", "title", "revision", "withdrawn"}, one query."""
    rows = (
        Evidence.objects.filter(assessment_id=assessment_id)
        .annotate(revision=Max("revisions__number"))
        .values_list("pk", "question__code", "title", "revision", "is_withdrawn")
    )
    return {
        str(pk): {"code": code, "title": title, "revision": revision or 0, "withdrawn": withdrawn}
        for pk, code, title, revision, withdrawn in rows
    }


def _question(journey: Journey, code: str) -> LkeQuestion:
    question = LkeQuestion.objects.filter(template_id=journey.period.template_id, code=code).first()
    if question is None:
        raise ValidationError(_("Pertanyaan %(code)s tidak ada pada template LKE periode ini.") % {"code": code})
    return question


def _clean_note(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError(_("Tulis catatan: apa yang perlu diperbaiki pada pertanyaan ini."))
    if len(text) > NOTE_MAX:
        raise ValidationError(_("Catatan terlalu panjang (maksimal %(n)s karakter).") % {"n": NOTE_MAX})
    return text


def _may_score(actor: Actor, journey: Journey, lane: str) -> bool:
    return lane in SCORED_LANES and may_write_lane(actor, journey, lane)


def may_flag(actor: Actor, journey: Journey, lane: str) -> bool:
    """The lane's scorers while the lane is open and can still return the LKE (not in LHE 2: TPI returns once)."""
    return _may_score(actor, journey, lane) and not (lane == Lane.TPI and journey.tpi_stage > 1)


def _journey(journey: Journey) -> Journey:
    return Journey.objects.select_related("unit", "assessment", "period").get(pk=journey.pk)


def _flagging(actor: Actor, journey: Journey, lane: str) -> Journey:
    """The journey read afresh for flagging or unflagging a question of ``lane``; refused unless :func:`may_flag`."""
    journey = _journey(journey)
    if not may_flag(actor, journey, lane):
        raise PermissionDenied(_("Anda tidak berwenang menandai pertanyaan pada jalur ini sekarang."))
    return journey


# --- writes ----------------------------------------------------------------------------------------------------


@transaction.atomic
def note_flag(*, actor: Actor, journey: Journey, lane: str, question_code: str, note: str) -> ReturnNote:
    """Flag one question of the lane "tandai untuk diperbaiki" with a note (or change the note of a pending flag).
    Only the lane's scorers while the lane is open (``services.may_write_lane``)."""
    journey = _flagging(actor, journey, lane)
    text = _clean_note(note, required=True)
    question = _question(journey, question_code)
    row = (
        ReturnNote.objects.select_for_update()
        .filter(journey=journey, lane=lane, question=question, lane_return__isnull=True)
        .first()
    )
    before = audit.snapshot(row, NOTE_FIELDS) if row else None
    row = row or ReturnNote(journey=journey, lane=lane, question=question, created_by=_user(actor))
    row.note = text
    row.full_clean(exclude=["journey", "question", "lane_return"])
    row.save()
    audit.record(
        actor,
        "update" if before else "return_flag",
        row,
        before=before,
        after=audit.snapshot(row, NOTE_FIELDS),
        extra={"code": question.code},
    )
    return row


@transaction.atomic
def note_unflag(*, actor: Actor, journey: Journey, lane: str, question_code: str) -> None:
    """Remove a pending flag (not yet returned to the unit)."""
    journey = _flagging(actor, journey, lane)
    question = _question(journey, question_code)
    row = ReturnNote.objects.filter(journey=journey, lane=lane, question=question, lane_return__isnull=True).first()
    if row is None:
        raise ValidationError(_("Pertanyaan ini tidak sedang ditandai."))
    before = audit.snapshot(row, NOTE_FIELDS)
    audit.record(actor, "delete", row, before=before, extra={"code": question.code})
    row.delete()


def record_return(
    *, actor: Actor, journey: Journey, lane: str, reason: str, flags: list[tuple[str, str]]
) -> LaneReturn:
    """The return's effect (called by ``services.transition`` inside its transaction, before the state changes):
    flag the questions given on the return form, snapshot what the scorers saw, attach the lane's pending notes."""
    for code, note in flags:
        note_flag(actor=actor, journey=journey, lane=lane, question_code=code, note=note)
    answers = _answers(journey.assessment_id, (Lane.SELF, lane))
    lane_return = LaneReturn(
        journey=journey,
        lane=lane,
        version=journey.version + 1,
        reason=reason,
        self_answers=answers[Lane.SELF],
        lane_answers=answers[lane],
        evidence=_evidence(journey.assessment_id),
        returned_by=_user(actor),
    )
    lane_return.full_clean(exclude=["journey", "self_answers", "lane_answers", "evidence"])
    lane_return.save()
    pending = ReturnNote.objects.filter(journey=journey, lane=lane, lane_return__isnull=True)
    codes = sorted(pending.values_list("question__code", flat=True))
    pending.update(lane_return=lane_return, updated_at=timezone.now())
    audit.record(
        actor,
        "create",
        lane_return,
        after={"lane": lane, "version": lane_return.version, "reason": reason, "notes": codes},
    )
    return lane_return


def may_address(actor: Actor, journey: Journey) -> bool:
    """The unit's team may mark notes addressed while the LKE is back with the unit (its answer-edit action)."""
    return lane_open_in(journey.state, Lane.SELF) and may(actor, Action.ASSESSMENT_ANSWER, journey.unit)


@transaction.atomic
def note_address(*, actor: Actor, note: ReturnNote, reply: str = "") -> ReturnNote:
    """The unit marks a note of the current return addressed ("sudah diperbaiki"), optionally with a reply; marking
    it again changes the reply."""
    note = ReturnNote.objects.select_for_update().select_related("journey", "question").get(pk=note.pk)
    journey = _journey(note.journey)
    if not may_address(actor, journey):
        raise PermissionDenied(_("Anda tidak berwenang menandai catatan ini sudah diperbaiki."))
    current = current_return(journey)
    if current is None or note.lane_return_id != current.pk:
        raise ValidationError(_("Catatan ini bukan bagian dari pengembalian yang sedang diperbaiki."))
    reply = _clean_note(reply, required=False)
    before = audit.snapshot(note, NOTE_FIELDS)
    note.addressed_at = timezone.now()
    note.addressed_by = _user(actor)
    note.addressed_note = reply
    note.save(update_fields=["addressed_at", "addressed_by", "addressed_note", "updated_at"])
    audit.record(
        actor,
        "return_addressed",
        note,
        before=before,
        after=audit.snapshot(note, NOTE_FIELDS),
        extra={"code": note.question.code},
    )
    return note


@transaction.atomic
def change_confirm(*, actor: Actor, journey: Journey, lane: str, question_code: str) -> ChangeConfirmation:
    """The scorer keeps their value ("tetap") although the unit changed its answer: the flag clears."""
    journey = _journey(journey)
    if not _may_score(actor, journey, lane):
        raise PermissionDenied(_("Anda tidak berwenang menilai jalur ini sekarang."))
    item = handoff(journey, lane).items.get(question_code)
    if item is None or not item.awaiting_scorer:
        raise ValidationError(_("Jawaban unit pada pertanyaan ini tidak menunggu konfirmasi Anda."))
    question = _question(journey, question_code)
    lane_return = latest_return(journey, lane)
    confirmation = ChangeConfirmation.objects.create(
        lane_return=lane_return,  # type: ignore[misc]  # an answer awaits its scorer only after a return
        question=question,
        confirmed_by=_user(actor),
    )
    audit.record(
        actor,
        "change_confirm",
        confirmation,
        after={"lane": lane, "code": question.code, "lane_value": item.lane_now, "self_value": item.after},
    )
    return confirmation


# --- reads -----------------------------------------------------------------------------------------------------


def latest_return(journey: Journey, lane: str) -> LaneReturn | None:
    return LaneReturn.objects.filter(journey_id=journey.pk, lane=lane).order_by("-version").first()


def current_return(journey: Journey) -> LaneReturn | None:
    """The return the unit is working on now (the journey is ``returned`` or ``tpi_returned``), or None."""
    lane = RETURN_STATES.get(journey.state)
    return latest_return(journey, lane) if lane else None


def pending_notes(journey: Journey, lane: str) -> dict[str, ReturnNote]:
    """code → the lane's flags not returned to the unit yet (the return form lists them)."""
    rows = ReturnNote.objects.filter(journey_id=journey.pk, lane=lane, lane_return__isnull=True)
    return {note.question.code: note for note in rows.select_related("question").order_by("question__order")}


def return_notes(journey: Journey) -> list[ReturnNote]:
    """The notes of the return the unit is working on (empty when the LKE is not back with the unit), in LKE
    order. For pages that list "returned with reason" items: the reason is ``current_return(journey).reason``.
    The caller checks the viewer sees the lane (``zi.workflow.lanes.lane_visible``; the unit does once returned)."""
    current = current_return(journey)
    if current is None:
        return []
    notes = list(current.notes.select_related("question", "addressed_by").order_by("question__order", "question__code"))
    for note in notes:  # where the question is on the worksheet: ?bagian=<section>#<anchor>
        note.section, note.anchor = section_for(note.question.code), "q-" + note.question.code.replace(".", "-")  # type: ignore[attr-defined]
    return notes


@dataclass
class QuestionHandoff:
    """One question on the scorer's lane page: what changed since the lane's last return."""

    code: str
    text: str
    anchor: str
    section: str  # the worksheet tab / lane page of the question ("1".."6", "hasil")
    before: dict[str, Any] | None = None  # the unit's answer when the lane returned
    after: dict[str, Any] | None = None  # the unit's answer now
    lane_now: dict[str, Any] | None = None
    answer_changed: bool = False
    new_evidence: list[str] = field(default_factory=list)
    revised_evidence: list[str] = field(default_factory=list)
    withdrawn_evidence: list[str] = field(default_factory=list)
    notes: list[ReturnNote] = field(default_factory=list)  # of the last return
    awaiting_scorer: bool = False  # "jawaban unit berubah": the scorer keeps or changes their value
    confirmed: bool = False  # the scorer kept their value ("tetap")

    @property
    def evidence_changed(self) -> bool:
        return bool(self.new_evidence or self.revised_evidence or self.withdrawn_evidence)

    @property
    def changed(self) -> bool:
        return self.answer_changed or self.evidence_changed

    @property
    def unaddressed(self) -> list[ReturnNote]:
        return [note for note in self.notes if not note.addressed]


@dataclass
class Handoff:
    journey: Journey
    lane: str
    lane_return: LaneReturn | None
    items: dict[str, QuestionHandoff] = field(default_factory=dict)  # questions with a change, a note or a flag
    pending: dict[str, ReturnNote] = field(default_factory=dict)  # flagged this round, not returned yet

    @property
    def changed(self) -> list[QuestionHandoff]:
        return [item for item in self.items.values() if item.changed]

    @property
    def notes(self) -> list[ReturnNote]:
        return [note for item in self.items.values() for note in item.notes]

    @property
    def unaddressed(self) -> list[QuestionHandoff]:
        return [item for item in self.items.values() if item.unaddressed]

    @property
    def awaiting(self) -> list[QuestionHandoff]:
        return [item for item in self.items.values() if item.awaiting_scorer]


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    return (a or None) == (b or None)


def handoff(journey: Journey, lane: str) -> Handoff:
    """What changed since ``lane`` last returned the LKE, per question, in a fixed number of queries (six):
    the unit's answer then → now, evidence added, revised or withdrawn since, the return's notes (addressed or not),
    and "jawaban unit berubah" — the unit's answer changed, the scorer's value is still the one they returned with
    and differs from the new answer, and the scorer has not kept it ("tetap"). Before the lane's first return only
    the pending flags are there."""
    spec = template_spec(journey.period.template)
    result = Handoff(journey, lane, latest_return(journey, lane))
    result.pending = pending_notes(journey, lane)
    current = result.lane_return
    if current is None:
        return result
    questions = {
        question.code: (question, section_for(question.code))
        for area in (*spec.lever, *spec.result)
        for indicator in area.indicators
        for question in indicator.questions
    }

    def item(code: str) -> QuestionHandoff:
        if code not in result.items:
            question, section = questions[code]
            result.items[code] = QuestionHandoff(code, question.text, "q-" + code.replace(".", "-"), section)
        return result.items[code]

    now = _answers(journey.assessment_id, (Lane.SELF, lane))
    confirmed = set(current.confirmations.values_list("question__code", flat=True))
    for code in questions:
        before, after = current.self_answers.get(code), now[Lane.SELF].get(code)
        if _same(before, after):
            continue
        row = item(code)
        row.before, row.after, row.answer_changed = before, after, True
        row.lane_now = now[lane].get(code)
        row.confirmed = code in confirmed
        kept = row.lane_now is not None and _same(row.lane_now, current.lane_answers.get(code))
        agrees = row.lane_now is not None and after is not None and row.lane_now.get("value") == after.get("value")
        row.awaiting_scorer = kept and not agrees and not row.confirmed
    then = current.evidence
    for pk, evidence in _evidence(journey.assessment_id).items():
        if evidence["code"] not in questions:
            continue
        old = then.get(pk)
        if old is None and not evidence["withdrawn"]:
            item(evidence["code"]).new_evidence.append(evidence["title"])
        elif old is not None and evidence["withdrawn"] and not old["withdrawn"]:
            item(evidence["code"]).withdrawn_evidence.append(evidence["title"])
        elif old is not None and not evidence["withdrawn"] and evidence["revision"] > old["revision"]:
            item(evidence["code"]).revised_evidence.append(evidence["title"])
    for note in current.notes.select_related("question", "addressed_by"):
        if note.question.code in questions:
            item(note.question.code).notes.append(note)
    order = {code: index for index, code in enumerate(questions)}
    result.items = dict(sorted(result.items.items(), key=lambda pair: order[pair[0]]))
    return result


# --- the unit's worksheet (a panel registered with zi.assessments.panels) --------------------------------------


def worksheet_panel(request: HttpRequest, ws: Any) -> None:
    """On the unit's worksheet and pre-submit page: the return's reason and note counts on top, each note beside
    its question with the "sudah diperbaiki" form for the unit's team."""
    journey = Journey.of(ws.assessment)
    if journey.state not in RETURN_STATES:
        return
    current = current_return(journey)
    if current is None or not lane_visible(request.user, ws.assessment, current.lane):
        return
    notes = return_notes(journey)
    rows = ws.rows
    for note in notes:
        note.row = rows.get(note.question.code)  # type: ignore[attr-defined]  # for the templates
    context = {
        "j": journey,
        "r": current,
        "notes": notes,
        "open": [note for note in notes if not note.addressed],
        "may_address": may_address(request.user, journey),
        "worksheet_url": reverse("assessments:worksheet", args=[ws.assessment.pk]),
    }
    ws.top_panels.append(render_to_string("workflow/partials/return_banner.html", context, request=request))
    for note in notes:
        if note.row is not None:  # type: ignore[attr-defined]
            html = render_to_string("workflow/partials/return_marker.html", {**context, "note": note}, request=request)
            note.row.panels.append(html)  # type: ignore[attr-defined]
