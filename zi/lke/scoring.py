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
- :func:`parts_from_groups` takes per-group integer sums computed by SQL (``zi.assessments.scoring``),
  using the coefficients of :func:`plan_for` — both give identical numbers (tested).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from zi.lke import spec
from zi.lke.formulas import VALUE_SCALE, AnswerError, normalize_answer, round_half_up, value_units

PREDICATE_RANK = {"WBK": 1, "WBBM": 2, "Menuju WBK": 1, "Menuju WBBM": 2}
EXCLUDED_GROUP = "-"


def _cents_str(cents: int, places: int = 2) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    whole, frac = divmod(cents, 10**places)
    return f"{sign}{whole},{frac:0{places}d}" if places else f"{sign}{whole}"


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
        for ind in area.indicators:
            counted, ignored = _counted(template, ind)
            indicators.append(IndicatorPlan(ind.code, area.code, ind.weight, counted, ignored))
            for k in range(1, len(counted) + 1):
                scale = math.lcm(scale, (ind.weight / k).denominator)
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
        answered = [Fraction(_units(values[c]), VALUE_SCALE) for c in ind.counted if values.get(c) is not None]
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
    result = {code: (_units(values[code]) if values.get(code) is not None else None) for code in plan.result_weights}
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


# --------------------------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ScoreResult:
    """Scores in hundredths (integers, rounded half up from the exact values) plus eligibility."""

    template_code: str
    template_version: str
    total: int
    pengungkit: int
    hasil: int
    pemenuhan: int
    reform: int
    areas: dict[str, dict[str, int]]  # area name → score, weight, pemenuhan, reform (hundredths)
    aspect_areas: dict[str, int]  # A.I.1 … A.II.6 → hundredths
    ipak_index: int | None
    ipak_score: int
    kinerja_value: int | None
    kinerja_score: int
    ipkp_index: int | None
    ipkp_score: int
    bersih_akuntabel: int
    pelayanan_prima: int
    eligibility: dict[str, Eligibility]
    answered: int
    unanswered: int
    settings: dict[str, Any]

    @property
    def eligible_wbk(self) -> bool:
        return self.eligibility["WBK"].eligible if "WBK" in self.eligibility else False

    @property
    def eligible_wbbm(self) -> bool:
        return self.eligibility["WBBM"].eligible if "WBBM" in self.eligibility else False

    def to_dict(self) -> dict[str, Any]:
        def f(cents: int | None) -> float | None:
            return None if cents is None else cents / 100

        return {
            "template": self.template_code,
            "version": self.template_version,
            "total": f(self.total),
            "pengungkit": f(self.pengungkit),
            "hasil": f(self.hasil),
            "pemenuhan": f(self.pemenuhan),
            "reform": f(self.reform),
            "areas": {name: {k: f(v) for k, v in parts.items()} for name, parts in self.areas.items()},
            "aspect_areas": {code: f(v) for code, v in self.aspect_areas.items()},
            "hasil_items": {
                "ipak": {"index": f(self.ipak_index), "score": f(self.ipak_score)},
                "kinerja": {"value": f(self.kinerja_value), "score": f(self.kinerja_score)},
                "ipkp": {"index": f(self.ipkp_index), "score": f(self.ipkp_score)},
                "bersih_akuntabel": f(self.bersih_akuntabel),
                "pelayanan_prima": f(self.pelayanan_prima),
            },
            "eligibility": {
                predicate: {"eligible": e.eligible, "reasons": list(e.reasons)}
                for predicate, e in self.eligibility.items()
            },
            "answered": self.answered,
            "unanswered": self.unanswered,
            "settings": dict(self.settings),
        }


def _threshold_hundredths(value: float | Fraction, precision: int) -> int:
    return round_half_up(Fraction(str(value)) if isinstance(value, float | int) else value, precision)


