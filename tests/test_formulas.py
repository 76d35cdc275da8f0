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


# --- exact behaviour pinned by mutation testing (docs/testing.md "Mutation testing") ---------------------------


@pytest.fixture(autouse=True)
def _fresh_parse_cache():
    """parse() caches by expression; mutmut forks each mutant from a process that already ran these tests, so the
    cache is emptied here for every test to parse again."""
    from zi.lke import formulas

    formulas._PARSE_CACHE.clear()


def test_parse_keeps_the_expression_and_the_input_names_and_caches_it():
    parsed = parse("min(a, b) + clamp01(c) - max(d, 1)")
    assert parsed.expression == "min(a, b) + clamp01(c) - max(d, 1)"
    assert parsed.names == frozenset({"a", "b", "c", "d"})
    assert parse("min(a, b) + clamp01(c) - max(d, 1)") is parsed
    assert parse(" a / 4 ").names == frozenset({"a"})


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("a +", "rumus tidak valid: 'a +'"),
        ("a % b", "operator tidak diizinkan dalam rumus 'a % b'"),
        ("~a", "operator tidak diizinkan dalam rumus '~a'"),
        ("True", "konstanta tidak diizinkan dalam rumus 'True'"),
        ("'x'", "konstanta tidak diizinkan dalam rumus \"'x'\""),
        ("abs(a)", "fungsi tidak diizinkan dalam rumus 'abs(a)' (hanya min, max, clamp01)"),
        ("min(a, key=b)", "fungsi tidak diizinkan dalam rumus 'min(a, key=b)' (hanya min, max, clamp01)"),
        ("min()", "jumlah argumen salah dalam rumus 'min()'"),
        ("clamp01(a, b)", "jumlah argumen salah dalam rumus 'clamp01(a, b)'"),
        ("a.b", "unsur Attribute tidak diizinkan dalam rumus 'a.b'"),
    ],
)
def test_formula_errors_name_the_problem(expr, message):
    with pytest.raises(FormulaError) as exc:
        parse(expr)
    assert str(exc.value) == message


def test_allowed_operators_and_functions():
    assert evaluate("-a + 1", {"a": 0.25}) == 0.75
    assert evaluate("+a", {"a": 0.5}) == 0.5
    assert evaluate("a * b - c", {"a": 0.5, "b": 1, "c": 0.25}) == 0.25
    assert evaluate("clamp01(a) / 2", {"a": 1.5}) == 0.5
    assert evaluate("clamp01(a) + 0.5", {"a": -3}) == 0.5
    assert evaluate("min(a) + max(b, c)", {"a": 0.25, "b": 0.5, "c": 0.25}) == 0.75


def test_missing_input_message():
    with pytest.raises(AnswerError) as exc:
        evaluate("a + b", {"a": 1})
    assert str(exc.value) == "Isian 'b' belum diisi"


def test_messages_are_translated_when_django_is_configured():
    from django.utils import translation

    with translation.override("en"), pytest.raises(AnswerError) as exc:
        evaluate("a + b", {"a": 1})
    assert str(exc.value) == "Field 'b' has not been filled in"


def test_zero_denominator_messages_and_default_rule():
    assert evaluate("a / b", {"a": 1, "b": 0}) == 0.0  # the default rule is "zero"
    with pytest.raises(AnswerError) as exc:
        evaluate("a / b", {"a": 1, "b": 0}, "error")
    assert str(exc.value) == "Pembagian dengan nol: penyebut rumus bernilai 0"
    with pytest.raises(AnswerError) as exc:
        evaluate("a / b", {"a": 1, "b": 0}, "error", code="A.II.1.i.a")
    assert str(exc.value) == "Pembagian dengan nol untuk A.II.1.i.a: penyebut rumus bernilai 0"
    assert evaluate("a / b + 0.5", {"a": 3, "b": 0}, "one") == 1.0  # the rule decides the whole item
    assert evaluate("a / b + 0.5", {"a": 0, "b": 0}, "one_if_numerator_zero") == 1.0


def _zd(tpl, code, inputs, settings=None):
    from zi.lke.formulas import zero_denominator

    return zero_denominator(tpl.questions[code], inputs, settings or tpl.settings)


