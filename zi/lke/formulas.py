"""Answer normalisation and a safe evaluator for the template's ``value_formula`` strings.

Pure Python (no Django): used by the scoring engine, the CLI and the answer-saving services.

Formulas are parsed with :mod:`ast` and only a whitelist is evaluated: numbers, input names, ``+ - * /``,
unary minus and calls to ``min``, ``max`` and ``clamp01``. Arithmetic is exact (:class:`fractions.Fraction`).
A division by zero anywhere in the formula applies the question's zero-denominator rule to the *whole*
item (``Settings.zero_denominator_rule(code)``):

- ``zero``: the item value is 0 (nothing to show, nothing earned);
- ``one``: the item value is 1;
- ``one_if_numerator_zero``: 1 when the numerator of the failing division is 0, else 0. For A.II.3.iii.a
  (decrease of disciplinary violations, ``(last - this) / last``): both years 0 → 100 %, like the official
  workbook; last year 0 and this year > 0 → 0, because violations rose (the workbook shows a division error);
- ``error``: raise :class:`AnswerError`.

The result is clamped to [0, 1] and quantised to 6 decimals (a percentage with 4 decimals), so that the
per-answer engine and the set-based SQL rescoring, which sums values in millionths, agree exactly.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol


class Input(Protocol):
    """What this module reads of one input of a computed item (:class:`zi.lke.spec.Input`). The spec imports
    this module, never the other way round, so the shapes it needs are stated here."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def whole(self) -> bool: ...
    @property
    def at_most(self) -> tuple[str, ...]: ...


class Question(Protocol):
    """What this module reads of a question (:class:`zi.lke.spec.Question`)."""

    @property
    def code(self) -> str: ...
    @property
    def answer_type(self) -> str: ...
    @property
    def weight(self) -> Fraction: ...
    @property
    def inputs(self) -> Sequence[Input]: ...
    @property
    def formula(self) -> str: ...
    @property
    def option_keys(self) -> tuple[str, ...]: ...
    def option_value(self, key: str) -> float | None: ...


class Settings(Protocol):
    """What this module reads of a template's settings (:class:`zi.lke.spec.Settings`)."""

    @property
    def answer_values(self) -> dict[str, dict[str, float]]: ...
    def zero_denominator_rule(self, code: str) -> str: ...


VALUE_SCALE = 1_000_000  # values are stored and summed in millionths
_CHOICE_TYPES = ("ya_tidak", "abc", "abcd", "abcde")
_FUNCTIONS = ("min", "max", "clamp01")


def _(message: str) -> str:
    """Translate a user-facing message (Django's gettext), or keep the Indonesian source outside Django."""
    try:
        # lazy: the engine also runs without Django configured (a fallback follows)
        from django.conf import settings as django_settings

        if not django_settings.configured:
            return message
        from django.utils.translation import (
            gettext,
        )  # lazy: the engine also runs without Django configured (a fallback follows)
    except ImportError:  # pragma: no cover - Django is a dependency; the engine itself does not need it
        return message
    return gettext(message)


