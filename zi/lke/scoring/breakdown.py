"""The stored breakdown (``LaneScore.breakdown``, :meth:`ScoreResult.to_stored`) read back: reason codes as
Indonesian sentences, the full dictionary, the per-predicate threshold checks and the stored area scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zi.lke import spec
from zi.lke.scoring.engine import STORED_VERSION, _layout, _reason_text
from zi.lke.scoring.plan import plan_for


def reason_text(template: spec.Template, predicate: str, code: str) -> str:
    """The Indonesian sentence of a stored reason code of ``predicate`` (``"total:6089"`` → ``"Nilai total 60,89 <
    75,00"``), with the template's thresholds. Anything that is not a code of this template (a sentence stored by an
    earlier version) comes back unchanged."""
    return str(_reason_text(_layout(plan_for(template)), predicate, code))


def _hundredths(value: Any) -> float | None:
    return None if value is None else value / 100


def expand_breakdown(template: spec.Template, stored: Mapping[str, Any]) -> dict[str, Any]:
    """A stored ``LaneScore.breakdown`` (:meth:`ScoreResult.to_stored`) as exactly :meth:`ScoreResult.to_dict`
    (what ``zi lke score`` prints): figures in units again, areas by name with their weights, the settings, and
    the reason codes as sentences. ``template`` is the period's template the lane was scored with. A breakdown
    stored by an earlier version (already the full dictionary) comes back unchanged."""
    if not isinstance(stored, Mapping) or stored.get("v") != STORED_VERSION:
        return dict(stored) if isinstance(stored, Mapping) else {}
    layout = _layout(plan_for(template))
    f = _hundredths
    figures = [int(x) if x else None for x in stored["figures"].split(",")]
    n_areas, n_aspects = len(layout.areas), len(layout.lever_codes)
    total, pengungkit, hasil, pemenuhan, reform = figures[:5]
    area_figures = figures[5 : 5 + 3 * n_areas]
    aspect_figures = figures[5 + 3 * n_areas : 5 + 3 * n_areas + n_aspects]
    hasil_figures = figures[5 + 3 * n_areas + n_aspects :]
    ipak_index, ipak_score, kinerja_value, kinerja_score, ipkp_index, ipkp_score, bersih, prima = hasil_figures
    settings = template.settings
    return {
        "template": stored.get("template", template.code),
        "version": stored.get("version", template.version),
        "total": f(total),
        "pengungkit": f(pengungkit),
        "hasil": f(hasil),
        "pemenuhan": f(pemenuhan),
        "reform": f(reform),
        "areas": {
            name: {"score": f(score), "weight": f(weight), "pemenuhan": f(pem), "reform": f(ref)}
            for (name, _, _, weight), score, pem, ref in zip(
                layout.areas, area_figures[0::3], area_figures[1::3], area_figures[2::3], strict=True
            )
        },
        "aspect_areas": {code: f(v) for code, v in zip(layout.lever_codes, aspect_figures, strict=True)},
        "hasil_items": {
            "ipak": {"index": f(ipak_index), "score": f(ipak_score)},
            "kinerja": {"value": f(kinerja_value), "score": f(kinerja_score)},
            "ipkp": {"index": f(ipkp_index), "score": f(ipkp_score)},
            "bersih_akuntabel": f(bersih),
            "pelayanan_prima": f(prima),
        },
        "eligibility": {
            predicate: {"eligible": not codes, "reasons": [_reason_text(layout, predicate, c) for c in codes.split()]}
            for predicate, codes in stored["reasons"].items()
        },
        "answered": stored["answered"],
        "unanswered": len(template.questions) - stored["answered"],
        "settings": {
            "per_area_minimum": settings.per_area_minimum,
            "missing_answer": settings.missing_answer,
            "lhkasn_counted": settings.lhkasn_counted,
            "threshold_precision": settings.threshold_precision,
        },
    }


@dataclass(frozen=True)
class ThresholdCheck:
    """One eligibility check of a predicate with the lane's figure and the threshold, as the scorer decided it.

    ``key``: total, pengungkit, area (``area`` names the area, ``aspect`` is set under the per-aspect reading),
    bersih, ipak, kinerja, pelayanan, rank. ``value``/``limit`` in units (2 decimals by default); IPAK and IPKP
    also carry the survey index and its minimum. ``passed`` comes from the stored reason codes (None: a breakdown
    of an earlier format, which kept only sentences)."""

    key: str
    value: float | None
    limit: float | None
    passed: bool | None
    area: str = ""
    aspect: str = ""
    weight: float | None = None
    index: float | None = None
    index_limit: float | None = None
    required: str = ""


def eligibility_checks(template: spec.Template, stored: Mapping[str, Any], predicate: str) -> list[ThresholdCheck]:
    """Every threshold check of ``predicate`` (failed or not) for a stored ``LaneScore.breakdown``: the figures of
    :func:`expand_breakdown`, the limits of the template's thresholds as the scorer rounds them, and whether each
    passed from the scorer's own reason codes: nothing is compared again here."""
    layout = _layout(plan_for(template))
    ch = layout.checks.get(predicate)
    if ch is None:
        return []
    expanded = expand_breakdown(template, stored)
    unit: int = 10**template.settings.threshold_precision
    current = isinstance(stored, Mapping) and stored.get("v") == STORED_VERSION
    failed = {code.partition(":")[0] for code in stored["reasons"].get(predicate, "").split()} if current else set()
    eligible = ((expanded.get("eligibility") or {}).get(predicate) or {}).get("eligible")

    def passed(tag: str) -> bool | None:
        if current:
            return tag not in failed
        return True if eligible else None

    def limit(value: int) -> float:
        return value / unit

    items = expanded.get("hasil_items") or {}
    areas = expanded.get("areas") or {}
    aspects = expanded.get("aspect_areas") or {}
    ipak, kinerja, ipkp = items.get("ipak") or {}, items.get("kinerja") or {}, items.get("ipkp") or {}
    checks = [
        ThresholdCheck("total", expanded.get("total"), limit(ch.total), passed("total")),
        ThresholdCheck("pengungkit", expanded.get("pengungkit"), limit(ch.pengungkit), passed("pengungkit")),
    ]
    per_aspect = template.settings.per_area_minimum == "aspect"
    lever = {a.code: a for a in template.lever}
    for k, (_label, codes, area_limit, _params) in enumerate(ch.areas):
        first = lever[codes[0]]
        name = template.area_names[first.key - 1]
        if per_aspect:
            value, weight, aspect = aspects.get(first.code), float(first.weight), first.aspect
        else:
            weight = float(template.area_weights[first.key - 1])
            value, aspect = (areas.get(name) or {}).get("score"), ""
        checks.append(ThresholdCheck("area", value, limit(area_limit), passed(f"area{k}"), name, aspect, weight=weight))
    ipak_min = float(template.thresholds[predicate].ipak_index_min)
    ipkp_min = float(template.thresholds[predicate].ipkp_index_min)
    checks += [
        ThresholdCheck("bersih", items.get("bersih_akuntabel"), limit(ch.bersih), passed("bersih")),
        ThresholdCheck(
            "ipak", ipak.get("score"), limit(ch.ipak), passed("ipak"), index=ipak.get("index"), index_limit=ipak_min
        ),
        ThresholdCheck("kinerja", kinerja.get("score"), limit(ch.kinerja), passed("kinerja")),
        ThresholdCheck(
            "pelayanan",
            items.get("pelayanan_prima"),
            limit(ch.pelayanan),
            passed("ipkp"),
            index=ipkp.get("index"),
            index_limit=ipkp_min,
        ),
    ]
    if ch.required_rank:
        checks.append(ThresholdCheck("rank", None, None, passed("rank"), required=ch.required_name))
    return checks


def stored_area_scores(stored: Any, area_names: Sequence[str]) -> list[float | None]:
    """The six area scores (in units, template order) of a stored breakdown of either format, without expanding
    it (bulk readers: the insights rollup)."""
    if isinstance(stored, Mapping) and stored.get("v") == STORED_VERSION:
        scores = stored["figures"].split(",")[5 : 5 + 3 * len(area_names) : 3]
        return [int(x) / 100 if x else None for x in scores]
    areas = (stored or {}).get("areas") or {} if isinstance(stored, Mapping) else {}
    values: list[float | None] = []
    for index, name in enumerate(area_names):
        data = areas.get(name) or areas.get(str(index + 1)) or {}
        score = data.get("score") if isinstance(data, Mapping) else None
        values.append(float(score) if score is not None else None)
    return values