def test_zero_denominator_reports_the_rule_numerator_value_and_weight(tpl):
    from zi.lke.formulas import ZeroDenominator

    agents = {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 3}
    assert _zd(tpl, "A.II.1.i.a", agents) == ZeroDenominator("zero", 3.0, 0.0, 1.0)
    decrease = {"pelanggaran_tahun_lalu": 0, "pelanggaran_tahun_ini": 0, "pelanggaran_disanksi": 0}
    assert _zd(tpl, "A.II.3.iii.a", decrease) == ZeroDenominator("one_if_numerator_zero", 0.0, 1.0, 2.0)


def test_zero_denominator_with_the_error_rule_is_worth_nothing(tpl):
    from dataclasses import replace

    from zi.lke.formulas import ZeroDenominator

    strict = replace(tpl.settings, zero_denominator_overrides={"A.II.1.i.a": "error"})
    agents = {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 3}
    assert _zd(tpl, "A.II.1.i.a", agents, strict) == ZeroDenominator("error", 3.0, 0.0, 1.0)


def test_no_zero_denominator(tpl):
    from dataclasses import replace

    from zi.lke.formulas import zero_denominator

    assert _zd(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": 2, "jumlah_perubahan_dibuat": 3}) is None
    assert _zd(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": 0}) is None  # not fully answered
    assert _zd(tpl, "A.II.1.i.a", None) is None
    assert _zd(tpl, "A.II.1.i.a", {}) is None
    # only computed items: an index item never has one, whatever its formula says
    index = replace(tpl.questions["B.I.a"], formula="ipak / 0")
    assert zero_denominator(index, {"ipak": 3}, tpl.settings) is None


def test_zero_denominator_text():
    from zi.lke.formulas import ZeroDenominator, zero_denominator_text

    assert zero_denominator_text(ZeroDenominator("zero", 1500.0, 0.0, 1.0)) == (
        "1.500/0 — dinilai 0 % menurut aturan template (zero); nilai yang dipertaruhkan 1,00"
    )
    assert zero_denominator_text(ZeroDenominator("one", 2.5, 0.666667, 1.23456)) == (
        "2,5/0 — dinilai 66,67 % menurut aturan template (one); nilai yang dipertaruhkan 1,23"
    )
    assert zero_denominator_text(ZeroDenominator("one", 0.0, 1.0, 2.0)) == (
        "0/0 — dinilai 100 % menurut aturan template (one); nilai yang dipertaruhkan 2,00"
    )
    assert zero_denominator_text(ZeroDenominator("one", 0.0, 0.5, 2 / 3)) == (
        "0/0 — dinilai 50 % menurut aturan template (one); nilai yang dipertaruhkan 0,67"
    )


def test_input_messages_are_exact(tpl):
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "B.I.a", [3])
    assert str(exc.value) == "“IPAK” harus berupa angka."
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "B.I.a", 4.01)
    assert str(exc.value) == "Nilai IPAK untuk B.I.a harus antara 0 dan 4, bukan 4,01"
    assert norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": "1.500", "jumlah_perubahan_dibuat": "750"}).value == 0.5
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": "sepuluh", "jumlah_perubahan_dibuat": 1})
    assert "“Jumlah Agen Perubahan”" in str(exc.value)
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": "2,5", "jumlah_perubahan_dibuat": 1})
    assert "“Jumlah Agen Perubahan”" in str(exc.value)


def test_blank_answers_are_exactly_unanswered(tpl):
    assert norm(tpl, "A.I.1.i.a", None) == NormalizedAnswer("", None, None)
    assert norm(tpl, "A.I.1.i.a", " ") == NormalizedAnswer("", None, None)
    assert norm(tpl, "B.I.a", {"ipak": " "}) == NormalizedAnswer("", None, None)
    assert norm(tpl, "B.I.a", {"ipak": None}) == NormalizedAnswer("", None, None)


