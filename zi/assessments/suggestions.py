"""Values the platform already knows for LKE items, offered to the unit instead of re-typing them.

- Computed items A.II.1.i.a/b (change agents and their changes) and A.II.5.ii.a (complaints handled) are
  counted from the programme records (:func:`zi.programme.selectors.lke_inputs_for`).
- Result items B.I.a (IPAK) and B.II.a (IPKP) come from the unit's own survey campaigns
  (:func:`zi.surveys.services.survey_index_for`), with respondents and sample adequacy shown.

A suggestion is never applied silently: the worksheet shows it with its source and a button that saves it
as the answer (the usual validation and audit apply). An external value can always be typed instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zi.assessments.models import Assessment

SURVEY_ITEMS = {"B.I.a": ("ipak", "ipak"), "B.II.a": ("ipkp", "ipkp")}


@dataclass(frozen=True)
class Suggestion:
    inputs: dict[str, Any]
    source: str
    warning: str = ""

    @property
    def post_fields(self) -> list[tuple[str, Any]]:
        return [(f"in_{key}", value) for key, value in self.inputs.items()]


def suggestions_for(assessment: Assessment) -> dict[str, Suggestion]:
    """Question code → suggestion, for one assessment's unit and period (a few aggregate queries)."""
    from zi.programme.selectors import lke_inputs_for
    from zi.surveys.services import survey_index_for

    unit, period = assessment.unit, assessment.period
    found: dict[str, Suggestion] = {}
    for code, item in lke_inputs_for(unit, period).items():
        inputs = item.get("inputs") or {}
        if inputs and any(inputs.values()):
            found[code] = Suggestion(inputs=inputs, source=item.get("source", ""))
    for code, (kind, input_key) in SURVEY_ITEMS.items():
        index = survey_index_for(unit, period, kind)
        if index is None or index.value is None:
            continue
        warning = ""
        if not index.sample_ok:
            warning = _("Sampel belum cukup: %(respondents)s dari minimal %(required)s responden.") % {
                "respondents": index.respondents,
                "required": index.required,
            }
        found[code] = Suggestion(inputs={input_key: index.value}, source=index.source, warning=warning)
    return found
