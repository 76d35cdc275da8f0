"""An LKE template as plain, immutable data: parsed from a template YAML file or rebuilt from the database.

The scoring engine (:mod:`zi.lke.scoring`) works only on these classes, so it is pure and easy to test.

Structure (PermenPAN-RB 90/2021): lever component "A" (60) with two aspects, Pemenuhan "A.I" and Reform
"A.II", each holding the six areas of change (``area_key`` 1..6), each holding indicators, each holding
questions. Result component "B" (40) holds targets ("B.I", "B.II") with items ("B.I.a" IPAK …); every
result item is modelled as an indicator with exactly one question of the same code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from zi.lke.formulas import formula_sentence

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_data"
# libyaml's safe loader when PyYAML was built with it: the same documents, about ten times faster than the pure
# Python one on the 120 kB template (every template load parses it, and the test suite loads it hundreds of times).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(handle: Any) -> Any:
    """``yaml.safe_load`` with :data:`YAML_LOADER`."""
    return yaml.load(handle, Loader=YAML_LOADER)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)


ANSWER_TYPES = ("ya_tidak", "abc", "abcd", "abcde", "computed_percentage", "index_0_4")
CHOICE_TYPES = ("ya_tidak", "abc", "abcd", "abcde")
PER_AREA_MODES = ("area", "aspect")
MISSING_ANSWER_MODES = ("zero", "excluded")
ZERO_DENOMINATOR_RULES = ("zero", "one", "one_if_numerator_zero", "error")


class TemplateError(ValueError):
    """The template file is not a valid LKE template."""


@dataclass(frozen=True)
class Option:
    key: str
    value: float
    criteria: str = ""


@dataclass(frozen=True)
class Input:
    """One number typed for a computed item. ``whole``: a count (people, documents, complaints), so a fraction is
    refused; the default for ``computed_percentage`` inputs (every one of them is a "Jumlah …"), ``whole: false``
    in the template opts out. ``at_most``: the keys whose sum this input may not exceed (a part of a whole, e.g.
    "sudah melaporkan" ≤ the three "harus melaporkan" rows), so a numerator above its denominator is refused."""

    key: str
    label: str
    whole: bool = False
    at_most: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    answer_type: str
    weight: Fraction  # exact: indicator weight / number of questions
    order: int
    options: tuple[Option, ...] = ()
    inputs: tuple[Input, ...] = ()
    formula: str = ""
    formula_basis: str = ""
    evidence_examples: tuple[str, ...] = ()
    source_id: str = ""
    note: str = ""

    @property
    def formula_text(self) -> str:
        """The value formula as a sentence, inputs by their labels (what a page shows; ``formula`` is for code)."""
        return formula_sentence(self.formula, {i.key: i.label for i in self.inputs}) if self.formula else ""

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def option_value(self, key: str) -> float | None:
        for option in self.options:
            if option.key == key:
                return option.value
        return None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    weight: Fraction
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Area:
    """One area of change within one aspect (e.g. A.I.1 Manajemen Perubahan, Pemenuhan) or a result target."""

    code: str
    aspect: str  # "pemenuhan" | "reform" | "hasil"
    key: int  # 1..6 for lever areas; 0 for result targets
    name: str
    weight: Fraction
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Thresholds:
    total_min: float
    pengungkit_min: float
    per_area_min_fraction: float
    bersih_akuntabel_min: float
    ipak_score_min: float
    ipak_index_min: float
    kinerja_lebih_baik_min: float
    pelayanan_prima_min: float
    ipkp_index_min: float
    requires_existing_predicate: str | None = None


@dataclass(frozen=True)
class Settings:
    answer_values: dict[str, dict[str, float]]
    per_area_minimum: str = "area"
    missing_answer: str = "zero"
    threshold_precision: int = 2
    zero_denominator_default: str = "zero"
    zero_denominator_overrides: dict[str, str] = field(default_factory=dict)
    lhkasn_counted: bool = True

    def zero_denominator_rule(self, code: str) -> str:
        return self.zero_denominator_overrides.get(code, self.zero_denominator_default)


@dataclass(frozen=True)
class Template:
    code: str
    version: str
    title: str
    regulation: str
    settings: Settings
    area_names: tuple[str, ...]  # canonical names of the six areas, index = area key - 1
    area_weights: tuple[Fraction, ...]  # total weight of each of the six areas (Pemenuhan + Reform)
    thresholds: dict[str, Thresholds]
    lever: tuple[Area, ...]
    result: tuple[Area, ...]

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.code: q for area in (*self.lever, *self.result) for ind in area.indicators for q in ind.questions}

    @cached_property
    def question_area(self) -> dict[str, Area]:
        return {q.code: area for area in (*self.lever, *self.result) for ind in area.indicators for q in ind.questions}

    @cached_property
    def question_indicator(self) -> dict[str, Indicator]:
        return {q.code: ind for area in (*self.lever, *self.result) for ind in area.indicators for q in ind.questions}

    @property
    def lever_question_count(self) -> int:
        return sum(len(ind.questions) for area in self.lever for ind in area.indicators)


def _fraction(value: Any) -> Fraction:
    return Fraction(str(value)).limit_denominator(10**6)


def _parse_question(raw: dict[str, Any], weight: Fraction, order: int, values: dict[str, dict[str, float]]) -> Question:
    answer_type = raw.get("answer_type")
    if answer_type not in ANSWER_TYPES:
        raise TemplateError(f"{raw.get('code')}: unknown answer_type {answer_type!r}")
    options: tuple[Option, ...] = ()
    if answer_type in CHOICE_TYPES:
        table = values[answer_type]
        raw_options = raw.get("options") or [{"key": key} for key in table]
        options = tuple(
            Option(key=str(o["key"]), value=float(table[str(o["key"])]), criteria=str(o.get("criteria") or ""))
            for o in raw_options
        )
        if {o.key for o in options} != set(table):
            raise TemplateError(f"{raw['code']}: options {[o.key for o in options]} do not match {answer_type}")
    inputs = tuple(
        Input(
            key=i["key"],
            label=i.get("label", i["key"]),
            whole=bool(i.get("whole", answer_type == "computed_percentage")),
            at_most=tuple(str(k) for k in (i.get("at_most") or ())),
        )
        for i in raw.get("inputs") or ()
    )
    keys = {i.key for i in inputs}
    for item in inputs:
        if not set(item.at_most) <= keys - {item.key}:
            raise TemplateError(f"{raw.get('code')}: input {item.key}: at_most names unknown inputs {item.at_most}")
    formula = str(raw.get("value_formula") or "")
    if answer_type == "computed_percentage" and (not inputs or not formula):
        raise TemplateError(f"{raw['code']}: computed item needs inputs and value_formula")
    if answer_type == "index_0_4" and not inputs:
        name = formula.split("/")[0].strip() or "index"
        inputs = (Input(key=name, label=name.upper()),)
    return Question(
        code=str(raw["code"]),
        text=str(raw.get("text") or raw.get("name") or ""),
        answer_type=answer_type,
        weight=weight,
        order=order,
        options=options,
        inputs=inputs,
        formula=formula,
        formula_basis=str(raw.get("formula_basis") or ""),
        evidence_examples=tuple(raw.get("evidence_examples_bps") or raw.get("evidence_examples") or ()),
        source_id=str(raw.get("source_id") or ""),
        note=str(raw.get("note") or ""),
    )


def parse_template(data: dict[str, Any]) -> Template:
    """Build a :class:`Template` from the YAML structure; raises :class:`TemplateError` when inconsistent."""
    try:
        raw_settings = data.get("settings") or {}
        values = {k: {str(kk): float(vv) for kk, vv in v.items()} for k, v in raw_settings["answer_values"].items()}
        zero = raw_settings.get("zero_denominator") or {}
        settings = Settings(
            answer_values=values,
            per_area_minimum=raw_settings.get("per_area_minimum", "area"),
            missing_answer=raw_settings.get("missing_answer", "zero"),
            threshold_precision=int(raw_settings.get("threshold_precision", 2)),
            zero_denominator_default=zero.get("default", "zero"),
            zero_denominator_overrides=dict(zero.get("overrides") or {}),
            lhkasn_counted=bool(raw_settings.get("lhkasn_counted", True)),
        )
        if settings.per_area_minimum not in PER_AREA_MODES:
            raise TemplateError(f"settings.per_area_minimum must be one of {PER_AREA_MODES}")
        if settings.missing_answer not in MISSING_ANSWER_MODES:
            raise TemplateError(f"settings.missing_answer must be one of {MISSING_ANSWER_MODES}")
        for rule in (settings.zero_denominator_default, *settings.zero_denominator_overrides.values()):
            if rule not in ZERO_DENOMINATOR_RULES:
                raise TemplateError(f"zero_denominator rule {rule!r} not in {ZERO_DENOMINATOR_RULES}")

        # A list, not a mapping: JSON object key order is not kept by every database (PostgreSQL jsonb).
        raw_areas = sorted(data["areas"], key=lambda a: int(a["key"]))
        if [int(a["key"]) for a in raw_areas] != list(range(1, len(raw_areas) + 1)):
            raise TemplateError("areas must have keys 1..n")
        area_names = tuple(str(a["name"]) for a in raw_areas)
        area_weights = tuple(_fraction(a["weight"]) for a in raw_areas)
        thresholds = {
            predicate: Thresholds(**{k: v for k, v in raw.items() if k in Thresholds.__dataclass_fields__})
            for predicate, raw in data["predicate_thresholds"].items()
            if isinstance(raw, dict)
        }
        order = 0
        lever: list[Area] = []
        result: list[Area] = []
        for component in data["components"]:
            if component["code"] == "A":
                for sub in component["sub_components"]:
                    aspect = "pemenuhan" if sub["code"].endswith(".I") else "reform"
                    for raw_area in sub["areas"]:
                        key = int(raw_area["code"].rsplit(".", 1)[1])
                        indicators = []
                        for raw_ind in raw_area["indicators"]:
                            raw_questions = raw_ind["questions"]
                            ind_weight = _fraction(raw_ind["weight"])
                            q_weight = ind_weight / len(raw_questions)
                            questions = []
                            for raw_q in raw_questions:
                                order += 1
                                questions.append(_parse_question(raw_q, q_weight, order, values))
                            indicators.append(Indicator(raw_ind["code"], raw_ind["name"], ind_weight, tuple(questions)))
                        area_weight = _fraction(raw_area["weight"])
                        if sum(i.weight for i in indicators) != area_weight:
                            raise TemplateError(f"{raw_area['code']}: indicator weights do not add up to the area")
                        lever.append(
                            Area(raw_area["code"], aspect, key, area_names[key - 1], area_weight, tuple(indicators))
                        )
            elif component["code"] == "B":
                for target in component["targets"]:
                    indicators = []
                    for raw_item in target["indicators"]:
                        order += 1
                        weight = _fraction(raw_item["weight"])
                        question = _parse_question(raw_item, weight, order, values)
                        indicators.append(Indicator(raw_item["code"], raw_item["name"], weight, (question,)))
                    result.append(
                        Area(target["code"], "hasil", 0, target["name"], _fraction(target["weight"]), tuple(indicators))
                    )
        template = Template(
            code=str(data["code"]),
            version=str(data.get("version", "1")),
            title=str(data.get("title", "")),
            regulation=str(data.get("regulation", "")),
            settings=settings,
            area_names=area_names,
            area_weights=area_weights,
            thresholds=thresholds,
            lever=tuple(lever),
            result=tuple(result),
        )
    except (KeyError, TypeError, IndexError) as exc:
        raise TemplateError(f"template is missing or has a malformed field: {exc}") from exc
    for i, name in enumerate(template.area_names, start=1):
        parts = [a.weight for a in template.lever if a.key == i]
        if sum(parts) != template.area_weights[i - 1]:
            raise TemplateError(f"area {name}: Pemenuhan + Reform weights do not add up to the area weight")
    return template


_FILE_CACHE: dict[Path, tuple[tuple[int, int], Any]] = {}


def _parsed_file(path: Path | str) -> Any:
    """A template file's YAML data, parsed once per process for as long as the file is unchanged (its size and
    modification time). Shared: callers must not change it (:func:`read_template_file` gives a copy)."""
    path = Path(path).resolve()
    stat = path.stat()
    identity = (stat.st_mtime_ns, stat.st_size)
    cached = _FILE_CACHE.get(path)
    if cached is None or cached[0] != identity:
        with open(path, encoding="utf-8") as handle:
            cached = (identity, load_yaml(handle))
        _FILE_CACHE[path] = cached
    return cached[1]


def read_template_file(path: Path | str) -> Any:
    """A template file's YAML data, the caller's own copy (parsed once per process: loading the templates again,
    ``zi lke load`` or every test world, costs no second parse). The data is JSON (it is stored in a JSON field),
    so a JSON round trip copies it, several times faster than ``copy.deepcopy``."""
    return json.loads(json.dumps(_parsed_file(path)))


def load_template_file(path: Path | str) -> Template:
    return parse_template(read_template_file(path))


def available_templates() -> dict[str, Path]:
    """Template code → file, for every template shipped in ``templates_data/``."""
    return {str(_parsed_file(path)["code"]): path for path in sorted(TEMPLATES_DIR.glob("*.yaml"))}
