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


# --- what the mutation run (docs/testing.md "Mutation testing") found unasserted ------------------------------


def test_round_half_up_reads_a_float_as_written_and_keeps_the_places():
    assert str(indices.round_half_up(2.675, 2)) == "2.68"  # Decimal(2.675) is 2.67499…, which would give 2.67
    assert str(indices.round_half_up(Decimal("88.305"), 2)) == "88.31"
    assert str(indices.round_half_up(3, 2)) == "3.00"
    assert str(indices.round_half_up(Fraction(10, 3), 3)) == "3.333"


def test_grade_and_label_below_the_scale():
    """A value under the 25–100 scale (only reachable with a non-standard weight) is still graded D."""
    assert indices.ikm_grade(Decimal("88.31")) == ("A", "Sangat baik")
    assert indices.ikm_grade(Decimal("24.99")) == ("D", "Tidak baik")


def test_ikm_and_ikm_unit_keep_their_decimals():
    result = indices.ikm_from_rows(SIKM_EXAMPLE)
    assert (str(result.ikm), str(result.ikm_unit), str(result.nrr["U9"])) == ("91.48", "3.6590", "3.690")


def test_ikm_undefined_result_is_whole():
    """No IKM: no grade, no label, the element counts still shown (0 for an element nobody answered)."""
    result = indices.ikm_from_rows([{"U1": 4, "U2": 3}])
    assert result == indices.IkmResult(
        ikm=None,
        ikm_unit=None,
        grade="",
        performance="",
        nrr={"U1": Decimal("4.000"), "U2": Decimal("3.000"), **{f"U{i}": None for i in range(3, 10)}},
        respondents=1,
        respondents_per_element={"U1": 1, "U2": 1, **{f"U{i}": 0 for i in range(3, 10)}},
        missing_elements=tuple(f"U{i}" for i in range(3, 10)),
    )


def test_ikm_needs_a_respondent():
    """Stats for every element but no respondent leave the IKM undefined; one respondent is enough."""
    stats = {code: indices.ElementStat(code, 1, 4) for code in indices.SKM_ELEMENTS}
    empty = indices.ikm_from_stats(stats, 0)
    assert (empty.ikm, empty.grade, empty.performance, empty.missing_elements) == (None, "", "", ())
    one = indices.ikm_from_stats(stats, 1)
    assert (one.ikm, one.grade, one.respondents) == (Decimal("100.00"), "A", 1)


def test_a_row_without_answers_is_not_a_respondent():
    rows = [{f"U{i}": 4 for i in range(1, 10)}, {f"U{i}": None for i in range(1, 10)}, {"Nama": "x"}]
    assert indices.ikm_from_rows(rows).respondents == 1


def test_ikm_as_json():
    assert indices.ikm_from_rows(SIKM_EXAMPLE).as_json() == {
        "ikm": 91.48,
        "ikm_unit": 3.659,
        "grade": "A",
        "performance": "Sangat baik",
        "nrr": {**{f"U{i}": 3.655 for i in range(1, 9)}, "U9": 3.69},
        "respondents": 29,
        "respondents_per_element": {f"U{i}": 29 for i in range(1, 10)},
        "weight": "1/9",
        "missing_elements": [],
    }
    undefined = indices.ikm_from_rows([{"U1": 4}]).as_json()
    assert (undefined["ikm"], undefined["ikm_unit"], undefined["nrr"]["U1"], undefined["nrr"]["U2"]) == (
        None,
        None,
        4.0,
        None,
    )
    assert undefined["missing_elements"] == [f"U{i}" for i in range(2, 10)]


def test_krejcie_morgan_at_the_smallest_populations():
    assert [indices.krejcie_morgan(n) for n in (-3, 0, 1, 2)] == [0, 0, 1, 2]


def test_ipak_and_ipkp_need_thirty_whatever_the_population():
    """Not the Krejcie–Morgan value the SKM needs (278 of 1 000)."""
    assert indices.required_sample("ipak", 1000) == 30
    assert indices.required_sample("ipkp", 1000) == 30


def test_t_quantile_edges_and_the_expansion():
    """The table up to 30 degrees of freedom; above, the Cornish–Fisher expansion to 1/df³ (Abramowitz & Stegun
    26.7.5, terms written out here), within 2e-5 of the exact quantile."""
    assert indices.t_quantile_975(30) == 2.042
    with pytest.raises(ValueError, match="^df must be ≥ 1$"):
        indices.t_quantile_975(0)
    x = 1.959963984540054
    g = [(x**3 + x) / 4, (5 * x**5 + 16 * x**3 + 3 * x) / 96, (3 * x**7 + 19 * x**5 + 17 * x**3 - 15 * x) / 384]
    for df, exact in ((31, 2.039513), (60, 2.000298), (120, 1.979930)):
        expansion = x + g[0] / df + g[1] / df**2 + g[2] / df**3
        assert indices.t_quantile_975(df) == pytest.approx(expansion, abs=1e-12)
        assert abs(expansion - exact) < 2e-5