def test_answer_shape_messages_are_exact(tpl):
    cases = [
        ("A.I.1.i.b", 1, "Jawaban untuk A.I.1.i.b harus berupa pilihan (A, B, C), bukan 1"),
        ("B.I.a", {"ipkp": 3}, "Jawaban untuk B.I.a harus {'ipak': angka 0–4}; kunci tidak dikenal/kurang"),
        ("B.I.a", {"ipak": 3, "x": 1}, "Jawaban untuk B.I.a harus {'ipak': angka 0–4}; kunci tidak dikenal/kurang"),
        ("B.I.a", -0.1, "Nilai IPAK untuk B.I.a harus antara 0 dan 4, bukan -0,1"),
        (
            "A.II.1.i.a",
            "A",
            "Jawaban untuk A.II.1.i.a harus berupa isian angka: jumlah_agen_perubahan, jumlah_perubahan_dibuat",
        ),
    ]
    for code, raw, message in cases:
        with pytest.raises(AnswerError) as exc:
            norm(tpl, code, raw)
        assert str(exc.value) == message, (code, raw)
        assert exc.value.problems == [message]
    assert norm(tpl, "B.I.a", 0) == NormalizedAnswer("", {"ipak": 0.0}, 0.0)  # both bounds are allowed
    assert norm(tpl, "B.I.a", {"ipak": 4}) == NormalizedAnswer("", {"ipak": 4.0}, 1.0)


def test_computed_problems_are_listed_exactly(tpl):
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": -2, "x": 1, "y": 2})
    problems = [
        "Isian tidak dikenal untuk A.II.1.i.a: x, y (isian: jumlah_agen_perubahan, jumlah_perubahan_dibuat)",
        "Isian belum diisi untuk A.II.1.i.a: “Jumlah Perubahan yang dibuat”",
        "“Jumlah Agen Perubahan” tidak boleh negatif (-2).",
    ]
    assert exc.value.problems == problems
    assert str(exc.value) == "; ".join(problems)
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": None, "jumlah_perubahan_dibuat": "  "})
    assert exc.value.problems == [
        "Isian belum diisi untuk A.II.1.i.a: “Jumlah Agen Perubahan”, “Jumlah Perubahan yang dibuat”"
    ]
    assert norm(tpl, "A.II.1.i.a", {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 0}).inputs == {
        "jumlah_agen_perubahan": 0.0,
        "jumlah_perubahan_dibuat": 0.0,
    }  # zero is not negative


def test_an_input_may_not_exceed_its_limit(tpl):
    raw = {"jumlah_perubahan_dibuat": 1000, "jumlah_perubahan_terintegrasi": 1500}
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.II.1.i.b", raw)
    assert exc.value.problems == [
        "“Jumlah Perubahan yang telah diintegrasikan dalam sistem manajemen” (1.500) tidak boleh lebih besar dari "
        "“Jumlah Perubahan yang dibuat” (1.000)."
    ]
    equal = norm(tpl, "A.II.1.i.b", {"jumlah_perubahan_dibuat": 4, "jumlah_perubahan_terintegrasi": 4})
    assert equal.inputs == {"jumlah_perubahan_dibuat": 4.0, "jumlah_perubahan_terintegrasi": 4.0}


def test_rounding_helpers():
    from fractions import Fraction

    from zi.lke.formulas import quantize_value, round_half_up, value_units

    assert evaluate("a / 2000000", {"a": 1}) == 0.000001  # half a millionth rounds up
    assert evaluate("a / 2500000", {"a": 1}) == 0.0
    assert quantize_value(Fraction(2, 3)) == 0.666667
    assert value_units(0.666667) == 666667
    assert round_half_up(Fraction(1, 8)) == 13  # 12.5 hundredths -> 13
    assert round_half_up(Fraction(1234, 1000)) == 123
    assert round_half_up(Fraction(1, 8), 3) == 125
    assert round_half_up(Fraction(-1, 8)) == -12


def test_answers_are_read_the_indonesian_way_whatever_the_interface_language(tpl):
    from django.utils import translation

    raw = {"jumlah_agen_perubahan": "1.500", "jumlah_perubahan_dibuat": "750"}
    with translation.override("en"):
        assert norm(tpl, "A.II.1.i.a", raw).inputs == {
            "jumlah_agen_perubahan": 1500.0,
            "jumlah_perubahan_dibuat": 750.0,
        }