class AnswerError(ValueError):
    """An answer (or a whole answer document) is not valid; the message is Indonesian and meant for people."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class FormulaError(ValueError):
    """The formula uses something outside the whitelist (a template error, not a user error)."""


class _DivisionByZero(Exception):
    def __init__(self, numerator: Fraction) -> None:
        super().__init__("division by zero")  # pragma: no mutate - internal, never shown (caught in evaluate)
        self.numerator = numerator


def quantize_value(value: float | Fraction) -> float:
    """A 0..1 value rounded to 6 decimals (half up), as stored."""
    units = (Fraction(value) * VALUE_SCALE + Fraction(1, 2)).__floor__()
    return units / VALUE_SCALE


def value_units(value: float) -> int:
    """The value in millionths (the exact integer both scoring paths use)."""
    return round(value * VALUE_SCALE)


@dataclass(frozen=True)
class ParsedFormula:
    expression: str
    tree: ast.Expression
    names: frozenset[str]


_PARSE_CACHE: dict[str, ParsedFormula] = {}


def parse(expr: str) -> ParsedFormula:
    """Parse and check a formula against the whitelist; raises :class:`FormulaError`."""
    cached = _PARSE_CACHE.get(expr)
    if cached is not None:
        return cached
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"rumus tidak valid: {expr!r}") from exc
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Load | ast.Add | ast.Sub | ast.Mult | ast.Div | ast.USub | ast.UAdd):
            continue
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
                raise FormulaError(f"operator tidak diizinkan dalam rumus {expr!r}")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise FormulaError(f"operator tidak diizinkan dalam rumus {expr!r}")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise FormulaError(f"konstanta tidak diizinkan dalam rumus {expr!r}")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
                raise FormulaError(f"fungsi tidak diizinkan dalam rumus {expr!r} (hanya min, max, clamp01)")
            if not node.args or (node.func.id == "clamp01" and len(node.args) != 1):
                raise FormulaError(f"jumlah argumen salah dalam rumus {expr!r}")
        elif isinstance(node, ast.Name):
            if node.id not in _FUNCTIONS:
                names.add(node.id)
        else:
            raise FormulaError(f"unsur {type(node).__name__} tidak diizinkan dalam rumus {expr!r}")
    parsed = ParsedFormula(expr, tree, frozenset(names))
    _PARSE_CACHE[expr] = parsed
    return parsed


def _eval(node: ast.AST, inputs: Mapping[str, Fraction]) -> Fraction:
    if isinstance(node, ast.Expression):
        return _eval(node.body, inputs)
    if isinstance(node, ast.Constant):
        return Fraction(str(node.value))
    if isinstance(node, ast.Name):
        try:
            return inputs[node.id]
        except KeyError:
            raise AnswerError(_("Isian '%(key)s' belum diisi") % {"key": node.id}) from None
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, inputs)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, inputs)
        right = _eval(node.right, inputs)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise _DivisionByZero(left)
        return left / right
    if isinstance(node, ast.Call):
        args = [_eval(arg, inputs) for arg in node.args]
        name = node.func.id  # type: ignore[attr-defined]
        if name == "min":
            return min(args)
        if name == "max":
            return max(args)
        return min(Fraction(1), max(Fraction(0), args[0]))
    raise FormulaError(f"unsur {type(node).__name__}")  # pragma: no cover, no mutate - parse() rejects it


def evaluate(expr: str, inputs: Mapping[str, float], zero_rule: str = "zero", *, code: str = "") -> float:
    """Evaluate ``expr`` with ``inputs``; the result is clamped to [0, 1] and quantised to 6 decimals."""
    parsed = parse(expr)
    exact = {key: Fraction(str(value)) for key, value in inputs.items()}
    try:
        result = _eval(parsed.tree, exact)
    except _DivisionByZero as exc:
        if zero_rule == "zero":
            return 0.0
        if zero_rule == "one":
            return 1.0
        if zero_rule == "one_if_numerator_zero":
            return 1.0 if exc.numerator == 0 else 0.0
        if code:
            message = _("Pembagian dengan nol untuk %(code)s: penyebut rumus bernilai 0") % {"code": code}
        else:
            message = _("Pembagian dengan nol: penyebut rumus bernilai 0")
        raise AnswerError(message) from None
    return quantize_value(min(Fraction(1), max(Fraction(0), result)))


@dataclass(frozen=True)
class ZeroDenominator:
    """A computed answer whose formula divides by zero, so the template's zero-denominator rule decided its value
    (the regulation and the official workbook give no value: the workbook shows #DIV/0!)."""

    rule: str  # one of spec.ZERO_DENOMINATOR_RULES (never "error": such answers are refused)
    numerator: float  # the numerator of the failing division (0 for "0/0")
    value: float  # the 0..1 value the rule gave
    weight: float  # the item's weight in the LKE: the points at stake


def zero_denominator(
    question: Question, inputs: Mapping[str, float] | None, settings: Settings
) -> ZeroDenominator | None:
    """The zero-denominator rule applied to a computed answer's ``inputs``, or ``None`` when its formula divides
    by a non-zero number (or the item is not computed, or not answered). One place for the worksheet, every lane
    and the exports."""
    if question.answer_type != "computed_percentage" or not question.formula or not inputs:
        return None
    if any(i.key not in inputs for i in question.inputs):
        return None
    exact = {key: Fraction(str(value)) for key, value in inputs.items()}
    try:
        _eval(parse(question.formula).tree, exact)
    except _DivisionByZero as exc:
        rule = settings.zero_denominator_rule(question.code)
        try:
            value = evaluate(question.formula, inputs, rule)
        except AnswerError:  # the "error" rule: such answers are refused when saved; worth nothing here
            value = 0.0
        return ZeroDenominator(rule, float(exc.numerator), value, float(question.weight))
    except AnswerError:
        return None
    return None


def zero_denominator_text(zero: ZeroDenominator) -> str:
    """The one sentence every surface shows for a zero denominator (worksheet, lanes, the Catatan sheet), e.g.
    "0/0 — dinilai 0 % menurut aturan template (zero); nilai yang dipertaruhkan 3,00"."""
    # lazy: the engine also runs without Django configured (a fallback follows)
    from zi.core.numbers import number_input_value

    try:
        # lazy: the engine also runs without Django configured (a fallback follows)
        from django.utils.formats import number_format

        points = number_format(round(zero.weight, 2), 2)  # localised by default (Django 5)
        percent = number_format(round(zero.value * 100, 2), 0 if (zero.value * 100).is_integer() else 2)
        numerator = number_input_value(zero.numerator)
    except Exception:  # pragma: no cover - Django not configured
        points, percent = f"{zero.weight:.2f}", f"{zero.value * 100:g}"  # pragma: no mutate - fallback outside Django
        numerator = _fmt(zero.numerator)  # pragma: no mutate - fallback outside Django
    return _(
        "%(numerator)s/0 — dinilai %(percent)s %% menurut aturan template (%(rule)s); "
        "nilai yang dipertaruhkan %(points)s"
    ) % {"numerator": numerator, "percent": percent, "rule": zero.rule, "points": points}


@dataclass(frozen=True)
class NormalizedAnswer:
    """A validated answer: the canonical choice key (or ""), the numeric inputs (or None) and the 0..1 value
    (None when unanswered)."""

    choice: str
    inputs: dict[str, float] | None
    value: float | None


def _fmt(number: float) -> str:
    text = f"{number:g}"
    return text.replace(".", ",")


def _number(raw: object, label: str, whole: bool = False, below_thousand: bool = False) -> float:
    """One input as a float: numbers as they are, text read the Indonesian way ("1.000" = 1000, "2,5" = 2.5) by
    the one parser every entry point shares (:func:`zi.core.numbers.parse_number`); the message names ``label``."""
    # lazy: the engine also runs without Django configured
    from zi.core.numbers import FILE_LANGUAGE, NumberError, parse_number

    try:
        return float(parse_number(raw, label=label, whole=whole, below_thousand=below_thousand, lang=FILE_LANGUAGE))
    except NumberError as exc:
        raise AnswerError(str(exc)) from None


def _fmt_count(number: float) -> str:
    """A number in a message, the Indonesian way (1.000; 2,5)."""
    # lazy: the engine also runs without Django configured (a fallback follows)
    from zi.core.numbers import number_input_value

    try:
        return number_input_value(number)
    except Exception:  # pragma: no cover - Django not configured
        return _fmt(number)  # pragma: no mutate - fallback outside Django


def normalize_answer(question: Question, raw: object, settings: Settings) -> NormalizedAnswer:
    """Validate one raw answer and compute its 0..1 value; raises :class:`AnswerError` (Indonesian)."""
    code = question.code
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return NormalizedAnswer("", None, None)
    kind = question.answer_type
    if kind in _CHOICE_TYPES:
        keys = question.option_keys
        if not isinstance(raw, str):
            raise AnswerError(
                _("Jawaban untuk %(code)s harus berupa pilihan (%(choices)s), bukan %(value)r")
                % {"code": code, "choices": ", ".join(keys), "value": raw}
            )
        text = raw.strip()
        key = next((k for k in keys if k.casefold() == text.casefold()), None)
        if key is None:
            raise AnswerError(
                _("Pilihan '%(key)s' tidak ada untuk %(code)s (pilihan: %(choices)s)")
                % {"key": text, "code": code, "choices": ", ".join(keys)}
            )
        value = question.option_value(key)  # the template's table for the type (zi.lke.spec fills the options)
        assert value is not None  # key is one of option_keys
        return NormalizedAnswer(key, None, quantize_value(value))
    if kind == "index_0_4":
        name = question.inputs[0].key  # zi.lke.spec gives every index item its one input
        if isinstance(raw, Mapping):
            if set(raw) != {name}:
                raise AnswerError(
                    _("Jawaban untuk %(code)s harus {'%(key)s': angka 0–4}; kunci tidak dikenal/kurang")
                    % {"code": code, "key": name}
                )
            raw = raw[name]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                return NormalizedAnswer("", None, None)
        index = _number(raw, question.inputs[0].label, below_thousand=True)
        if not 0 <= index <= 4:
            raise AnswerError(
                _("Nilai %(key)s untuk %(code)s harus antara 0 dan 4, bukan %(value)s")
                % {"key": name.upper(), "code": code, "value": _fmt(index)}
            )
        return NormalizedAnswer("", {name: index}, quantize_value(Fraction(str(index)) / 4))
    if kind == "computed_percentage":
        if not isinstance(raw, Mapping):
            raise AnswerError(
                _("Jawaban untuk %(code)s harus berupa isian angka: %(keys)s")
                % {"code": code, "keys": ", ".join(i.key for i in question.inputs)}
            )
        declared = [i.key for i in question.inputs]
        problems = []
        unknown = sorted(str(k) for k in raw if k not in declared)
        if unknown:
            problems.append(
                _("Isian tidak dikenal untuk %(code)s: %(keys)s (isian: %(declared)s)")
                % {"code": code, "keys": ", ".join(unknown), "declared": ", ".join(declared)}
            )
        labels = {i.key: i.label for i in question.inputs}
        missing = [
            k for k in declared if k not in raw or raw[k] is None or (isinstance(raw[k], str) and not raw[k].strip())
        ]
        if missing:
            problems.append(
                _("Isian belum diisi untuk %(code)s: %(keys)s")
                % {"code": code, "keys": ", ".join(f"“{labels[k]}”" for k in missing)}
            )
        inputs: dict[str, float] = {}
        for item in question.inputs:
            if item.key in missing:  # every declared key not in raw is missing
                continue
            try:
                number = _number(raw[item.key], item.label, whole=item.whole)
            except AnswerError as exc:
                problems.append(str(exc))
                continue
            if number < 0:
                problems.append(
                    _("“%(label)s” tidak boleh negatif (%(value)s).")
                    % {"label": item.label, "value": _fmt_count(number)}
                )
                continue
            inputs[item.key] = number
        for item in question.inputs:
            if not item.at_most or item.key not in inputs or any(k not in inputs for k in item.at_most):
                continue
            limit = sum(Fraction(str(inputs[k])) for k in item.at_most)
            if Fraction(str(inputs[item.key])) > limit:
                problems.append(
                    _("“%(label)s” (%(value)s) tidak boleh lebih besar dari %(limit_labels)s (%(limit)s).")
                    % {
                        "label": item.label,
                        "value": _fmt_count(inputs[item.key]),
                        "limit_labels": " + ".join(f"“{labels[k]}”" for k in item.at_most),
                        "limit": _fmt_count(float(limit)),
                    }
                )
        if problems:
            raise AnswerError("; ".join(problems), problems)
        rule = settings.zero_denominator_rule(code)
        value = evaluate(question.formula, inputs, rule, code=code)
        return NormalizedAnswer("", inputs, value)
    raise AnswerError(_("Jenis jawaban %(kind)r untuk %(code)s tidak dikenal") % {"kind": kind, "code": code})


def round_half_up(value: Fraction, places: int = 2) -> int:
    """``value`` rounded half up to ``places`` decimals, as an integer count of 10**-places (exact)."""
    scaled = value * 10**places
    return (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)


def formula_sentence(expr: str, labels: Mapping[str, str]) -> str:
    """A formula as a sentence a person reads, each input by its label (``labels``: key → label):
    ``min(1, pengaduan_selesai / pengaduan_harus_ditindaklanjuti)`` → "Pengaduan selesai dibagi Pengaduan harus
    ditindaklanjuti, paling tinggi 1". An expression outside the whitelist is returned as written."""
    try:
        tree = parse(expr).tree
    except FormulaError:
        return expr
    words = {ast.Add: _("ditambah"), ast.Sub: _("dikurangi"), ast.Mult: _("dikali"), ast.Div: _("dibagi")}

    def say(node: ast.AST, nested: bool = False) -> str:
        if isinstance(node, ast.Expression):
            return say(node.body)
        if isinstance(node, ast.Name):
            return labels.get(node.id, node.id.replace("_", " "))
        if isinstance(node, ast.Constant):
            return str(node.value).replace(".", ",")
        if isinstance(node, ast.UnaryOp):
            return ("−" if isinstance(node.op, ast.USub) else "") + say(node.operand, True)
        if isinstance(node, ast.BinOp):
            same = isinstance(node.left, ast.BinOp) and type(node.left.op) is type(node.op)
            chained = same and isinstance(node.op, ast.Add | ast.Mult)  # a + b + c reads without brackets
            text = f"{say(node.left, not chained)} {words[type(node.op)]} {say(node.right, True)}"
            return f"({text})" if nested else text
        if isinstance(node, ast.Call):
            args = node.args
            name = node.func.id  # type: ignore[attr-defined]
            if name == "clamp01" and len(args) == 1:
                return _("%(value)s, antara 0 dan 1") % {"value": say(args[0])}
            if name in ("min", "max") and len(args) == 2 and isinstance(args[0], ast.Constant):
                bound = _("paling tinggi") if name == "min" else _("paling rendah")
                return f"{say(args[1])}, {bound} {say(args[0])}"
            joined = "; ".join(say(a) for a in args)
            return (_("terkecil dari %(values)s") if name == "min" else _("terbesar dari %(values)s")) % {
                "values": joined
            }
        return expr

    return say(tree)