@dataclass(frozen=True)
class _Checks:
    """One predicate's thresholds, pre-rounded to the comparison precision, with their labels."""

    total: int
    pengungkit: int
    areas: tuple[tuple[str, tuple[str, ...], int, str], ...]  # label, aspect-area codes, limit, suffix
    bersih: int
    ipak: int
    ipak_index: str
    kinerja: int
    pelayanan: int
    ipkp_index: str
    required_rank: int
    required_name: str


@dataclass(frozen=True)
class _Layout:
    pemenuhan: tuple[str, ...]
    reform: tuple[str, ...]
    areas: tuple[tuple[str, tuple[str, ...], tuple[str, ...], int], ...]  # name, pem codes, ref codes, weight
    result_coef: dict[str, int]
    checks: dict[str, _Checks]


_LAYOUTS: dict[int, _Layout] = {}


def _layout(plan: Plan) -> _Layout:
    cached = _LAYOUTS.get(id(plan))
    if cached is not None:
        return cached
    template = plan.template
    prec = template.settings.threshold_precision
    lever = template.lever
    areas = tuple(
        (
            name,
            tuple(a.code for a in lever if a.key == key and a.aspect == "pemenuhan"),
            tuple(a.code for a in lever if a.key == key and a.aspect == "reform"),
            round_half_up(template.area_weights[key - 1]),
        )
        for key, name in enumerate(template.area_names, start=1)
    )
    checks: dict[str, _Checks] = {}
    for predicate, th in template.thresholds.items():
        fraction = Fraction(str(th.per_area_min_fraction))
        pct = _percent_str(th.per_area_min_fraction)
        area_checks: list[tuple[str, tuple[str, ...], int, str]] = []
        if template.settings.per_area_minimum == "aspect":
            for area in lever:
                label = f"Area {template.area_names[area.key - 1]} ({area.aspect.capitalize()})"
                suffix = f" ({pct} dari {_cents_str(round_half_up(area.weight))})"
                area_checks.append((label, (area.code,), round_half_up(fraction * area.weight, prec), suffix))
        else:
            for key, name in enumerate(template.area_names, start=1):
                weight = template.area_weights[key - 1]
                codes = tuple(a.code for a in lever if a.key == key)
                suffix = f" ({pct} dari {_cents_str(round_half_up(weight))})"
                area_checks.append((f"Area {name}", codes, round_half_up(fraction * weight, prec), suffix))
        required = (th.requires_existing_predicate or "").strip()
        name = required if required.startswith("Menuju") or not required else f"Menuju {required}"
        checks[predicate] = _Checks(
            total=_threshold_hundredths(th.total_min, prec),
            pengungkit=_threshold_hundredths(th.pengungkit_min, prec),
            areas=tuple(area_checks),
            bersih=_threshold_hundredths(th.bersih_akuntabel_min, prec),
            ipak=_threshold_hundredths(th.ipak_score_min, prec),
            ipak_index=_cents_str(round_half_up(Fraction(str(th.ipak_index_min)))),
            kinerja=_threshold_hundredths(th.kinerja_lebih_baik_min, prec),
            pelayanan=_threshold_hundredths(th.pelayanan_prima_min, prec),
            ipkp_index=_cents_str(round_half_up(Fraction(str(th.ipkp_index_min)))),
            required_rank=PREDICATE_RANK.get(required, 1) if required else 0,
            required_name=name,
        )
    layout = _Layout(
        pemenuhan=tuple(a.code for a in lever if a.aspect == "pemenuhan"),
        reform=tuple(a.code for a in lever if a.aspect == "reform"),
        areas=areas,
        result_coef={code: int(w * plan.scale) for code, w in plan.result_weights.items()},
        checks=checks,
    )
    _LAYOUTS[id(plan)] = layout
    return layout


