"""The engine: the result types, the per-template layout of checks (thresholds, reason codes and the sentence
builders), the integer evaluation with its eligibility checks, :func:`score_parts` and :func:`score`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from zi.lke import reasons, spec
from zi.lke.formulas import VALUE_SCALE, AnswerError, _, round_half_up
from zi.lke.scoring.plan import PREDICATE_RANK, Parts, Plan, parts_from_values, plan_for

# --------------------------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """``reasons``: one Indonesian sentence per failed check; ``codes``: the same as stored reason codes (see
    :func:`reason_text`)."""

    eligible: bool
    reasons: tuple[str, ...]
    codes: tuple[str, ...] = ()


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

    def to_stored(self) -> dict[str, Any]:
        """What ``LaneScore.breakdown`` stores (format ``"v": 2``), about 0.5 KB instead of the 2.4 KB of
        :meth:`to_dict`, which :func:`expand_breakdown` rebuilds exactly.

        ``figures`` holds every figure in hundredths as one comma-separated text, in the template's order: total,
        pengungkit, hasil, pemenuhan, reform; score, pemenuhan and reform per area; the aspect areas; IPAK index and
        score, kinerja value and score, IPKP index and score, bersih & akuntabel, pelayanan prima (an empty field:
        not filled in). ``reasons`` holds per predicate its failed checks as space-separated reason codes
        (``"total:6089 area1:262"``, see :func:`reason_text`). What the template already says (area names and
        weights, settings) is left out. Texts rather than JSON numbers: PostgreSQL's ``jsonb`` parses each number
        into a ``numeric``, which made writing a rescored period about 30 % slower."""
        figures: list[int | None] = [self.total, self.pengungkit, self.hasil, self.pemenuhan, self.reform]
        for area in self.areas.values():
            figures += (area["score"], area["pemenuhan"], area["reform"])
        figures += self.aspect_areas.values()
        figures += (
            self.ipak_index,
            self.ipak_score,
            self.kinerja_value,
            self.kinerja_score,
            self.ipkp_index,
            self.ipkp_score,
            self.bersih_akuntabel,
            self.pelayanan_prima,
        )
        return {
            "v": STORED_VERSION,
            "template": self.template_code,
            "version": self.template_version,
            "figures": ",".join("" if x is None else str(x) for x in figures),
            "reasons": {predicate: " ".join(e.codes) for predicate, e in self.eligibility.items()},
            "answered": self.answered,
        }


STORED_VERSION = 2


def _threshold_hundredths(value: float | Fraction, precision: int) -> int:
    return round_half_up(Fraction(str(value)), precision)  # a float as written (0.1 is 1/10)


_Reason = tuple[dict[Any, str], Callable[[Any], str]]  # memo, build(key) → reason code


def _reason(reason: _Reason, key: Any) -> str:
    """A memoised failure reason: the texts repeat a lot across assessments, formatting is the slow part."""
    memo, build = reason
    text = memo.get(key)  # pragma: no mutate - a memo: without it the same text is built again
    if text:
        return text
    if len(memo) > 50_000:  # pragma: no mutate - the memo's bound (memory, not the text)
        memo.clear()
    text = memo[key] = build(key)
    return text


@dataclass(frozen=True)
class _Checks:
    """One predicate's thresholds, pre-rounded to the comparison precision, with their labels.

    A failed check only stores its code; :func:`reason_params` adds the limits and names kept here."""

    total: int
    pengungkit: int
    areas: tuple[tuple[str, tuple[str, ...], int, dict[str, Any]], ...]  # label, aspect-area codes, limit, params
    bersih: int
    ipak: int
    kinerja: int
    pelayanan: int
    required_rank: int
    required_name: str
    # for _evaluate: (index into _Layout.check_sets, limit, reason code) and the reason codes of the other checks
    area_checks: tuple[tuple[int, int, _Reason], ...] = ()
    reasons: dict[str, _Reason] = field(default_factory=dict)
    # for reason_params: code tag → the kind of reason and its fixed parameters (limits, names); memoised sentences
    # per (language, code)
    kinds: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    text_memo: dict[tuple[str, str], str] = field(default_factory=dict)
    prec: int = 2


@dataclass(frozen=True)
class _Layout:
    areas: tuple[tuple[str, tuple[str, ...], tuple[str, ...], int], ...]  # name, pem codes, ref codes, weight
    checks: dict[str, _Checks]
    # positional forms: lever values are lists in ``template.lever`` order, results in ``result_codes`` order
    lever_codes: tuple[str, ...]
    pem_idx: tuple[int, ...]
    ref_idx: tuple[int, ...]
    area_idx: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    area_pairs: tuple[tuple[int, int], ...]  # (pemenuhan, reform) index per area when each has one of each
    check_sets: tuple[tuple[int, ...], ...]  # distinct index sets of the per-area minimum checks
    check_areas: tuple[int | None, ...]  # per check set: the area with exactly these aspect areas, or None
    result_codes: tuple[str, ...]
    result_coefs: tuple[int, ...]
    ipak_i: int
    kinerja_i: int
    ipkp_i: int


_LAYOUTS: dict[int, _Layout] = {}


# Stored reason codes (space-separated in ``LaneScore.breakdown["reasons"][predicate]``): ``<tag>:<shown value>``, the
# value an integer in units of the threshold precision (hundredths by default); the IPAK/IPKP codes also carry the
# index in hundredths (empty: not filled in). Tags: total, pengungkit, area<k> (k-th per-area minimum check of the
# predicate), bersih, ipak, kinerja, ipkp, and plain ``rank`` (the required current predicate is missing).
_VALUE_TAGS = ("total", "pengungkit", "bersih", "kinerja")
_INDEX_TAGS = ("ipak", "ipkp")


def _value_code(tag: str) -> _Reason:
    return {}, lambda value: f"{tag}:{value}"


def _index_code(tag: str) -> _Reason:
    return {}, lambda key: f"{tag}:{'' if key[0] is None else key[0]}:{key[1]}"


def _units(count: int, places: int = 2) -> Decimal:
    """An integer count of ``10**-places`` as a :class:`Decimal` with exactly ``places`` decimals."""
    return Decimal(count).scaleb(-places)


def _percent(fraction: float) -> Decimal:
    return Decimal(f"{float(Fraction(str(fraction)) * 100):g}")


def _layout(plan: Plan) -> _Layout:
    cached = _LAYOUTS.get(id(plan))  # pragma: no mutate - a cache: without it the same layout is built again
    if cached is not None:
        return cached
    template = plan.template
    prec = template.settings.threshold_precision
    lever = template.lever
    lever_codes = tuple(a.code for a in lever)
    position = {code: i for i, code in enumerate(lever_codes)}
    areas = tuple(
        (
            name,
            tuple(a.code for a in lever if a.key == key and a.aspect == "pemenuhan"),
            tuple(a.code for a in lever if a.key == key and a.aspect == "reform"),
            round_half_up(template.area_weights[key - 1]),
        )
        for key, name in enumerate(template.area_names, start=1)
    )
    check_sets: list[tuple[int, ...]] = []

    def check_set(codes: tuple[str, ...]) -> int:
        idx = tuple(position[c] for c in codes)
        if idx not in check_sets:
            check_sets.append(idx)
        return check_sets.index(idx)

    checks: dict[str, _Checks] = {}
    for predicate, th in template.thresholds.items():
        fraction = Fraction(str(th.per_area_min_fraction))
        pct = _percent(th.per_area_min_fraction)
        area_checks: list[tuple[str, tuple[str, ...], int, dict[str, Any]]] = []
        if template.settings.per_area_minimum == "aspect":
            for area in lever:
                name = template.area_names[area.key - 1]
                limit = round_half_up(fraction * area.weight, prec)
                params = {
                    "area": name,
                    "aspect": area.aspect.capitalize(),
                    "limit": _units(limit, prec),
                    "percent": pct,
                    "weight": _units(round_half_up(area.weight)),
                }
                area_checks.append((f"Area {name} ({area.aspect.capitalize()})", (area.code,), limit, params))
        else:
            for key, name in enumerate(template.area_names, start=1):
                weight = template.area_weights[key - 1]
                codes = tuple(a.code for a in lever if a.key == key)
                limit = round_half_up(fraction * weight, prec)
                params = {
                    "area": name,
                    "limit": _units(limit, prec),
                    "percent": pct,
                    "weight": _units(round_half_up(weight)),
                }
                area_checks.append((f"Area {name}", codes, limit, params))
        required = (th.requires_existing_predicate or "").strip()
        name = required if required.startswith("Menuju") or not required else f"Menuju {required}"
        limits = {
            "total": _threshold_hundredths(th.total_min, prec),
            "pengungkit": _threshold_hundredths(th.pengungkit_min, prec),
            "bersih": _threshold_hundredths(th.bersih_akuntabel_min, prec),
            "ipak": _threshold_hundredths(th.ipak_score_min, prec),
            "kinerja": _threshold_hundredths(th.kinerja_lebih_baik_min, prec),
            "pelayanan": _threshold_hundredths(th.pelayanan_prima_min, prec),
        }

        limit_units = {key: {"limit": _units(value, prec)} for key, value in limits.items()}

        checks[predicate] = _Checks(
            total=limits["total"],
            pengungkit=limits["pengungkit"],
            areas=tuple(area_checks),
            bersih=limits["bersih"],
            ipak=limits["ipak"],
            kinerja=limits["kinerja"],
            pelayanan=limits["pelayanan"],
            required_rank=PREDICATE_RANK.get(required, 1) if required else 0,
            required_name=name,
            area_checks=tuple(
                (check_set(codes), limit, _value_code(f"area{k}"))
                for k, (_label, codes, limit, _suffix) in enumerate(area_checks)
            ),
            reasons={
                **{tag: _value_code(tag) for tag in _VALUE_TAGS},
                "ipak": _index_code("ipak"),
                "pelayanan": _index_code("ipkp"),
            },
            kinds={
                **{tag: (tag, limit_units[tag]) for tag in _VALUE_TAGS},
                "ipak": (
                    "ipak",
                    {**limit_units["ipak"], "minimum": _units(round_half_up(Fraction(str(th.ipak_index_min))))},
                ),
                "ipkp": (
                    "ipkp",
                    {**limit_units["pelayanan"], "minimum": _units(round_half_up(Fraction(str(th.ipkp_index_min))))},
                ),
                **{f"area{k}": ("area", params) for k, (_label, _codes, _limit, params) in enumerate(area_checks)},
                "rank": ("rank", {"predicate": name}),
            },
            prec=prec,
        )
    result_codes = tuple(plan.result_weights)
    area_idx = tuple((tuple(position[c] for c in pem), tuple(position[c] for c in ref)) for _, pem, ref, _ in areas)
    area_pairs = (
        tuple((pem[0], ref[0]) for pem, ref in area_idx)
        if all(len(pem) == 1 and len(ref) == 1 for pem, ref in area_idx)
        else ()
    )
    layout = _Layout(
        areas=areas,
        checks=checks,
        lever_codes=lever_codes,
        pem_idx=tuple(i for i, a in enumerate(lever) if a.aspect == "pemenuhan"),
        ref_idx=tuple(i for i, a in enumerate(lever) if a.aspect == "reform"),
        area_idx=area_idx,
        area_pairs=area_pairs,
        check_sets=tuple(check_sets),
        check_areas=tuple(
            next((k for k, (pem, ref) in enumerate(area_idx) if sorted(pem + ref) == sorted(idx)), None)
            for idx in check_sets
        ),
        result_codes=result_codes,
        result_coefs=tuple(int(plan.result_weights[code] * plan.scale) for code in result_codes),
        ipak_i=result_codes.index(plan.ipak_code),
        kinerja_i=result_codes.index(plan.kinerja_code),
        ipkp_i=result_codes.index(plan.ipkp_code),
    )
    _LAYOUTS[id(plan)] = layout  # pragma: no mutate - the cache (a miss builds the same layout)
    return layout


class _Evaluation(NamedTuple):
    """Everything :class:`ScoreResult` holds that depends on the answers, in hundredths, positional."""

    total: int
    pengungkit: int
    hasil: int
    pemenuhan: int
    reform: int
    areas: list[tuple[int, int, int]]  # per ``_Layout.areas``: score, pemenuhan, reform
    aspect_areas: list[int]  # per ``_Layout.lever_codes``
    ipak_index: int | None
    ipak_score: int
    kinerja_value: int | None
    kinerja_score: int
    ipkp_index: int | None
    ipkp_score: int
    bersih_akuntabel: int
    pelayanan_prima: int
    eligibility: list[tuple[str, bool, tuple[str, ...]]]  # per ``_Layout.checks``: predicate, eligible, reason codes


def _evaluate(
    plan: Plan, layout: _Layout, lever: Sequence[int], result: Sequence[int | None], rank: int
) -> _Evaluation:
    """The arithmetic and eligibility of :func:`score_parts` on positional inputs (integers only).

    ``lever``: exact aspect-area scores in 1/D, in ``layout.lever_codes`` order; ``result``: result values in
    millionths (None = unanswered) in ``layout.result_codes`` order; ``rank``: the current predicate's rank."""
    d = plan.denominator
    d2 = d + d
    prec = plan.template.settings.threshold_precision
    pscale = 2 * 10**prec
    same = pscale == 200  # threshold precision 2: the compared figures are the hundredths shown
    aspect = [(200 * n + d) // d2 for n in lever]
    item = lever.__getitem__
    pemenuhan = sum(map(item, layout.pem_idx))
    reform = sum(map(item, layout.ref_idx))
    if layout.area_pairs:  # one Pemenuhan and one Reform aspect area per area (the regulation's layout)
        areas = [((200 * (lever[p] + lever[r]) + d) // d2, aspect[p], aspect[r]) for p, r in layout.area_pairs]
    else:
        areas = []
        for pem_idx, ref_idx in layout.area_idx:
            pem = sum(map(item, pem_idx))
            ref = sum(map(item, ref_idx))
            areas.append(((200 * (pem + ref) + d) // d2, (200 * pem + d) // d2, (200 * ref + d) // d2))
    pengungkit = pemenuhan + reform

    scores = [coef * (units or 0) for coef, units in zip(layout.result_coefs, result, strict=True)]  # None: 0
    hasil = sum(scores)
    ipak_units = result[layout.ipak_i]
    kinerja_units = result[layout.kinerja_i]
    ipkp_units = result[layout.ipkp_i]
    ipak_score = scores[layout.ipak_i]
    kinerja_score = scores[layout.kinerja_i]
    ipkp_score = scores[layout.ipkp_i]
    bersih = ipak_score + kinerja_score
    total = pengungkit + hasil

    # index in hundredths (units × 4 / 10**6), value in hundredths (units / 10**6), both half up
    half = VALUE_SCALE
    scale2 = 2 * VALUE_SCALE
    ipak_index = None if ipak_units is None else (800 * ipak_units + half) // scale2
    ipkp_index = None if ipkp_units is None else (800 * ipkp_units + half) // scale2
    kinerja_value = None if kinerja_units is None else (200 * kinerja_units + half) // scale2

    total_c = (200 * total + d) // d2
    pengungkit_c = (200 * pengungkit + d) // d2
    bersih_c = (200 * bersih + d) // d2
    ipak_c = (200 * ipak_score + d) // d2
    kinerja_c = (200 * kinerja_score + d) // d2
    ipkp_c = (200 * ipkp_score + d) // d2
    if same:
        shown_total, shown_pengungkit, shown_bersih = total_c, pengungkit_c, bersih_c
        shown_ipak, shown_kinerja, shown_pelayanan = ipak_c, kinerja_c, ipkp_c
    else:
        shown_total = (pscale * total + d) // d2
        shown_pengungkit = (pscale * pengungkit + d) // d2
        shown_bersih = (pscale * bersih + d) // d2
        shown_ipak = (pscale * ipak_score + d) // d2
        shown_kinerja = (pscale * kinerja_score + d) // d2
        shown_pelayanan = (pscale * ipkp_score + d) // d2
    check_values = []
    for idx, area in zip(layout.check_sets, layout.check_areas, strict=True):
        if same and area is not None:  # the check's aspect areas are exactly one area's: its shown score
            check_values.append(areas[area][0])
        elif same and len(idx) == 1:
            check_values.append(aspect[idx[0]])
        else:
            check_values.append((pscale * sum(map(item, idx)) + d) // d2)

    eligibility = []
    for predicate, ch in layout.checks.items():
        reasons: list[str] = []
        why = ch.reasons
        if shown_total < ch.total:
            reasons.append(_reason(why["total"], shown_total))
        if shown_pengungkit < ch.pengungkit:
            reasons.append(_reason(why["pengungkit"], shown_pengungkit))
        for k, limit, reason in ch.area_checks:
            value = check_values[k]
            if value < limit:
                reasons.append(_reason(reason, value))
        if shown_bersih < ch.bersih:
            reasons.append(_reason(why["bersih"], shown_bersih))
        if shown_ipak < ch.ipak:
            reasons.append(_reason(why["ipak"], (ipak_index, shown_ipak)))
        if shown_kinerja < ch.kinerja:
            reasons.append(_reason(why["kinerja"], shown_kinerja))
        if shown_pelayanan < ch.pelayanan:
            reasons.append(_reason(why["pelayanan"], (ipkp_index, shown_pelayanan)))
        if rank < ch.required_rank:
            reasons.append("rank")
        eligibility.append((predicate, not reasons, tuple(reasons)))

    return _Evaluation(
        total=total_c,
        pengungkit=pengungkit_c,
        hasil=(200 * hasil + d) // d2,
        pemenuhan=(200 * pemenuhan + d) // d2,
        reform=(200 * reform + d) // d2,
        areas=areas,
        aspect_areas=aspect,
        ipak_index=ipak_index,
        ipak_score=ipak_c,
        kinerja_value=kinerja_value,
        kinerja_score=kinerja_c,
        ipkp_index=ipkp_index,
        ipkp_score=ipkp_c,
        bersih_akuntabel=bersih_c,
        pelayanan_prima=ipkp_c,
        eligibility=eligibility,
    )


def _rank(current_predicate: str | None) -> int:
    return PREDICATE_RANK.get((current_predicate or "").strip(), 0)


def score_parts(template: spec.Template, parts: Parts, current_predicate: str | None = None) -> ScoreResult:
    """Totals, breakdown and eligibility from exact parts (shared by both scoring paths)."""
    plan = plan_for(template)
    layout = _layout(plan)
    settings = template.settings
    lever = [parts.lever[code] for code in layout.lever_codes]
    result = [parts.result.get(code) for code in layout.result_codes]
    ev = _evaluate(plan, layout, lever, result, _rank(current_predicate))
    return ScoreResult(
        template_code=template.code,
        template_version=template.version,
        total=ev.total,
        pengungkit=ev.pengungkit,
        hasil=ev.hasil,
        pemenuhan=ev.pemenuhan,
        reform=ev.reform,
        areas={
            name: {"score": score, "weight": weight, "pemenuhan": pem, "reform": ref}
            for (name, _, _, weight), (score, pem, ref) in zip(layout.areas, ev.areas, strict=True)
        },
        aspect_areas=dict(zip(layout.lever_codes, ev.aspect_areas, strict=True)),
        ipak_index=ev.ipak_index,
        ipak_score=ev.ipak_score,
        kinerja_value=ev.kinerja_value,
        kinerja_score=ev.kinerja_score,
        ipkp_index=ev.ipkp_index,
        ipkp_score=ev.ipkp_score,
        bersih_akuntabel=ev.bersih_akuntabel,
        pelayanan_prima=ev.pelayanan_prima,
        eligibility={
            predicate: Eligibility(ok, tuple(_reason_text(layout, predicate, c) for c in codes), codes)
            for predicate, ok, codes in ev.eligibility
        },
        answered=parts.answered,
        unanswered=len(template.questions) - parts.answered,
        settings={
            "per_area_minimum": settings.per_area_minimum,
            "missing_answer": settings.missing_answer,
            "lhkasn_counted": settings.lhkasn_counted,
            "threshold_precision": settings.threshold_precision,
        },
    )


def reason_params(ch: _Checks, code: str) -> tuple[str, dict[str, Any]] | None:
    """The kind and parameters of a stored reason code of the predicate checked by ``ch`` (see
    :func:`zi.lke.reasons.render_reason`): the code's figures with the check's limits and names from the template.
    None: not a code of this template (a sentence stored by an earlier version, or a hand-written note)."""
    tag, _sep, rest = code.partition(":")
    found = ch.kinds.get(tag)
    if found is None or (tag == "rank") != (code == "rank"):
        return None
    kind, fixed = found
    try:
        if kind == "rank":
            return kind, dict(fixed)
        if kind in _INDEX_TAGS:
            index, _sep, value = rest.partition(":")
            return kind, {**fixed, "index": _units(int(index)) if index else None, "value": _units(int(value), ch.prec)}
        return kind, {**fixed, "value": _units(int(rest), ch.prec)}
    except ValueError:
        return None


def _reason_text(layout: _Layout, predicate: str, code: Any) -> Any:
    """A reason code's sentence in the active language (memoised); anything that is not a code comes back unchanged."""
    ch = layout.checks.get(predicate)
    if ch is None or not isinstance(code, str):
        return code
    key = (reasons.language(), code)
    text = ch.text_memo.get(key)  # pragma: no mutate - a memo: without it the same sentence is rendered again
    if text is not None:
        return text
    found = reason_params(ch, code)
    if found is None:
        return code
    text = reasons.render_reason(*found)
    if len(ch.text_memo) > 50_000:  # pragma: no mutate - the memo's bound (memory, not the sentence)
        ch.text_memo.clear()
    ch.text_memo[key] = text  # pragma: no mutate - a memo (a None stored is a miss: rendered again)
    return text


def score(
    template: spec.Template, values: Mapping[str, float | None], current_predicate: str | None = None
) -> ScoreResult:
    """Score one lane: ``values`` maps question code → 0..1 value (None or missing = unanswered)."""
    unknown = sorted(code for code in values if code not in template.questions)
    if unknown:
        raise AnswerError(_("Kode pertanyaan tidak dikenal: %(codes)s") % {"codes": ", ".join(unknown)})
    return score_parts(template, parts_from_values(template, values), current_predicate)
