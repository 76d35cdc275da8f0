"""Values the platform already knows for LKE items, offered to the unit instead of re-typing them.

- Computed items A.II.1.i.a/b (change agents and their changes) and A.II.5.ii.a (complaints handled) are
  counted from the programme records (:func:`zi.programme.selectors.lke_inputs_for`, through
  :func:`zi.assessments.known_values.record_inputs`).
- Result items B.I.a (IPAK) and B.II.a (IPKP) come from :func:`zi.surveys.unit_indices.survey_indices_for` (through
  :func:`zi.assessments.known_values.survey_indices`): an
  external value recorded by an evaluator (with its source) first, else the unit's own survey campaigns, with
  respondents and sample adequacy shown.

A suggestion is never applied silently: the worksheet shows it with its source and a button that saves it
as the answer (the usual validation and audit apply). For IPAK/IPKP the survey value is the default: a typed value
that differs from it needs a stated source (:func:`checked_survey_source`), and every lane, the worksheet, the
eligibility explanation and the exports show both values with a warning (:func:`survey_checks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zi.assessments.known_values import record_inputs, survey_index, survey_indices
from zi.assessments.models import Answer, Assessment
from zi.lke.services import labelled_inputs, template_spec

SURVEY_ITEMS = {"B.I.a": ("ipak", "ipak"), "B.II.a": ("ipkp", "ipkp")}
SURVEY_KINDS = ("ipak", "ipkp")


def survey_kind(question: Any) -> str | None:
    """``ipak``/``ipkp`` for the LKE item that takes that survey index (B.I.a / B.II.a in 90/2021), else None."""
    if question.code in SURVEY_ITEMS:
        return SURVEY_ITEMS[question.code][0]
    if question.answer_type == "index_0_4" and len(question.inputs) == 1 and question.inputs[0].key in SURVEY_KINDS:
        return question.inputs[0].key
    return None


def _num(value: float | None) -> str:
    return "–" if value is None else number_format(value, decimal_pos=2)


@dataclass(frozen=True)
class SurveyCheck:
    """An LKE survey item of one lane beside the unit's index (external value first, else its own survey)."""

    code: str
    kind: str
    lke_value: float | None  # what the lane holds (None = not answered)
    answer_source: str  # the source stated with a differing typed value
    index: Any  # zi.surveys.unit_indices.SurveyIndex | None

    @property
    def label(self) -> str:
        return self.kind.upper()

    @property
    def index_value(self) -> float | None:
        return self.index.value if self.index is not None else None

    @property
    def differs(self) -> bool:
        """The lane holds a value and the unit has an index that is not the same (to 2 decimals)."""
        if self.lke_value is None or self.index_value is None:
            return False
        return round(float(self.lke_value), 2) != round(float(self.index_value), 2)

    @property
    def survey_differs(self) -> bool:
        """An external value wins and the unit's own survey says something else."""
        return self.index is not None and self.index.differs_from_survey

    @property
    def warning(self) -> str:
        if not self.differs:
            return ""
        return _(
            "%(label)s di LKE %(lke)s berbeda dari %(index)s (%(source)s). Sumber nilai LKE: %(answer_source)s"
        ) % {
            "label": self.label,
            "lke": _num(self.lke_value),
            "index": _num(self.index_value),
            "source": self.index.source,
            "answer_source": self.answer_source or _("tidak disebutkan"),
        }

    @property
    def text(self) -> str:
        """One line for exports and PDFs: both values, and the warning when they differ."""
        if self.index is None or self.index_value is None:
            return ""
        line = _("%(label)s LKE %(lke)s · %(source_value)s %(index)s (%(source)s)") % {
            "label": self.label,
            "lke": _num(self.lke_value),
            "source_value": _("nilai survei") if not self.index.is_external else _("nilai eksternal"),
            "index": _num(self.index_value),
            "source": self.index.source,
        }
        if self.survey_differs:
            line += " · " + _("survei unit sendiri %(value)s") % {"value": _num(self.index.survey_value)}
        if self.differs:
            line += " · " + _("BERBEDA; sumber nilai LKE: %(source)s") % {
                "source": self.answer_source or _("tidak disebutkan")
            }
        return line


