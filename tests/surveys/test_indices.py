"""Index arithmetic: IKM per 14/2017, IPAK/IPKP on 0–4, Krejcie–Morgan, confidence intervals."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from zi.surveys import indices


def _rows(per_element_sums: dict[str, tuple[int, int]]):
    """29 respondents: element with (fours, threes)."""
    rows = [{} for _ in range(29)]
    for code, (fours, threes) in per_element_sums.items():
        values = [4] * fours + [3] * threes
        for row, value in zip(rows, values, strict=True):
            row[code] = value
    return rows


SIKM_EXAMPLE = _rows({**{f"U{i}": (19, 10) for i in range(1, 9)}, "U9": (20, 9)})


def test_ikm_hand_computation_and_the_weight_pitfall():
    """29 respondents, all nine elements answered.

    U1..U8: 19 × 4 + 10 × 3 = 106 → NRR = 106/29 = 3.655172…; U9: 20 × 4 + 9 × 3 = 107 → NRR = 3.689655…
    Σ NRR = (8 × 106 + 107)/29 = 955/29 = 32.931034…
    IKM unit = Σ NRR × 1/9 = 955/261 = 3.659004 → IKM = × 25 = 91.4751 → 91.48 (A, ≥ 88.31).
    With the rounded weight 0,11: 32.931034 × 0.11 × 25 = 90.5603 → 90.56 — the same 91,48 vs 90,56 gap S-IKM
    shows. With 0,111: 32.931034 × 0.111 × 25 = 91.3836 → 91.38.
    """
    result = indices.ikm_from_rows(SIKM_EXAMPLE)
    assert result.ikm == Decimal("91.48")
    assert result.grade == "A" and result.performance == "Sangat baik"
    assert result.nrr["U1"] == Decimal("3.655") and result.nrr["U9"] == Decimal("3.690")
    assert result.ikm_unit == Decimal("3.6590")
    assert result.respondents == 29
    assert indices.ikm_from_rows(SIKM_EXAMPLE, weight=Fraction(11, 100)).ikm == Decimal("90.56")
    assert indices.ikm_from_rows(SIKM_EXAMPLE, weight=Fraction(111, 1000)).ikm == Decimal("91.38")


def test_blanks_are_ignored_per_element():
    rows = [
        {"U1": 4, "U2": 4, "U3": 4, "U4": None, "U5": 4, "U6": 4, "U7": 4, "U8": 4, "U9": 4},
        {"U1": 2, "U2": 2, "U3": 2, "U4": 2, "U5": 2, "U6": 2, "U7": 2, "U8": 2, "U9": 2},
    ]
    result = indices.ikm_from_rows(rows)
    # U4 NRR = 2/1 = 2; others (4+2)/2 = 3 → IKM unit = (8×3 + 2)/9 = 26/9 = 2.8889 → 72.22 (C)
    assert result.nrr["U4"] == Decimal("2.000")
    assert result.respondents_per_element["U4"] == 1
    assert result.ikm == Decimal("72.22") and result.grade == "C"


def test_element_nobody_answered_leaves_ikm_undefined():
    result = indices.ikm_from_rows([{"U1": 4}])
    assert result.ikm is None and "U9" in result.missing_elements


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_boundaries_half_open(value, grade):
    assert indices.ikm_grade(Decimal(value))[0] == grade


def test_grade_uses_value_rounded_half_up():
    # 88.305 exactly (IKM unit 3.5322) rounds up to 88.31 → A; round-half-even would give 88.30 → B.
    assert indices.round_half_up(Fraction(88305, 1000), 2) == Decimal("88.31")
    assert indices.round_half_up(Fraction(76605, 1000), 2) == Decimal("76.61")


@pytest.mark.parametrize(
    ("population", "sample"),
    [(100, 80), (1000, 278), (10000, 370), (1000000, 384), (10, 10), (50, 44), (500, 217), (5000, 357)],
)
def test_krejcie_morgan_formula_reproduces_the_table(population, sample):
    assert indices.krejcie_morgan(population) == sample


def test_required_sample():
    assert indices.required_sample("ipak", None) == 30
    assert indices.required_sample("ipkp", 12) == 12  # fewer users than 30: all of them
    assert indices.required_sample("skm", 1000) == 278
    assert indices.required_sample("skm", 20) == 20
    assert indices.required_sample("skm", None) == 30


def test_t_quantile():
    assert indices.t_quantile_975(1) == 12.706
    assert indices.t_quantile_975(29) == 2.045
    assert abs(indices.t_quantile_975(40) - 2.0211) < 2e-4
    assert abs(indices.t_quantile_975(120) - 1.9799) < 2e-4
    assert abs(indices.t_quantile_975(100000) - 1.95998) < 1e-4


def _moments(values):
    return indices.MomentStats(len(values), float(sum(values)), float(sum(v * v for v in values)))


def test_perception_index_with_ci_and_sample():
    # 30 respondents answering two items: means 4 (×15) and 3 (×15) → index 3.5; sd of respondent means
    # = sqrt(Σ(x−3.5)²/29) = sqrt(30×0.25/29) = 0.50855; half-width = 2.045 × 0.50855/√30 = 0.18988.
    resp = [4.0] * 15 + [3.0] * 15
    result = indices.perception_index("ipak", {"AK1": (30, 105), "AK2": (30, 105)}, _moments(resp))
    assert result.value == Decimal("3.50")
    assert result.ci_low == Decimal("3.31") and result.ci_high == Decimal("3.69")
    assert result.respondents == 30 and result.required == 30 and result.sample_ok
    half = 2.045 * math.sqrt(30 * 0.25 / 29) / math.sqrt(30)
    assert abs(float(result.ci_high) - (3.5 + half)) < 0.005


def test_perception_index_linear_mapping_and_small_sample():
    result = indices.perception_index("ipkp", {"KP1": (2, 8)}, _moments([4.0, 4.0]), mapping="linear")
    assert result.value == Decimal("4.00") and not result.sample_ok
    result = indices.perception_index("ipkp", {"KP1": (2, 2)}, _moments([1.0, 1.0]), mapping="linear")
    assert result.value == Decimal("0.00")
    result = indices.perception_index("ipkp", {"KP1": (2, 5)}, _moments([2.0, 3.0]), mapping="as_is")
    assert result.value == Decimal("2.50")


def test_perception_index_empty():
    result = indices.perception_index("ipak", {"AK1": (0, 0)}, indices.MomentStats())
    assert result.value is None and result.respondents == 0 and not result.sample_ok