def test_every_input_is_checked_whatever_the_one_before_it(tpl):
    """A missing, unreadable or negative input does not stop the check of the inputs after it."""
    cases = [
        (
            {"jumlah_perubahan_dibuat": -3},
            [
                "Isian belum diisi untuk A.II.1.i.a: “Jumlah Agen Perubahan”",
                "“Jumlah Perubahan yang dibuat” tidak boleh negatif (-3).",
            ],
        ),
        (
            {"jumlah_agen_perubahan": "sepuluh", "jumlah_perubahan_dibuat": -3},
            [
                "“Jumlah Agen Perubahan” harus berupa angka, bukan “sepuluh” (mis. 1.000 atau 2,5).",
                "“Jumlah Perubahan yang dibuat” tidak boleh negatif (-3).",
            ],
        ),
        (
            {"jumlah_agen_perubahan": -2, "jumlah_perubahan_dibuat": "tujuh"},
            [
                "“Jumlah Agen Perubahan” tidak boleh negatif (-2).",
                "“Jumlah Perubahan yang dibuat” harus berupa angka, bukan “tujuh” (mis. 1.000 atau 2,5).",
            ],
        ),
    ]
    for raw, problems in cases:
        with pytest.raises(AnswerError) as exc:
            norm(tpl, "A.II.1.i.a", raw)
        assert exc.value.problems == problems, raw


def test_a_limit_is_checked_only_between_valid_numbers(tpl):
    part = "“Jumlah Perubahan yang telah diintegrasikan dalam sistem manajemen”"
    for raw, problem in [
        ({"jumlah_perubahan_dibuat": 4, "jumlah_perubahan_terintegrasi": -1}, f"{part} tidak boleh negatif (-1)."),
        (
            {"jumlah_perubahan_dibuat": -1, "jumlah_perubahan_terintegrasi": 4},
            "“Jumlah Perubahan yang dibuat” tidak boleh negatif (-1).",
        ),
    ]:
        with pytest.raises(AnswerError) as exc:
            norm(tpl, "A.II.1.i.b", raw)
        assert exc.value.problems == [problem]


def test_a_limit_of_several_inputs_names_them_all(tpl):
    raw = {"wajib_lhkpn_kepala_satker": 1, "wajib_lhkpn_pejabat": 1, "wajib_lhkpn_lainnya": 1}
    with pytest.raises(AnswerError) as exc:
        norm(tpl, "A.II.5.iii.a", {**raw, "lhkpn_sudah_melaporkan": 4})
    assert exc.value.problems == [
        "“Jumlah yang sudah melaporkan” (4) tidak boleh lebih besar dari “Jumlah yang harus melaporkan - Kepala "
        "satuan kerja” + “Jumlah yang harus melaporkan - Pejabat yang diwajibkan menyampaikan LHKPN” + “Jumlah yang "
        "harus melaporkan - Lainnya” (3)."
    ]


def test_a_computed_answer_is_whole(tpl):
    raw = {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7}
    assert norm(tpl, "A.II.1.i.a", raw) == NormalizedAnswer(
        "", {"jumlah_agen_perubahan": 10.0, "jumlah_perubahan_dibuat": 7.0}, 0.7
    )


def test_the_error_rule_refuses_a_zero_denominator_by_the_items_code(tpl):
    from dataclasses import replace

    settings = replace(tpl.settings, zero_denominator_overrides={"A.II.1.i.a": "error"})
    raw = {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 0}
    with pytest.raises(AnswerError) as exc:
        normalize_answer(tpl.questions["A.II.1.i.a"], raw, settings)
    assert exc.value.problems == ["Pembagian dengan nol untuk A.II.1.i.a: penyebut rumus bernilai 0"]


def test_an_unknown_answer_type_is_refused_by_name(tpl):
    from dataclasses import replace

    question = replace(tpl.questions["A.I.1.i.a"], answer_type="teks")
    with pytest.raises(AnswerError) as exc:
        normalize_answer(question, "Ya", tpl.settings)
    assert exc.value.problems == ["Jenis jawaban 'teks' untuk A.I.1.i.a tidak dikenal"]
