"""The per-template plan (common denominator, coefficients, result roles) and the exact parts a lane's values or
group sums reduce to."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from zi.lke import spec
from zi.lke.formulas import VALUE_SCALE, value_units

PREDICATE_RANK = {"WBK": 1, "WBBM": 2, "Menuju WBK": 1, "Menuju WBBM": 2}
EXCLUDED_GROUP = "-"


def _percent_str(fraction: float) -> str:
    pct = Fraction(str(fraction)) * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return f"{float(pct):g}%".replace(".", ",")


# --------------------------------------------------------------------------------------------------------------
# The per-template plan: common denominator, coefficients, result roles
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorPlan:
    code: str
    area_code: str
    weight: Fraction
    counted: tuple[str, ...]  # question codes that count towards the mean
    ignored: tuple[str, ...]  # questions collected but not counted (the LHKASN workbook quirk)


@dataclass(frozen=True)
class Plan:
    template: spec.Template
    scale: int  # L: every question weight × L, indicator weight × L / k (k ≤ n), result weight × L is an integer
    denominator: int  # D = L × VALUE_SCALE: scores are integer counts of 1/D
    indicators: tuple[IndicatorPlan, ...]
    ipak_code: str
    kinerja_code: str
    ipkp_code: str
    result_weights: dict[str, Fraction]
    # set-based aggregation: question code → (group key, integer coefficient)
    groups: dict[str, tuple[str, int]] = field(default_factory=dict)


def _counted(template: spec.Template, indicator: spec.Indicator) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if template.settings.lhkasn_counted:
        return tuple(q.code for q in indicator.questions), ()
    # Workbook quirk: the wealth-report indicator averages only the LHKPN rows (LHKASN computed, not counted).
    lhkasn = tuple(q.code for q in indicator.questions if any("lhkasn" in i.key.lower() for i in q.inputs))
    counted = tuple(q.code for q in indicator.questions if q.code not in lhkasn)
    return (counted, lhkasn) if counted else (tuple(q.code for q in indicator.questions), ())


_PLANS: dict[int, Plan] = {}


def plan_for(template: spec.Template) -> Plan:
    """The scoring plan of a template (cached per template object)."""
    cached = _PLANS.get(id(template))
    if cached is not None and cached.template is template:
        return cached
    indicators: list[IndicatorPlan] = []
    scale = 1
    for area in template.lever:
        for indicator in area.indicators:
            counted, ignored = _counted(template, indicator)
            indicators.append(IndicatorPlan(indicator.code, area.code, indicator.weight, counted, ignored))
            for k in range(1, len(counted) + 1):
                scale = math.lcm(scale, (indicator.weight / k).denominator)
    if len(template.result) < 2:
        raise spec.TemplateError("template needs two result targets (bersih & akuntabel, pelayanan prima)")
    bersih, pelayanan = template.result[0], template.result[1]
    ipak = next(i for i in bersih.indicators if i.questions[0].answer_type == "index_0_4")
    kinerja = next(i for i in bersih.indicators if i is not ipak)
    ipkp = next(i for i in pelayanan.indicators if i.questions[0].answer_type == "index_0_4")
    result_weights = {i.code: i.weight for area in template.result for i in area.indicators}
    for weight in result_weights.values():
        scale = math.lcm(scale, weight.denominator)
    groups: dict[str, tuple[str, int]] = {}
    if template.settings.missing_answer == "zero":
        for ind in indicators:
            n = len(ind.counted)
            for code in ind.counted:
                coef = ind.weight * scale / n
                groups[code] = (ind.area_code, int(coef))
            for code in ind.ignored:
                groups[code] = (EXCLUDED_GROUP, 0)
    else:
        for ind in indicators:
            for code in ind.counted:
                groups[code] = (ind.code, 1)
            for code in ind.ignored:
                groups[code] = (EXCLUDED_GROUP, 0)
    for code in result_weights:
        groups[code] = (code, 1)
    plan = Plan(
        template=template,
        scale=scale,
        denominator=scale * VALUE_SCALE,
        indicators=tuple(indicators),
        ipak_code=ipak.code,
        kinerja_code=kinerja.code,
        ipkp_code=ipkp.code,
        result_weights=result_weights,
        groups=groups,
    )
    _PLANS[id(template)] = plan
    return plan


# --------------------------------------------------------------------------------------------------------------
# Parts: the exact sums everything else is derived from
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """Exact aspect-area scores (integer counts of 1/D), result values in millionths (None = unanswered)."""

    lever: dict[str, int]
    result: dict[str, int | None]
    answered: int


def _units(value: float) -> int:
    if value is None or isinstance(value, bool) or not (0 <= value <= 1):
        raise ValueError(f"value must be within 0..1, got {value!r}")
    return value_units(value)


def parts_from_values(template: spec.Template, values: Mapping[str, float | None]) -> Parts:
    """Per-indicator definition: indicator score = weight × mean(values)."""
    plan = plan_for(template)
    excluded = template.settings.missing_answer == "excluded"
    lever = {area.code: Fraction(0) for area in template.lever}
    for ind in plan.indicators:
        answered = [Fraction(_units(v), VALUE_SCALE) for c in ind.counted if (v := values.get(c)) is not None]
        if excluded:
            mean = sum(answered, Fraction(0)) / len(answered) if answered else Fraction(0)
        else:
            mean = sum(answered, Fraction(0)) / len(ind.counted)
        lever[ind.area_code] += ind.weight * mean
    lever_int = {}
    for code, exact in lever.items():
        scaled = exact * plan.denominator
        assert scaled.denominator == 1, "common denominator does not cover this template"
        lever_int[code] = scaled.numerator
    result = {code: (_units(v) if (v := values.get(code)) is not None else None) for code in plan.result_weights}
    answered_count = sum(1 for code in template.questions if values.get(code) is not None)
    return Parts(lever_int, result, answered_count)


def parts_from_groups(template: spec.Template, groups: Mapping[str, tuple[int, int]]) -> Parts:
    """Build parts from set-based sums: ``groups[key] = (Σ coefficient × value-in-millionths, count answered)``
    with keys and coefficients from ``plan_for(template).groups``."""
    plan = plan_for(template)
    lever = {area.code: 0 for area in template.lever}
    if template.settings.missing_answer == "zero":
        for code in lever:
            lever[code] = int(groups.get(code, (0, 0))[0] or 0)
    else:
        for ind in plan.indicators:
            total, count = groups.get(ind.code, (0, 0))
            if count:
                scaled = ind.weight * plan.scale * int(total) / int(count)
                lever[ind.area_code] += scaled.numerator  # exact: the scale covers weight / count
    result: dict[str, int | None] = {}
    for code in plan.result_weights:
        total, count = groups.get(code, (0, 0))
        result[code] = int(total) if count else None
    answered = sum(int(count) for _, count in groups.values())
    return Parts(lever, result, answered)
