"""Survey index arithmetic: IKM per PermenPAN-RB 14/2017, IPAK/IPKP on 0–4, sample sizes, confidence intervals.

Pure Python (no Django). Everything works on *sufficient statistics* — per element ``count`` and ``sum``, per
respondent ``count``, ``sum`` and ``sum of squares`` of respondent means — so the same functions serve a CSV of
raw answers and the rollup tables (which never need to scan raw rows).

IKM (see ``docs/surveys.md``):

- NRR per element = Σ answers ÷ respondents who answered that element (blanks ignored);
- weight per element = exactly 1/9 (not 0,11 / 0,111);
- IKM unit = Σ (NRR × 1/9) on 1–4; IKM = IKM unit × 25, rounded half-up to 2 decimals (25–100);
- grade on the rounded 25–100 value with half-open intervals: A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; else D.

Exact rational arithmetic (:class:`fractions.Fraction`) is used until the single final rounding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, gettext_noop

SKM_ELEMENTS: tuple[str, ...] = tuple(f"U{i}" for i in range(1, 10))
SKM_ELEMENT_NAMES: dict[str, Promise] = {
    "U1": gettext_lazy("Persyaratan"),
    "U2": gettext_lazy("Sistem, mekanisme, dan prosedur"),
    "U3": gettext_lazy("Waktu penyelesaian"),
    "U4": gettext_lazy("Biaya/tarif"),
    "U5": gettext_lazy("Produk spesifikasi jenis pelayanan"),
    "U6": gettext_lazy("Kompetensi pelaksana"),
    "U7": gettext_lazy("Perilaku pelaksana"),
    "U8": gettext_lazy("Penanganan pengaduan, saran dan masukan"),
    "U9": gettext_lazy("Sarana dan prasarana"),
}

# Grade boundaries on the converted 25–100 value (lower bound inclusive, half-open intervals).
IKM_GRADES: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", gettext_noop("Sangat baik")),
    (Decimal("76.61"), "B", gettext_noop("Baik")),
    (Decimal("65.00"), "C", gettext_noop("Kurang baik")),
    (Decimal("25.00"), "D", gettext_noop("Tidak baik")),
)

MAPPING_AS_IS = "as_is"
MAPPING_LINEAR = "linear"
MAPPINGS = (MAPPING_AS_IS, MAPPING_LINEAR)

ZI_MINIMUM_RESPONDENTS = 30
CHI_SQUARE_1DF_95 = 3.841


def round_half_up(value: Fraction | Decimal | float | int, places: int) -> Decimal:
    """Round like the regulation's tables (0,005 goes up), from an exact value; ``places`` is always written out at
    the call (no default: each figure's precision is part of its rule). A float is read as written (2.675 → 2.68),
    not as its binary expansion (2.67499…)."""
    if isinstance(value, Fraction):
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        quotient = Decimal(str(value))
    return quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ikm_grade(ikm: Decimal) -> tuple[str, str]:
    """(grade, kinerja) for a converted IKM already rounded to 2 decimals."""
    for lower, grade, label in IKM_GRADES:
        if ikm >= lower:
            return grade, label
    return "D", "Tidak baik"


@dataclass(frozen=True)
class ElementStat:
    code: str
    count: int
    total: int

    @property
    def nrr(self) -> Fraction | None:
        return Fraction(self.total, self.count) if self.count else None


@dataclass(frozen=True)
class IkmResult:
    ikm: Decimal | None  # 25–100, 2 decimals
    ikm_unit: Decimal | None  # 1–4, 4 decimals (display only; the grade uses ``ikm``)
    grade: str
    performance: str
    nrr: dict[str, Decimal | None]  # per element, 3 decimals
    respondents: int
    respondents_per_element: dict[str, int]
    missing_elements: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "ikm": float(self.ikm) if self.ikm is not None else None,
            "ikm_unit": float(self.ikm_unit) if self.ikm_unit is not None else None,
            "grade": self.grade,
            "performance": self.performance,
            "nrr": {k: float(v) if v is not None else None for k, v in self.nrr.items()},
            "respondents": self.respondents,
            "respondents_per_element": self.respondents_per_element,
            "weight": "1/9",
            "missing_elements": list(self.missing_elements),
        }


def ikm_from_stats(
    stats: Mapping[str, ElementStat],
    respondents: int,
    elements: Sequence[str] = SKM_ELEMENTS,
    weight: Fraction | None = None,
) -> IkmResult:
    """IKM from per-element counts and sums. ``weight`` defaults to exactly 1/len(elements) (1/9).

    An element nobody answered makes the IKM undefined (None): the regulation's weights assume all nine.
    """
    weight = weight if weight is not None else Fraction(1, len(elements))
    nrr: dict[str, Fraction | None] = {code: stats[code].nrr if code in stats else None for code in elements}
    missing = tuple(code for code, value in nrr.items() if value is None)
    per_element = {code: stats[code].count if code in stats else 0 for code in elements}
    shown = {code: round_half_up(v, 3) if v is not None else None for code, v in nrr.items()}
    if missing or respondents == 0:
        return IkmResult(None, None, "", "", shown, respondents, per_element, missing)
    unit = sum(v * weight for v in nrr.values() if v is not None)  # Fractions (nothing missing here)
    ikm = round_half_up(unit * 25, 2)
    grade, label = ikm_grade(ikm)
    return IkmResult(ikm, round_half_up(unit, 4), grade, label, shown, respondents, per_element)


def ikm_from_rows(
    rows: Iterable[Mapping[str, int | None]], elements: Sequence[str] = SKM_ELEMENTS, weight: Fraction | None = None
) -> IkmResult:
    """IKM from respondent rows ``{"U1": 4, "U2": None, …}`` (None = blank)."""
    counts = dict.fromkeys(elements, 0)
    totals = dict.fromkeys(elements, 0)
    respondents = 0
    for row in rows:
        answered = False
        for code in elements:
            value = row.get(code)
            if value is None:
                continue
            counts[code] += 1
            totals[code] += int(value)
            answered = True
        respondents += answered
    stats = {code: ElementStat(code, counts[code], totals[code]) for code in elements if counts[code]}
    return ikm_from_stats(stats, respondents, elements, weight)


# --- sample size -----------------------------------------------------------------------------------------


def krejcie_morgan(population: int, chi_square: float = CHI_SQUARE_1DF_95, p: float = 0.5, d: float = 0.05) -> int:
    """Sample size for a finite population: n = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), rounded to the nearest integer.

    Gives the Krejcie–Morgan (1970) table: 100 → 80, 1 000 → 278, 10 000 → 370, 1 000 000 → 384.
    """
    if population <= 0:
        return 0
    n = chi_square * population * p * (1 - p) / (d * d * (population - 1) + chi_square * p * (1 - p))
    # The published table rounds to the nearest integer (50 → 44,34 → 44; 500 → 217,47 → 217), half up
    # (100 → 79,50 → 80); rounding up instead would disagree with the table at 50 and 500.
    return min(population, int(round_half_up(round(n, 9), 0)))


def required_sample(kind: str, population: int | None) -> int:
    """Minimum respondents for an index.

    IPAK/IPKP (90/2021): 30 per unit, or every user when the unit had fewer than 30 in the period.
    SKM (14/2017, Krejcie–Morgan) and internal surveys: the table value when the population is known,
    otherwise the ZI minimum of 30 as a floor.
    """
    if kind in ("ipak", "ipkp"):
        return min(ZI_MINIMUM_RESPONDENTS, population) if population else ZI_MINIMUM_RESPONDENTS
    if population:
        return max(min(ZI_MINIMUM_RESPONDENTS, population), krejcie_morgan(population))
    return ZI_MINIMUM_RESPONDENTS


# --- confidence interval ----------------------------------------------------------------------------------

_T975 = [
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
]


def t_quantile_975(df: int) -> float:
    """Two-sided 95 % Student t critical value: table for df ≤ 30, Cornish–Fisher expansion above (error < 1e-4)."""
    if df < 1:
        raise ValueError("df must be ≥ 1")
    if df <= 30:
        return _T975[df - 1]
    z = 1.959963984540054
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


@dataclass(frozen=True)
class MomentStats:
    """Respondent-level sufficient statistics: n, Σx, Σx² of respondent means (on 1–4)."""

    n: int = 0
    s: float = 0.0
    ss: float = 0.0

    def __add__(self, other: MomentStats) -> MomentStats:
        return MomentStats(self.n + other.n, self.s + other.s, self.ss + other.ss)

    @property
    def mean(self) -> float | None:
        return self.s / self.n if self.n else None

    @property
    def sd(self) -> float | None:
        if self.n < 2:
            return None
        var = (self.ss - self.s * self.s / self.n) / (self.n - 1)
        return math.sqrt(max(var, 0.0))


def map_to_0_4(value: float, mapping: str) -> float:
    """A mean on the 1–4 answer scale, expressed on the LKE's 0–4 index scale.

    ``as_is``: the 4-point mean is used as the index (1 → 1, 4 → 4; the floor is 1).
    ``linear``: (m − 1) × 4/3 (1 → 0, 4 → 4).
    """
    if mapping == MAPPING_AS_IS:
        return value
    if mapping == MAPPING_LINEAR:
        return (value - 1) * 4 / 3
    raise ValueError(f"unknown mapping {mapping!r}")


def _scale_factor(mapping: str) -> float:
    return 1.0 if mapping == MAPPING_AS_IS else 4 / 3


@dataclass(frozen=True)
class IndexResult:
    kind: str
    value: Decimal | None  # 0–4, 2 decimals
    ci_low: Decimal | None
    ci_high: Decimal | None
    respondents: int
    required: int
    sample_ok: bool
    mapping: str
    item_means: dict[str, Decimal | None] = field(default_factory=dict)  # on the 1–4 answer scale

    def as_json(self) -> dict:
        def f(v: Decimal | None) -> float | None:
            return float(v) if v is not None else None

        return {
            "kind": self.kind,
            "value": f(self.value),
            "ci95": [f(self.ci_low), f(self.ci_high)],
            "respondents": self.respondents,
            "required": self.required,
            "sample_ok": self.sample_ok,
            "mapping": self.mapping,
            "item_means": {k: f(v) for k, v in self.item_means.items()},
        }


def perception_index(
    kind: str,
    item_stats: Mapping[str, tuple[int, int]],
    respondent_stats: MomentStats,
    mapping: str = MAPPING_AS_IS,
    population: int | None = None,
) -> IndexResult:
    """IPAK / IPKP (or an internal index) on 0–4.

    ``item_stats``: item code → (count, sum) of 1–4 answers. Index = mean of the item means (each item weighs
    the same, like the IKM's elements), mapped to 0–4. The 95 % CI is t-based on respondent-level means
    (``respondent_stats``), centred on the index: value ± t(n−1) × sd / √n, clipped to the 0–4 scale.
    """
    means = {code: Fraction(total, count) for code, (count, total) in item_stats.items() if count}
    shown = {code: round_half_up(means[code], 3) if code in means else None for code in item_stats}
    required = required_sample(kind, population)
    n = respondent_stats.n
    if not means or n == 0:
        return IndexResult(kind, None, None, None, n, required, False, mapping, shown)
    mean_1_4 = float(sum(means.values()) / len(means))
    value = map_to_0_4(mean_1_4, mapping)
    low = high = None
    sd = respondent_stats.sd
    if sd is not None:
        half = t_quantile_975(n - 1) * sd / math.sqrt(n) * _scale_factor(mapping)
        low = round_half_up(max(0.0, value - half), 2)
        high = round_half_up(min(4.0, value + half), 2)
    return IndexResult(kind, round_half_up(value, 2), low, high, n, required, n >= required, mapping, shown)