def test_moment_stats_add_up():
    total = indices.MomentStats(2, 7.0, 25.0) + indices.MomentStats(3, 6.0, 14.0)
    assert total == indices.MomentStats(5, 13.0, 39.0)


def test_unknown_mapping_is_refused_by_name():
    with pytest.raises(ValueError, match="^unknown mapping 'log'$"):
        indices.map_to_0_4(3.0, "log")


def _ci(result):
    return tuple(str(v) for v in (result.value, result.ci_low, result.ci_high))


def test_linear_mapping_widens_the_interval_by_four_thirds():
    """Same answers as above on the linear scale: index (3.5 − 1) × 4/3 = 3.3333, half-width 0.18988 × 4/3 = 0.25317."""
    resp = [4.0] * 15 + [3.0] * 15
    result = indices.perception_index("ipak", {"AK1": (30, 105)}, _moments(resp), mapping="linear")
    assert _ci(result) == ("3.33", "3.08", "3.59")


def test_small_samples_use_the_t_value_of_n_minus_1_and_the_interval_stays_on_the_scale():
    # 3 respondents, sd 0.1: half-width = t(2) 4.303 × 0.1/√3 = 0.24843
    assert _ci(indices.perception_index("ipak", {"X": (3, 9)}, _moments([2.9, 3.0, 3.1]))) == ("3.00", "2.75", "3.25")
    # near the top: 3.9 ± 0.24843 is clipped at 4
    top = indices.perception_index("ipak", {"X": (10, 39)}, _moments([3.8, 3.9, 4.0]))
    assert _ci(top) == ("3.90", "3.65", "4.00")
    # linear, near the bottom: (1.5 − 1) × 4/3 = 0.6667 ± 0.33124 → 0.34 … 1.00 (the floor is 0, not 1)
    low = indices.perception_index("ipak", {"X": (10, 15)}, _moments([1.4, 1.5, 1.6]), mapping="linear")
    assert _ci(low) == ("0.67", "0.34", "1.00")


def test_one_respondent_gives_a_value_without_an_interval():
    result = indices.perception_index("ipkp", {"KP1": (1, 3)}, _moments([3.0]))
    assert (result.value, result.ci_low, result.ci_high, result.respondents) == (Decimal("3.00"), None, None, 1)


def test_no_index_without_answers_or_without_respondents():
    no_respondents = indices.perception_index("ipkp", {"KP1": (2, 6)}, indices.MomentStats(), population=12)
    assert no_respondents == indices.IndexResult(
        "ipkp", None, None, None, 0, 12, False, "as_is", {"KP1": Decimal("3.000")}
    )
    no_answers = indices.perception_index("ipak", {"AK1": (0, 0)}, _moments([3.0, 4.0]), mapping="linear")
    assert no_answers == indices.IndexResult("ipak", None, None, None, 2, 30, False, "linear", {"AK1": None})


def test_perception_index_result_whole_and_as_json():
    resp = [4.0] * 15 + [3.0] * 15
    result = indices.perception_index("ipak", {"AK1": (30, 105), "AK2": (3, 10), "AK3": (0, 0)}, _moments(resp))
    assert result == indices.IndexResult(
        kind="ipak",
        value=Decimal("3.42"),
        ci_low=Decimal("3.23"),
        ci_high=Decimal("3.61"),
        respondents=30,
        required=30,
        sample_ok=True,
        mapping="as_is",
        item_means={"AK1": Decimal("3.500"), "AK2": Decimal("3.333"), "AK3": None},
    )
    assert str(result.item_means["AK2"]) == "3.333"
    # the kind decides the sample: 30 for IPAK even where the SKM would need 278 of 1 000
    assert indices.perception_index("ipak", {"AK1": (30, 105)}, _moments(resp), population=1000).required == 30
    assert result.as_json() == {
        "kind": "ipak",
        "value": 3.42,
        "ci95": [3.23, 3.61],
        "respondents": 30,
        "required": 30,
        "sample_ok": True,
        "mapping": "as_is",
        "item_means": {"AK1": 3.5, "AK2": 3.333, "AK3": None},
    }
    empty = indices.perception_index("ipkp", {"KP1": (0, 0)}, indices.MomentStats()).as_json()
    assert (empty["value"], empty["ci95"], empty["item_means"]) == (None, [None, None], {"KP1": None})
