"""Bulk rescoring: positional parts straight to the stored ``LaneScore`` fields and breakdown JSON text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from zi.lke import spec
from zi.lke.scoring.engine import STORED_VERSION, _evaluate, _layout, _rank
from zi.lke.scoring.plan import plan_for


def _json_str(text: str) -> str:
    return json.dumps(text)  # ensure_ascii like Django's JSONField, so the stored text is the same kind


class RowScorer:
    """Scores positional parts straight to the stored ``LaneScore`` fields, for bulk rescoring.

    ``scorer(lever, result, answered, current_predicate)`` returns ``(total, pengungkit, hasil, pemenuhan,
    reform)`` in hundredths, ``eligible_wbk``, ``eligible_wbbm`` and the breakdown as compact JSON text that
    parses to exactly ``score_parts(...).to_stored()`` (tested; reasons as codes): the same arithmetic
    (:func:`_evaluate`), but no :class:`ScoreResult` or dict is built and the JSON is one ``%`` format of a
    skeleton compiled per template.
    ``lever`` are exact aspect-area scores in 1/D in ``lever_codes`` order, ``result`` values in millionths
    (None = unanswered) in ``result_codes`` order."""

    def __init__(self, template: spec.Template) -> None:
        self.template = template
        self.plan = plan_for(template)
        self.layout = layout = _layout(self.plan)
        self.lever_codes = layout.lever_codes
        self.result_codes = layout.result_codes
        predicates = [predicate for predicate in layout.checks]
        self._wbk = predicates.index("WBK") if "WBK" in predicates else None
        self._wbbm = predicates.index("WBBM") if "WBBM" in predicates else None
        n_figures = 5 + 3 * len(layout.areas) + len(layout.lever_codes)
        reasons = ",".join(f'{_json_str(predicate)}:"%s"' for predicate in predicates)
        head = f'{{"v":{STORED_VERSION},"template":{_json_str(template.code)},"version":{_json_str(template.version)},'
        self._format = head.replace("%", "%%") + (
            '"figures":"' + ",".join(["%d"] * n_figures) + f',%s,%d,%s,%d,%s,%d,%d,%d","reasons":{{{reasons}}},'
            '"answered":%d}'
        )

    def __call__(
        self, lever: Sequence[int], result: Sequence[int | None], answered: int, current_predicate: str | None
    ) -> tuple[int, int, int, int, int, bool, bool, str]:
        ev = _evaluate(self.plan, self.layout, lever, result, _rank(current_predicate))
        values: list[Any] = [ev.total, ev.pengungkit, ev.hasil, ev.pemenuhan, ev.reform]
        for area in ev.areas:
            values += area
        values += ev.aspect_areas
        values += (
            "" if ev.ipak_index is None else ev.ipak_index,
            ev.ipak_score,
            "" if ev.kinerja_value is None else ev.kinerja_value,
            ev.kinerja_score,
            "" if ev.ipkp_index is None else ev.ipkp_index,
            ev.ipkp_score,
            ev.bersih_akuntabel,
            ev.pelayanan_prima,
        )
        for _predicate, _eligible, codes in ev.eligibility:
            values.append(" ".join(codes))  # codes hold only [a-z0-9:]: no JSON escaping needed
        values.append(answered)
        eligibility = ev.eligibility
        return (
            ev.total,
            ev.pengungkit,
            ev.hasil,
            ev.pemenuhan,
            ev.reform,
            False if self._wbk is None else eligibility[self._wbk][1],
            False if self._wbbm is None else eligibility[self._wbbm][1],
            self._format % tuple(values),
        )
