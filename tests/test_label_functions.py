"""The one-function-per-fact labels behind the page words test (issue #22)."""

from __future__ import annotations

from django.utils import translation

from zi.assessments.models import lane_label
from zi.lke.formulas import formula_sentence
from zi.surveys.models import Instrument, quarter_label


def test_quarter_label_reads_as_a_quarter():
    assert quarter_label(20261) == "Triwulan I 2026"
    assert quarter_label(20264) == "Triwulan IV 2026"
    with translation.override("en"):
        assert quarter_label(20262) == "Quarter II 2026"


def test_lane_label_names_the_lane():
    assert lane_label("self") == "Penilaian mandiri"
    assert lane_label("review") == "Reviu Kanwil/Eselon I"
    assert lane_label("other") == "other"


def test_formula_sentence_uses_the_input_labels():
    labels = {"a": "Jumlah yang sudah melaporkan", "b": "Wajib A", "c": "Wajib B", "d": "Wajib C"}
    assert formula_sentence("min(1, a / (b + c + d))", labels) == (
        "Jumlah yang sudah melaporkan dibagi (Wajib A ditambah Wajib B ditambah Wajib C), paling tinggi 1"
    )
    assert formula_sentence("clamp01((x - y) / x)", {"x": "X", "y": "Y"}) == "(X dikurangi Y) dibagi X, antara 0 dan 1"
    assert formula_sentence("import os", {}) == "import os"  # outside the whitelist: as written


def test_formula_sentence_reads_every_form_the_whitelist_allows():
    cases = {
        "a * b * 2.5": "a dikali b dikali 2,5",  # the same operator chains without brackets; a decimal comma
        "(a - b) + c": "(a dikurangi b) ditambah c",  # another operator keeps its brackets
        "jumlah_pegawai / 2": "jumlah pegawai dibagi 2",  # an input without a label: its key in words
        "-(a + b)": "−(a ditambah b)",
        "+a": "a",
        "max(0, a)": "a, paling rendah 0",
        "min(a)": "terkecil dari a",
        "min(a, b)": "terkecil dari a; b",
        "min(1, a, b)": "terkecil dari 1; a; b",
        "max(a, b)": "terbesar dari a; b",
    }
    for expr, sentence in cases.items():
        assert formula_sentence(expr, {}) == sentence, expr
    with translation.override("en"):
        assert formula_sentence("max(0, a * b)", {"a": "A"}) == "A times b, at least 0"
        assert formula_sentence("max(a, b)", {}) == "the largest of a; b"


def test_instrument_short_title_is_never_the_code():
    assert Instrument(code="ipak-zi", title="Survei Persepsi Anti Korupsi (IPAK)").short_title == "IPAK"
    skm = Instrument(code="skm-14-2017", title="Survei Kepuasan Masyarakat (PermenPAN-RB 14/2017)")
    assert skm.short_title == "Survei Kepuasan Masyarakat"
    assert Instrument(code="x", title="Survei Lain").short_title == "Survei Lain"
