"""Reads for assessments, always cut to what the person may see, in a constant number of queries.

Visibility: a draft is seen only by people with ``ASSESSMENT_VIEW_DRAFT`` on the unit (the unit's own
team roles); everyone else with ``ASSESSMENT_VIEW_SUBMITTED`` sees it once submitted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from zi.assessments import services
from zi.assessments.evidence import ACCEPT_ATTR
from zi.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceRevision,
    Lane,
    LaneScore,
    Period,
)
from zi.assessments.stages import SUBMITTED_STATES
from zi.assessments.suggestions import survey_checks
from zi.core.actors import Actor
from zi.core.numbers import number_input_value
from zi.lke.formulas import ZeroDenominator, zero_denominator, zero_denominator_text
from zi.lke.scoring.breakdown import expand_breakdown
from zi.lke.scoring.engine import score
from zi.lke.services import template_spec, with_template
from zi.lke.spec import Area, Question, Template
from zi.organisations.access import Action, may, restrict, scope_filter
from zi.organisations.models import Unit

HASIL_SECTION = "hasil"


def section_for(code: str) -> str:
    """The worksheet tab of a question code: "A.I.3.ii.a" → "3", "B.I.a" → "hasil" (links to a question)."""
    parts = code.split(".")
    if parts[0] == "A" and len(parts) > 2 and parts[2].isdigit():
        return parts[2]
    return HASIL_SECTION


def visibility_filter(user: Actor, prefix: str = "") -> Q:
    """Rows (assessments, or rows reaching one through ``prefix``) that ``user`` may see."""
    unit_field = f"{prefix}unit"
    drafts = scope_filter(user, Action.ASSESSMENT_VIEW_DRAFT, unit_field)
    submitted = scope_filter(user, Action.ASSESSMENT_VIEW_SUBMITTED, unit_field) & Q(
        **{f"{prefix}state__in": sorted(SUBMITTED_STATES)}
    )
    return drafts | submitted


def visible_assessments(user: Actor) -> QuerySet[Assessment]:
    return Assessment.objects.filter(visibility_filter(user))


def may_view(user: Actor, assessment: Assessment) -> bool:
    if may(user, Action.ASSESSMENT_VIEW_DRAFT, assessment.unit):
        return True
    return assessment.status != AssessmentStatus.DRAFT and may(user, Action.ASSESSMENT_VIEW_SUBMITTED, assessment.unit)


def assessment_list(*, user: Actor) -> QuerySet[Assessment]:
    return (
        visible_assessments(user)
        .select_related("unit", "unit__agency", "period")
        .prefetch_related(Prefetch("scores", queryset=LaneScore.objects.filter(lane=Lane.SELF), to_attr="self_scores"))
        .order_by("-period__year", "unit__path")
    )


def assessments_shown(user: Actor) -> QuerySet[Assessment]:
    """The assessments ``user`` may open, with what their pages read (load one with ``get_scoped_or_404``)."""
    return with_template(visible_assessments(user).select_related("unit__agency"), "period__template")


def assessment_get(*, user: Actor, pk: int) -> Assessment | None:
    return assessments_shown(user).filter(pk=pk).first()


def startable_units(*, user: Actor) -> QuerySet[Unit]:
    """Units where ``user`` may start an assessment (team with answer right, or agency admin)."""
    return restrict(Unit.objects.filter(unit_type__builds_zi=True), user, Action.ASSESSMENT_START).order_by("path")


def open_periods() -> QuerySet[Period]:
    return with_template(Period.objects.filter(is_open=True)).order_by("-year")


def evidence_revision_get(*, user: Actor, evidence_pk: int, number: int) -> EvidenceRevision | None:
    return (
        EvidenceRevision.objects.filter(visibility_filter(user, "evidence__assessment__"))
        .select_related("evidence", "evidence__question", "evidence__assessment", "evidence__assessment__unit")
        .filter(evidence_id=evidence_pk, number=number)
        .first()
    )


def evidence_shown(user: Actor) -> QuerySet[Evidence]:
    """The evidence ``user`` may open (on assessments they see), with what its pages read."""
    return Evidence.objects.filter(visibility_filter(user, "assessment__")).select_related(
        "assessment", "assessment__unit", "assessment__period", "question"
    )


# --- the worksheet -------------------------------------------------------------------------------------------


@dataclass
class QuestionRow:
    question: Question
    area: Area
    indicator_code: str
    indicator_name: str
    answer: Answer | None = None
    evidence: list[Evidence] = field(default_factory=list)
    zero: ZeroDenominator | None = None  # the template's zero-denominator rule decided this answer's value
    # Set when the worksheet loaded only another section's evidence (``worksheet(evidence_section=…)``): whether
    # this question has active evidence, known without loading its items.
    has_active_evidence: bool | None = None

    @property
    def zero_note(self) -> str:
        return zero_denominator_text(self.zero) if self.zero is not None else ""

    survey_check: Any = None  # zi.assessments.suggestions.SurveyCheck for the IPAK/IPKP items
    panels: list[str] = field(default_factory=list)  # HTML other apps show beside the question (assessments.panels)
    markers: list[Any] = field(default_factory=list)  # pre-submit items on the question (assessments.submission)

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def anchor(self) -> str:
        return "q-" + self.question.code.replace(".", "-")

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.value is not None

    @property
    def active_evidence(self) -> list[Evidence]:
        return [e for e in self.evidence if not e.is_withdrawn]

    @property
    def needs_evidence(self) -> bool:
        return bool(self.question.evidence_examples) or self.area.aspect != "hasil"

    @property
    def missing_evidence(self) -> bool:
        if self.has_active_evidence is not None:
            return self.answered and self.needs_evidence and not self.has_active_evidence
        return self.answered and self.needs_evidence and not self.active_evidence

    @property
    def section_key(self) -> str:
        return HASIL_SECTION if self.area.aspect == "hasil" else str(self.area.key)

    @property
    def matched_examples(self) -> list[tuple[str, bool]]:
        """Each example evidence with whether an active evidence item carries that title."""
        titles = {" ".join(e.title.split()).casefold() for e in self.active_evidence}
        return [
            (example, " ".join(example.split()).casefold() in titles) for example in self.question.evidence_examples
        ]

    @property
    def percent(self) -> float | None:
        if self.answer is None or self.answer.value is None:
            return None
        return round(self.answer.value * 100, 2)

    @property
    def input_values(self) -> list[tuple[Any, Any]]:
        """(input, current value) pairs for numeric questions, the value as typed back in the page's language
        ("1.000", "2,5"): what the person sees is what is stored, and saving it again reads the same number."""
        stored = (self.answer.inputs or {}) if self.answer is not None else {}
        pairs = []
        for item in self.question.inputs:
            value = stored.get(item.key) if isinstance(stored, dict) else None
            if (
                value is None
                and self.question.answer_type == "index_0_4"
                and self.answer
                and self.answer.value is not None
            ):
                value = round(self.answer.value * 4, 2)
            pairs.append((item, number_input_value(value)))
        return pairs


class _Questions:
    """What a section and the whole worksheet both say about their question rows (``question_rows()``)."""

    def question_rows(self) -> list[QuestionRow]:
        raise NotImplementedError

    @property
    def total(self) -> int:
        return len(self.question_rows())

    @property
    def accept(self) -> str:
        return ACCEPT_ATTR

    @property
    def unanswered(self) -> list[QuestionRow]:
        return [row for row in self.question_rows() if not row.answered]

    @property
    def missing_evidence(self) -> list[QuestionRow]:
        return [row for row in self.question_rows() if row.missing_evidence]


@dataclass
class Section(_Questions):
    key: str  # "1".."6" or "hasil"
    title: str
    weight: float
    groups: list[tuple[Area, list[QuestionRow]]]
    # Set when the worksheet was loaded for one section only: this section's answered count, counted without
    # loading its answers (``worksheet(section=…)``).
    answered_count: int | None = None

    @property
    def rows(self) -> list[QuestionRow]:
        return [row for _, rows in self.groups for row in rows]

    def question_rows(self) -> list[QuestionRow]:
        return self.rows

    @property
    def answered(self) -> int:
        if self.answered_count is not None:
            return self.answered_count
        return sum(1 for row in self.rows if row.answered)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass
class AreaScore:
    name: str
    weight: float
    score: float | None
    pemenuhan: float | None
    reform: float | None
    min_wbk: float
    min_wbbm: float

    @property
    def meets_wbk(self) -> bool:
        return self.score is not None and self.score + 1e-9 >= self.min_wbk

    @property
    def meets_wbbm(self) -> bool:
        return self.score is not None and self.score + 1e-9 >= self.min_wbbm


@dataclass
class Worksheet(_Questions):
    assessment: Assessment
    spec: Template
    sections: list[Section]
    rows: dict[str, QuestionRow]
    score: dict[str, Any]
    area_scores: list[AreaScore]
    can_answer: bool
    can_upload: bool
    can_submit: bool
    survey_checks: list[Any] = field(default_factory=list)  # the IPAK/IPKP items beside the unit's indices
    top_panels: list[str] = field(default_factory=list)  # HTML other apps show above the questions (assessments.panels)
    shown: str = ""  # the one section whose answers and evidence were loaded (empty: all of them); see worksheet()

    @property
    def survey_warnings(self) -> list[Any]:
        return [check for check in self.survey_checks if check.differs or check.survey_differs]

    def question_rows(self) -> list[QuestionRow]:
        return list(self.rows.values())

    @property
    def answered(self) -> int:
        return sum(section.answered for section in self.sections)

    @property
    def complete(self) -> bool:
        return not self.unanswered and not self.missing_evidence

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        return self.sections[0]

    def section_of(self, code: str) -> str:
        row = self.rows.get(code)
        return row.section_key if row is not None else self.sections[0].key

    @property
    def eligibility(self) -> list[dict[str, Any]]:
        raw = self.score.get("eligibility") or {}
        result = []
        for predicate in ("WBK", "WBBM"):
            item = raw.get(predicate)
            if isinstance(item, dict):
                result.append(
                    {
                        "predicate": predicate,
                        "eligible": bool(item.get("eligible")),
                        "reasons": [str(r) for r in item.get("reasons") or []],
                    }
                )
        return result


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _score_dict(assessment: Assessment, spec: Template, rows: dict[str, QuestionRow], stored: Any) -> dict[str, Any]:
    if stored is not None and isinstance(stored.breakdown, dict) and stored.breakdown:
        return expand_breakdown(spec, stored.breakdown)

    values = {code: (row.answer.value if row.answer else None) for code, row in rows.items()}
    return score(spec, values, assessment.current_predicate or None).to_dict()


def _area_scores(spec: Template, score: dict[str, Any]) -> list[AreaScore]:
    areas = score.get("areas") or {}
    wbk = spec.thresholds.get("WBK")
    wbbm = spec.thresholds.get("WBBM")
    result = []
    for index, name in enumerate(spec.area_names):
        weight = float(spec.area_weights[index])
        data = areas.get(name) or areas.get(str(index + 1)) or {}
        result.append(
            AreaScore(
                name=name,
                weight=weight,
                score=_float(data.get("score")),
                pemenuhan=_float(data.get("pemenuhan")),
                reform=_float(data.get("reform")),
                min_wbk=round(weight * wbk.per_area_min_fraction, 2) if wbk else 0.0,
                min_wbbm=round(weight * wbbm.per_area_min_fraction, 2) if wbbm else 0.0,
            )
        )
    return result


def worksheet(
    *,
    user: Actor,
    assessment: Assessment,
    lane: str = Lane.SELF,
    section: str | None = None,
    evidence_section: str | None = None,
) -> Worksheet:
    """Everything the worksheet page needs, in a fixed number of queries whatever the data volume:
    questions (1), answers (1), evidence (1) + revisions (1), stored score (1), the unit's survey indices (5).

    With ``section`` (a tab key; an unknown key means the first tab) only that section's answers and evidence are
    loaded; every section's answered count comes from one more query of answered question ids (the paged lane
    sheet), so the work does not grow with the questions of the other sections.

    With ``evidence_section`` (the unit's worksheet page: every answer is needed by the pre-submit check) every
    answer is loaded but only that tab's evidence items and revisions; the other questions learn whether they have
    active evidence from one query of question ids (``QuestionRow.has_active_evidence``), so the page costs the
    same whatever evidence the other tabs hold."""
    spec = template_spec(assessment.period.template)
    question_codes = dict(assessment.period.template.questions.values_list("id", "code"))
    rows: dict[str, QuestionRow] = {}
    sections: dict[str, Section] = {}
    for index, name in enumerate(spec.area_names, start=1):
        sections[str(index)] = Section(str(index), name, float(spec.area_weights[index - 1]), [])
    sections[HASIL_SECTION] = Section(HASIL_SECTION, "Hasil", float(sum(a.weight for a in spec.result)), [])
    for area in (*spec.lever, *spec.result):
        group: list[QuestionRow] = []
        for indicator in area.indicators:
            for question in indicator.questions:
                row = QuestionRow(question, area, indicator.code, indicator.name)
                rows[question.code] = row
                group.append(row)
        key = HASIL_SECTION if area.aspect == "hasil" else str(area.key)
        sections[key].groups.append((area, group))
    answers = Answer.objects.filter(assessment=assessment, lane=lane)
    evidence = Evidence.objects.filter(assessment=assessment)
    revision_qs = EvidenceRevision.objects.filter(evidence__assessment=assessment)
    shown = ""
    if section is not None:
        shown = section if section in sections else next(iter(sections))
        shown_ids = _question_ids(sections[shown], question_codes)
        _count_answered(assessment, lane, sections, rows, question_codes)
        answers = answers.filter(question_id__in=shown_ids)
        evidence = evidence.filter(question_id__in=shown_ids)
        revision_qs = revision_qs.filter(evidence__question_id__in=shown_ids)
    elif evidence_section is not None:
        shown = evidence_section if evidence_section in sections else next(iter(sections))
        shown_ids = _question_ids(sections[shown], question_codes)
        # each answer says whether its question has active evidence (an index probe per answer, no extra query)
        active = evidence.filter(question_id=OuterRef("question_id"), is_withdrawn=False)
        answers = answers.annotate(has_active_evidence=Exists(active))
        for row in rows.values():
            if row.section_key != shown:
                row.has_active_evidence = False  # unanswered: never missing evidence; answered: set below
        evidence = evidence.filter(question_id__in=shown_ids)
        revision_qs = revision_qs.filter(evidence__question_id__in=shown_ids)
    for answer in answers:
        code = question_codes.get(answer.question_id)
        if code in rows:
            rows[code].answer = answer
            if rows[code].has_active_evidence is not None:
                rows[code].has_active_evidence = answer.has_active_evidence  # type: ignore[attr-defined]  # annotated
            rows[code].zero = zero_denominator(rows[code].question, answer.inputs, spec.settings)
    # Evidence and all its revisions: two queries always (also with no evidence), grouped in Python.
    revisions: dict[int, list[EvidenceRevision]] = defaultdict(list)
    for revision in revision_qs.order_by("evidence_id", "number"):
        revisions[revision.evidence_id].append(revision)
    for item in evidence.order_by("created_at", "pk"):
        item.revision_list = revisions.get(item.pk, [])  # type: ignore[attr-defined]  # for the template
        item.revision_list_desc = item.revision_list[::-1]  # type: ignore[attr-defined]
        code = question_codes.get(item.question_id)
        if code in rows:
            rows[code].evidence.append(item)
    stored = LaneScore.objects.filter(assessment=assessment, lane=lane).first()
    if section is not None and (stored is None or not stored.breakdown):  # no stored score: from every value
        score = _score_from_values(assessment, spec, lane)
    else:
        score = _score_dict(assessment, spec, rows, stored)

    checks = survey_checks(assessment, lane, {code: row.answer for code, row in rows.items()})
    for check in checks:
        rows[check.code].survey_check = check
    sheet = _worksheet(assessment, spec, sections, rows, score, user, lane)
    sheet.survey_checks = checks
    sheet.shown = shown
    return sheet


def _question_ids(section: Section, question_codes: dict[int, str]) -> list[int]:
    """The database ids of a section's questions (``question_codes``: id → code of the period's template)."""
    code_ids = {code: pk for pk, code in question_codes.items()}
    return [code_ids[row.code] for row in section.rows if row.code in code_ids]


def section_key(spec: Template, code: str) -> str:
    """The worksheet tab of a question: its lever area's key ("1".."6"), or "hasil" for the result targets."""
    for area in spec.lever:
        if any(q.code == code for indicator in area.indicators for q in indicator.questions):
            return str(area.key)
    return HASIL_SECTION


