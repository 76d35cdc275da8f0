"""Answer normalisation and the safe formula evaluator (pure, no database)."""

from __future__ import annotations

import pytest

from zi.lke.formulas import AnswerError, FormulaError, NormalizedAnswer, evaluate, normalize_answer, parse
from zi.lke.spec import TEMPLATES_DIR, load_template_file


@pytest.fixture(scope="module")
def tpl():
    return load_template_file(TEMPLATES_DIR / "permenpanrb-90-2021.yaml")


def norm(tpl, code, raw):
    return normalize_answer(tpl.questions[code], raw, tpl.settings)


@pytest.mark.parametrize(
    ("code", "raw", "choice", "value"),
    [
        ("A.I.1.i.a", "Ya", "Ya", 1.0),  # ya_tidak
        ("A.I.1.i.a", "tidak", "Tidak", 0.0),  # case-insensitive, canonical key stored
        ("A.I.1.i.b", "B", "B", 0.5),  # abc
        ("A.I.1.i.b", "c", "C", 0.0),
        ("A.I.1.iii.a", "B", "B", 0.67),  # abcd
        ("A.I.1.iii.a", "C", "C", 0.33),
        ("A.I.2.i.b", "D", "D", 0.25),  # abcde
        ("A.I.2.i.b", " a ", "A", 1.0),
    ],
)
def test_choice_values_come_from_the_version_table(tpl, code, raw, choice, value):
    assert norm(tpl, code, raw) == NormalizedAnswer(choice, None, value)


def test_unknown_choice_message_lists_the_options(tpl):
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.I.1.i.b", "F")
    assert str(exc.value) == "Pilihan 'F' tidak ada untuk A.I.1.i.b (pilihan: A, B, C)"
    with pytest.raises(AnswerError):
        norm(tpl, "A.I.1.i.a", 1)


def test_blank_is_unanswered(tpl):
    assert norm(tpl, "A.I.1.i.a", None).value is None
    assert norm(tpl, "A.I.1.i.a", "  ").value is None
    assert norm(tpl, "B.I.a", "").value is None


def test_computed_ratio_and_cap(tpl):
    # 7 changes by 10 agents = 70 %; 12 changes by 10 agents capped at 100 %.
    a = norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7})
    assert a.value == 0.7 and a.inputs == {"jumlah_agen_perubahan": 10.0, "jumlah_perubahan_dibuat": 7.0}
    assert norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 12}).value == 1.0
    # strings that parse as finite numbers are accepted
    assert norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": "4", "jumlah_perubahan_dibuat": "1"}).value == 0.25
    # LHKPN: 2 of (1 + 1 + 1) obliged reported = 66.6667 % (values are kept to 6 decimals)
    lhkpn = {"wajib_lhkpn_kepala_satker": 1, "wajib_lhkpn_pejabat": 1, "wajib_lhkpn_lainnya": 1}
    assert norm(tpl, "A.II.5.iii.a", {**lhkpn, "lhkpn_sudah_melaporkan": 2}).value == 0.666667
    # complaints: finished / must be handled, capped
    c = {"pengaduan_harus_ditindaklanjuti": 4, "pengaduan_sedang_diproses": 1, "pengaduan_selesai": 3}
    assert norm(tpl, "A.II.5.ii.a", c).value == 0.75


def test_zero_denominator_default_rule_is_zero(tpl):
    assert norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 0}).value == 0.0
    assert norm(tpl, "A.II.4.i.a", {"jumlah_sasaran": 0, "jumlah_sasaran_tercapai": 0}).value == 0.0
    assert norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 3}).value == 0.0


def test_disciplinary_decrease_rules(tpl):
    def v(last, this):
        raw = {"pelanggaran_tahun_lalu": last, "pelanggaran_tahun_ini": this, "pelanggaran_disanksi": 0}
        return norm(tpl, "A.II.3.iii.a", raw).value

    assert v(4, 1) == 0.75  # (4 - 1) / 4
    assert v(1, 0) == 1.0  # the regulation's example
    assert v(0, 0) == 1.0  # both years 0: 100 % like the official workbook (one_if_numerator_zero)
    assert v(0, 3) == 0.0  # last year 0, this year 3: violations rose
    assert v(2, 5) == 0.0  # an increase is clamped to 0


@pytest.mark.parametrize(("rule", "expected"), [("zero", 0.0), ("one", 1.0), ("one_if_numerator_zero", 0.0)])
def test_evaluate_zero_rules(rule, expected):
    assert evaluate("min(1, a / b)", {"a": 3, "b": 0}, rule) == expected
    assert evaluate("min(1, a / b)", {"a": 0, "b": 0}, "one_if_numerator_zero") == 1.0


def test_evaluate_error_rule_raises_and_results_are_clamped():
    with pytest.raises(AnswerError, match="Pembagian dengan nol"):
        evaluate("a / b", {"a": 1, "b": 0}, "error")
    assert evaluate("a - b", {"a": 1, "b": 5}, "zero") == 0.0
    assert evaluate("a / b", {"a": 5, "b": 1}, "zero") == 1.0
    assert evaluate("max(a, b) * 2 - -0", {"a": 0.1, "b": 0.2}, "zero") == 0.4
    assert evaluate("ipak / 4", {"ipak": 3.71}, "zero") == 0.9275


@pytest.mark.parametrize(
    "expr",
    ["__import__('os').system('true')", "a.b", "a ** 2", "(lambda: 1)()", "open('x')", "a if b else c", "[a]", "'x'"],
)
def test_formula_whitelist(expr):
    with pytest.raises(FormulaError):
        parse(expr)


def test_template_formulas_use_only_declared_inputs(tpl):
    for q in tpl.questions.values():
        if q.answer_type == "computed_percentage":
            assert parse(q.formula).names <= {i.key for i in q.inputs}, q.code


@pytest.mark.parametrize(
    "raw",
    [
        {"jumlah_agen_perubahan": -1, "jumlah_perubahan_dibuat": 1},
        {"jumlah_agen_perubahan": True, "jumlah_perubahan_dibuat": 1},
        {"jumlah_agen_perubahan": "sepuluh", "jumlah_perubahan_dibuat": 1},
        {"jumlah_agen_perubahan": "nan", "jumlah_perubahan_dibuat": 1},
        {"jumlah_agen_perubahan": float("inf"), "jumlah_perubahan_dibuat": 1},
        {"jumlah_agen_perubahan": 1},
        {"jumlah_agen_perubahan": 1, "jumlah_perubahan_dibuat": 1, "lain": 2},
        "A",
        5,
    ],
)
def test_bad_computed_inputs(tpl, raw):
    with pytest.raises(AnswerError):
        norm(tpl, "A.II.1.i.a", raw)


def test_computed_errors_are_all_listed(tpl):
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": -2, "x": 1})
    assert len(exc.value.problems) == 3
    assert "“Jumlah Agen Perubahan” tidak boleh negatif (-2)." in exc.value.problems  # the label, not the key


def test_index_answers(tpl):
    assert norm(tpl, "B.I.a", 3.71) == NormalizedAnswer("", {"ipak": 3.71}, 0.9275)
    assert norm(tpl, "B.I.a", {"ipak": 3.6}).value == 0.9
    assert norm(tpl, "B.II.a", "3.2").value == 0.8
    assert norm(tpl, "B.II.a", 4).value == 1.0
    for bad in (4.01, -0.1, True, "x", {"ipkp": 3}, [3]):
        with pytest.raises(AnswerError):
            norm(tpl, "B.I.a", bad)