def score_parts(template: spec.Template, parts: Parts, current_predicate: str | None = None) -> ScoreResult:
    """Totals, breakdown and eligibility from exact parts (shared by both scoring paths)."""
    plan = plan_for(template)
    layout = _layout(plan)
    settings = template.settings
    d = plan.denominator
    d2 = 2 * d
    prec = settings.threshold_precision
    pscale = 2 * 10**prec

    def hundredths(n: int) -> int:
        return (200 * n + d) // d2

    def at_prec(n: int) -> int:
        return (pscale * n + d) // d2

    lever = parts.lever
    pemenuhan = sum(lever[c] for c in layout.pemenuhan)
    reform = sum(lever[c] for c in layout.reform)
    areas: dict[str, dict[str, int]] = {}
    for name, pem_codes, ref_codes, weight in layout.areas:
        pem = sum(lever[c] for c in pem_codes)
        ref = sum(lever[c] for c in ref_codes)
        areas[name] = {
            "score": hundredths(pem + ref),
            "weight": weight,
            "pemenuhan": hundredths(pem),
            "reform": hundredths(ref),
        }
    pengungkit = pemenuhan + reform

    result_units = parts.result
    item = {code: coef * (result_units.get(code) or 0) for code, coef in layout.result_coef.items()}
    ipak_score = item[plan.ipak_code]
    kinerja_score = item[plan.kinerja_code]
    ipkp_score = item[plan.ipkp_code]
    bersih = ipak_score + kinerja_score
    pelayanan = ipkp_score
    hasil = sum(item.values())
    total = pengungkit + hasil

    half = VALUE_SCALE  # (2 × units × 4 × 100 + 10**6) // (2 × 10**6): index in hundredths, half up

    def index_hundredths(code: str) -> int | None:
        units = result_units.get(code)
        return None if units is None else (800 * units + half) // (2 * VALUE_SCALE)

    def value_hundredths(code: str) -> int | None:
        units = result_units.get(code)
        return None if units is None else (200 * units + half) // (2 * VALUE_SCALE)

    have_rank = PREDICATE_RANK.get((current_predicate or "").strip(), 0)
    shown = {
        "total": at_prec(total),
        "pengungkit": at_prec(pengungkit),
        "bersih": at_prec(bersih),
        "ipak": at_prec(ipak_score),
        "kinerja": at_prec(kinerja_score),
        "pelayanan": at_prec(pelayanan),
    }
    eligibility: dict[str, Eligibility] = {}
    for predicate, ch in layout.checks.items():
        reasons: list[str] = []
        if shown["total"] < ch.total:
            reasons.append(f"Nilai total {_cents_str(shown['total'], prec)} < {_cents_str(ch.total, prec)}")
        if shown["pengungkit"] < ch.pengungkit:
            reasons.append(
                f"Nilai pengungkit {_cents_str(shown['pengungkit'], prec)} < {_cents_str(ch.pengungkit, prec)}"
            )
        for label, codes, limit, suffix in ch.areas:
            value = at_prec(sum(lever[c] for c in codes))
            if value < limit:
                reasons.append(f"{label} {_cents_str(value, prec)} < {_cents_str(limit, prec)}{suffix}")
        if shown["bersih"] < ch.bersih:
            reasons.append(
                f"Birokrasi bersih dan akuntabel {_cents_str(shown['bersih'], prec)} < {_cents_str(ch.bersih, prec)}"
            )
        if shown["ipak"] < ch.ipak:
            idx = index_hundredths(plan.ipak_code)
            reasons.append(
                f"IPAK {'belum diisi' if idx is None else _cents_str(idx)} < {ch.ipak_index} "
                f"(nilai {_cents_str(shown['ipak'], prec)} < {_cents_str(ch.ipak, prec)})"
            )
        if shown["kinerja"] < ch.kinerja:
            reasons.append(
                f"Capaian kinerja lebih baik {_cents_str(shown['kinerja'], prec)} < {_cents_str(ch.kinerja, prec)}"
            )
        if shown["pelayanan"] < ch.pelayanan:
            idx = index_hundredths(plan.ipkp_code)
            reasons.append(
                f"IPKP {'belum diisi' if idx is None else _cents_str(idx)} < {ch.ipkp_index} "
                f"(pelayanan publik prima {_cents_str(shown['pelayanan'], prec)} < {_cents_str(ch.pelayanan, prec)})"
            )
        if have_rank < ch.required_rank:
            reasons.append(f"Belum memiliki predikat {ch.required_name}")
        eligibility[predicate] = Eligibility(not reasons, tuple(reasons))

    return ScoreResult(
        template_code=template.code,
        template_version=template.version,
        total=hundredths(total),
        pengungkit=hundredths(pengungkit),
        hasil=hundredths(hasil),
        pemenuhan=hundredths(pemenuhan),
        reform=hundredths(reform),
        areas=areas,
        aspect_areas={code: hundredths(v) for code, v in lever.items()},
        ipak_index=index_hundredths(plan.ipak_code),
        ipak_score=hundredths(ipak_score),
        kinerja_value=value_hundredths(plan.kinerja_code),
        kinerja_score=hundredths(kinerja_score),
        ipkp_index=index_hundredths(plan.ipkp_code),
        ipkp_score=hundredths(ipkp_score),
        bersih_akuntabel=hundredths(bersih),
        pelayanan_prima=hundredths(pelayanan),
        eligibility=eligibility,
        answered=parts.answered,
        unanswered=len(template.questions) - parts.answered,
        settings={
            "per_area_minimum": settings.per_area_minimum,
            "missing_answer": settings.missing_answer,
            "lhkasn_counted": settings.lhkasn_counted,
            "threshold_precision": prec,
        },
    )