def _count_answered(
    assessment: Assessment, lane: str, sections: dict[str, Section], rows: dict[str, QuestionRow], codes: dict[int, str]
) -> None:
    """Each section's answered count from the ids of the lane's answered questions (one query, no rows loaded)."""
    counts = dict.fromkeys(sections, 0)
    answered = Answer.objects.filter(assessment=assessment, lane=lane, value__isnull=False)
    for question_id in answered.values_list("question_id", flat=True):
        row = rows.get(codes.get(question_id, ""))
        if row is not None:
            counts[row.section_key] += 1
    for key, section in sections.items():
        section.answered_count = counts[key]


def _score_from_values(assessment: Assessment, spec: Template, lane: str) -> dict[str, Any]:
    codes = dict(Answer.objects.filter(assessment=assessment, lane=lane).values_list("question__code", "value"))
    values = {code: codes.get(code) for code in spec.questions}
    return score(spec, values, assessment.current_predicate or None).to_dict()


def _worksheet(
    assessment: Assessment,
    spec: Template,
    sections: dict[str, Any],
    rows: dict[str, Any],
    score: dict[str, Any],
    user: Actor,
    lane: str,
) -> Worksheet:
    return Worksheet(
        assessment=assessment,
        spec=spec,
        sections=list(sections.values()),
        rows=rows,
        score=score,
        area_scores=_area_scores(spec, score),
        can_answer=services.may_answer(user, assessment, lane),
        can_upload=lane == Lane.SELF and services.may_upload(user, assessment),
        can_submit=lane == Lane.SELF and services.may_submit(user, assessment),
    )