def survey_checks(assessment: Assessment, lane: str, answers: Mapping[str, Answer | None] | None = None) -> list:
    """The survey items of one lane beside the unit's indices (one call of the index function, plus the answers
    when not given). Only items where the unit has an index or the lane holds a value are listed."""
    spec = template_spec(assessment.period.template)
    items = [(code, kind) for code, q in spec.questions.items() if (kind := survey_kind(q))]
    if not items:
        return []
    if answers is None:
        answers = {
            a.question.code: a
            for a in Answer.objects.filter(
                assessment=assessment, lane=lane, question__code__in=[c for c, _k in items]
            ).select_related("question")
        }
    found = survey_indices(assessment.unit_id, assessment.period)
    checks = []
    for code, kind in items:
        answer = answers.get(code)
        value = (answer.inputs or {}).get(kind) if answer is not None and answer.value is not None else None
        index = found.get(kind)
        if index is None and value is None:
            continue
        checks.append(
            SurveyCheck(
                code=code,
                kind=kind,
                lke_value=float(value) if value is not None else None,
                answer_source=answer.source if answer is not None else "",
                index=index,
            )
        )
    return checks


def survey_check_lines(assessment: Assessment, lane: str) -> list[str]:
    """Plain-text lines for exports and PDFs: each IPAK/IPKP item of the lane with the unit's index."""
    return [f"{check.code}: {check.text}" for check in survey_checks(assessment, lane) if check.text]


def checked_survey_source(assessment: Assessment, question: Any, inputs: dict | None, source: str) -> str:
    """The source to store with a survey-index answer; refuses a value that differs from the unit's index
    (external value first, else its own survey) when no source is stated. Empty for every other answer and for
    a value equal to the index (it then comes from the survey); kept as stated when the unit has no index."""
    kind = survey_kind(question)
    value = (inputs or {}).get(kind) if kind else None
    if not kind or value is None:
        return ""
    index = survey_index(assessment.unit_id, assessment.period, kind)
    source = " ".join((source or "").split())[:255]
    if index is None or index.value is None:
        return source  # no survey and no external value: the typed value stands, with its source when stated
    if round(float(value), 2) == round(index.value, 2):
        return ""
    if len(source) < 3:
        label = question.inputs[0].label if question.inputs else kind.upper()
        raise ValidationError(
            _(
                '%(label)s %(value)s berbeda dari nilai %(label)s unit %(index)s (%(source)s). Isi "Sumber nilai" '
                "(mis. BPS, laporan no. …) atau pakai nilai survei."
            )
            % {"label": label, "value": _num(float(value)), "index": _num(index.value), "source": index.source},
            code="survey_source_required",
        )
    return source


@dataclass(frozen=True)
class Suggestion:
    inputs: dict[str, Any]
    source: str
    warning: str = ""
    labelled: tuple[tuple[str, Any], ...] = ()  # (input label, value), what the worksheet shows

    @property
    def post_fields(self) -> list[tuple[str, Any]]:
        return [(f"in_{key}", value) for key, value in self.inputs.items()]


def suggestions_for(assessment: Assessment, checks: list[SurveyCheck] | None = None) -> dict[str, Suggestion]:
    """Question code → suggestion, for one assessment's unit and period (a few aggregate queries). ``checks``
    (the worksheet's :func:`survey_checks`) saves computing the unit's survey indices a second time."""
    unit, period = assessment.unit, assessment.period
    found: dict[str, Suggestion] = {}

    def labelled(code: str, inputs: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
        return tuple(labelled_inputs(period.template, code, inputs))

    for code, item in record_inputs(unit, period).items():
        inputs = item.get("inputs") or {}
        if inputs and any(inputs.values()):
            found[code] = Suggestion(inputs=inputs, source=item.get("source", ""), labelled=labelled(code, inputs))
    if checks is not None:
        known = {check.kind: check.index for check in checks}
    else:
        indices = survey_indices(unit, period)
        known = {kind: indices.get(kind) for kind in SURVEY_KINDS}
    for code, (kind, input_key) in SURVEY_ITEMS.items():
        index = known.get(kind)
        if index is None or index.value is None:
            continue
        warnings = []
        if not index.sample_ok:
            warnings.append(
                _("Sampel belum cukup: %(respondents)s dari minimal %(required)s responden.")
                % {"respondents": index.respondents, "required": index.required}
            )
        if index.differs_from_survey:
            warnings.append(
                _("Survei unit sendiri memberi %(value)s (%(source)s).")
                % {"value": _num(index.survey_value), "source": index.survey_source}
            )
        warning = " ".join(warnings)
        inputs = {input_key: index.value}
        found[code] = Suggestion(inputs=inputs, source=index.source, warning=warning, labelled=labelled(code, inputs))
    return found