def score(
    template: spec.Template, values: Mapping[str, float | None], current_predicate: str | None = None
) -> ScoreResult:
    """Score one lane: ``values`` maps question code → 0..1 value (None or missing = unanswered)."""
    unknown = sorted(code for code in values if code not in template.questions)
    if unknown:
        raise AnswerError(f"Kode pertanyaan tidak dikenal: {', '.join(unknown)}")
    return score_parts(template, parts_from_values(template, values), current_predicate)


# --------------------------------------------------------------------------------------------------------------
# Answer documents (the ``zi lke score`` input format)
# --------------------------------------------------------------------------------------------------------------

_DOC_KEYS = ("template", "answers", "current_predicate")


def score_document(doc: Any, template_loader: Callable[[str], spec.Template]) -> dict[str, Any]:
    """Score ``{"template": code, "answers": {code: raw answer}, "current_predicate": null | "WBK" | "WBBM"}``.

    Raises :class:`AnswerError` listing every problem found."""
    if not isinstance(doc, Mapping):
        raise AnswerError("Dokumen jawaban harus berupa objek JSON")
    problems: list[str] = []
    extra = sorted(str(k) for k in doc if k not in _DOC_KEYS)
    if extra:
        problems.append(f"Kunci tidak dikenal: {', '.join(extra)} (kunci: {', '.join(_DOC_KEYS)})")
    code = doc.get("template")
    if not isinstance(code, str) or not code.strip():
        raise AnswerError("; ".join([*problems, "Kunci 'template' wajib diisi dengan kode template"]))
    try:
        template = template_loader(code.strip())
    except (KeyError, LookupError, spec.TemplateError) as exc:
        raise AnswerError(f"Template '{code}' tidak dikenal") from exc  # the loader decides what exists
    predicate = doc.get("current_predicate")
    if predicate not in (None, "") and predicate not in PREDICATE_RANK:
        problems.append(f"current_predicate '{predicate}' tidak dikenal (pilihan: null, WBK, WBBM)")
    answers = doc.get("answers", {})
    if not isinstance(answers, Mapping):
        problems.append("Kunci 'answers' harus berupa objek {kode: jawaban}")
        answers = {}
    values: dict[str, float | None] = {}
    for qcode, raw in answers.items():
        question = template.questions.get(str(qcode))
        if question is None:
            problems.append(f"Kode pertanyaan tidak dikenal: {qcode}")
            continue
        try:
            values[question.code] = normalize_answer(question, raw, template.settings).value
        except AnswerError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AnswerError("\n".join(problems), problems)
    return score(template, values, predicate or None).to_dict()
