"""The LKE scoring and predicate-eligibility engine (pure Python, no Django).

Arithmetic (PermenPAN-RB 90/2021, docs/lke.md):

- question weight = indicator weight ÷ number of questions; indicator score = indicator weight × mean(values);
  a missing answer counts 0 (``settings.missing_answer == "zero"``) or is left out of the mean
  (``"excluded"``, like the official workbook's AVERAGE that ignores "Blm Diisi"; no answers → 0);
- aspect-area score = Σ indicator scores; area = Pemenuhan + Reform; pengungkit = Σ areas (max 60);
- hasil = 17.5 × IPAK/4 + 5 × capaian-kinerja value + 17.5 × IPKP/4 (max 40); total = pengungkit + hasil.

Everything is exact: values are taken in millionths (they are stored quantised to 6 decimals, see
:mod:`zi.lke.formulas`) and every score is an integer count of ``1/D`` where ``D`` is a common denominator
of all weights, question counts and the value scale. Figures are rounded half up to 2 decimals only for
display and for the threshold checks (``settings.threshold_precision``).

The engine has two entry points that end in the same function (:func:`score_parts`):

- :func:`score` takes one lane's values per question code (the regulation's definition, per indicator);
- :func:`parts_from_groups` takes per-group integer sums (``Σ coefficient × value``, the coefficients of
  :func:`plan_for`) — both give identical numbers (tested).

:func:`score_parts` and :class:`RowScorer` (bulk rescoring: the stored fields and the breakdown as JSON text,
no :class:`ScoreResult` built) share the integer arithmetic and eligibility checks of :func:`_evaluate`.

Modules: :mod:`.plan` (plan and parts), :mod:`.engine` (layout, evaluation, :func:`score_parts`, :func:`score`),
:mod:`.breakdown` (the stored breakdown expanded, reason codes as sentences), :mod:`.rows` (:class:`RowScorer`) and
:mod:`.documents` (:func:`score_document`). The package re-exports every public name."""

from zi.lke.formulas import AnswerError, normalize_answer
from zi.lke.scoring.breakdown import (
    ThresholdCheck,
    eligibility_checks,
    expand_breakdown,
    reason_text,
    stored_area_scores,
)
from zi.lke.scoring.documents import score_document
from zi.lke.scoring.engine import STORED_VERSION, Eligibility, ScoreResult, score, score_parts
from zi.lke.scoring.plan import (
    EXCLUDED_GROUP,
    PREDICATE_RANK,
    IndicatorPlan,
    Parts,
    Plan,
    parts_from_groups,
    parts_from_values,
    plan_for,
)
from zi.lke.scoring.rows import RowScorer

__all__ = [
    "AnswerError",
    "EXCLUDED_GROUP",
    "Eligibility",
    "IndicatorPlan",
    "PREDICATE_RANK",
    "Parts",
    "Plan",
    "RowScorer",
    "STORED_VERSION",
    "ScoreResult",
    "ThresholdCheck",
    "eligibility_checks",
    "expand_breakdown",
    "normalize_answer",
    "parts_from_groups",
    "parts_from_values",
    "plan_for",
    "reason_text",
    "score",
    "score_document",
    "score_parts",
    "stored_area_scores",
]
