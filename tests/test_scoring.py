"""The pure scoring and eligibility engine: hand computations and every threshold edge (PermenPAN-RB 90/2021)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zi.lke import scoring
from zi.lke.formulas import AnswerError, value_units
from zi.lke.spec import TEMPLATES_DIR, load_template_file

TPL = load_template_file(TEMPLATES_DIR / "permenpanrb-90-2021.yaml")
LEVER = [q.code for a in TPL.lever for i in a.indicators for q in i.questions]
IPAK, KINERJA, IPKP = "B.I.a", "B.I.b", "B.II.a"


@pytest.fixture(autouse=True)
def _cold_caches():
    """Each test builds its plan and layout afresh: mutation testing (scripts/mutate.sh) forks every mutant from a
    process that already ran the tests, where warm caches would hide the mutants of ``plan_for`` and ``_layout``."""
    from zi.lke.scoring import engine, plan

    engine._LAYOUTS.clear()
    plan._PLANS.clear()


def with_settings(**changes):
    return dataclasses.replace(TPL, settings=dataclasses.replace(TPL.settings, **changes))


def lever(value, **overrides):
    values = {code: value for code in LEVER}
    values.update({k.replace("_", "."): v for k, v in overrides.items()})
    return values


def hasil(ipak, kinerja, ipkp):
    return {IPAK: ipak / 4, KINERJA: kinerja, IPKP: ipkp / 4}


def questions_of(prefix):
    return [c for c in LEVER if c.startswith(prefix + ".")]


def reasons(result, predicate):
    return list(result.eligibility[predicate].reasons)


# --- structure and full marks ------------------------------------------------------------------------------


def test_template_shape():
    assert TPL.lever_question_count == 110 and len(TPL.questions) == 113
    assert sum(q.weight for q in TPL.questions.values() if q.code in LEVER) == 60


def test_full_marks_give_exactly_100_and_every_predicate():
    result = scoring.score(TPL, {code: 1.0 for code in TPL.questions}, "WBK")
    d = result.to_dict()
    assert (d["total"], d["pengungkit"], d["hasil"], d["pemenuhan"], d["reform"]) == (100.0, 60.0, 40.0, 30.0, 30.0)
    assert list(d["areas"]) == list(TPL.area_names)
    assert d["areas"]["Penguatan Pengawasan"] == {"score": 15.0, "weight": 15.0, "pemenuhan": 7.5, "reform": 7.5}
    assert d["hasil_items"]["ipak"] == {"index": 4.0, "score": 17.5}
    assert d["hasil_items"]["kinerja"] == {"value": 1.0, "score": 5.0}
    assert d["hasil_items"]["ipkp"] == {"index": 4.0, "score": 17.5}
    assert d["eligibility"] == {"WBK": {"eligible": True, "reasons": []}, "WBBM": {"eligible": True, "reasons": []}}
    assert (d["answered"], d["unanswered"]) == (113, 0)


def test_hand_computation_every_answer_type():
    """A.I.1.i (0.5, 2 q): Ya=1, B=0.5 → 0.5 × 0.75 = 0.375.
    A.I.1.iii (1, 3 q, ABCD): B, C, D → 1 × (0.67 + 0.33 + 0) / 3 = 0.333333…
    A.I.2.i (1, 3 q): ABCD A=1, A–E B=0.75, D=0.25 → 1 × 2 / 3 = 0.666666…
    A.II.1.i (2, 2 q, %): 7/10 and 3/4 → 2 × (0.7 + 0.75) / 2 = 1.45.
    Pemenuhan = 0.375 + 0.333333 + 0.666667 = 1.375; Reform = 1.45; pengungkit 2.825 → 2.83 (half up).
    Hasil: IPAK 3.71 → 17.5 × 3.71 / 4 = 16.23125; kinerja B → 3.75; IPKP 3.45 → 15.09375 → 35.075.
    Total 37.9 → 37.90."""
    values = {
        "A.I.1.i.a": 1.0, "A.I.1.i.b": 0.5,
        "A.I.1.iii.a": 0.67, "A.I.1.iii.b": 0.33, "A.I.1.iii.c": 0.0,
        "A.I.2.i.a": 1.0, "A.I.2.i.b": 0.75, "A.I.2.i.c": 0.25,
        "A.II.1.i.a": 0.7, "A.II.1.i.b": 0.75,
        **hasil(3.71, 0.75, 3.45),
    }  # fmt: skip
    d = scoring.score(TPL, values).to_dict()
    assert d["pemenuhan"] == 1.38  # 1.375 half up
    assert d["reform"] == 1.45
    assert d["pengungkit"] == 2.83
    assert d["aspect_areas"]["A.I.1"] == 0.71  # 0.375 + 0.333333
    # Manajemen Perubahan = Pemenuhan A.I.1 (0.708333) + Reform A.II.1 (1.45) = 2.158333
    assert d["areas"]["Manajemen Perubahan"] == {"score": 2.16, "weight": 8.0, "pemenuhan": 0.71, "reform": 1.45}
    assert d["hasil_items"]["ipak"] == {"index": 3.71, "score": 16.23}
    assert d["hasil_items"]["kinerja"] == {"value": 0.75, "score": 3.75}
    assert d["hasil_items"]["ipkp"] == {"index": 3.45, "score": 15.09}
    assert d["hasil"] == 35.08  # 35.075 half up
    assert d["total"] == 37.9
    assert (d["answered"], d["unanswered"]) == (13, 100)


def test_missing_answers_count_zero_or_are_excluded():
    values = {"A.I.1.i.a": 1.0}  # A.I.1.i weight 0.5, 2 questions, one answered
    assert scoring.score(TPL, values).to_dict()["pemenuhan"] == 0.25  # 0.5 × (1 + 0) / 2
    excluded = with_settings(missing_answer="excluded")
    assert scoring.score(excluded, values).to_dict()["pemenuhan"] == 0.5  # 0.5 × mean(1)
    assert scoring.score(excluded, {}).to_dict()["total"] == 0.0  # no answers → 0


def test_an_unanswered_result_counts_nothing_even_at_a_rounding_edge():
    # kinerja 0.000997 × 5 points = 0.004985: 0.00 half up; a millionth more of IPAK (17.5 points) would make 0.01
    d = scoring.score(TPL, {KINERJA: 0.000997}).to_dict()
    assert d["hasil_items"]["kinerja"] == {"value": 0.0, "score": 0.0}
    assert (d["hasil"], d["hasil_items"]["bersih_akuntabel"], d["total"]) == (0.0, 0.0, 0.0)
    assert d["hasil_items"]["ipak"] == {"index": None, "score": 0.0}


def test_lhkasn_quirk():
    values = {"A.II.5.iii.a": 1.0, "A.II.5.iii.b": 0.0}  # weight 2: LHKPN 100 %, LHKASN 0 %
    assert scoring.score(TPL, values).to_dict()["aspect_areas"]["A.II.5"] == 1.0  # regulation: 2 × (1 + 0) / 2
    quirk = with_settings(lhkasn_counted=False)
    assert scoring.score(quirk, values).to_dict()["aspect_areas"]["A.II.5"] == 2.0  # workbook: LHKPN only


def test_unknown_code_and_bad_value_rejected():
    with pytest.raises(AnswerError) as exc:
        scoring.score(TPL, {"A.9": 1.0, "A.8": 0.5, "A.I.1.i.a": 1.0})
    assert str(exc.value) == "Kode pertanyaan tidak dikenal: A.8, A.9"
    with pytest.raises(ValueError):
        scoring.score(TPL, {"A.I.1.i.a": 1.5})


# --- WBK edges ---------------------------------------------------------------------------------------------

# Lever 0.7125 everywhere = 42.75; IPAK 3.60 = 15.75; kinerja C = 2.50; IPKP 3.20 = 14.00 → total exactly 75.00.
WBK_EDGE = {**lever(0.7125), **hasil(3.6, 0.5, 3.2)}


def test_wbk_all_minimums_exactly_met():
    r = scoring.score(TPL, WBK_EDGE)
    assert r.to_dict()["total"] == 75.0
    assert r.eligibility["WBK"].eligible, r.eligibility["WBK"].reasons


def test_wbk_total_one_cent_below():
    r = scoring.score(TPL, {**WBK_EDGE, "A.II.3.iii.a": 0.7075})  # weight 2: −0.01
    assert reasons(r, "WBK") == ["Nilai total 74,99 < 75,00"]


def test_wbk_pengungkit_edge():
    # lever 0.6 = 36.00, + six single-question reform indicators raised to 1: 0.8 + 1.2 + 1.0 + 0.4 + 0.4 + 0.2 = 4.0
    boosted = ["A.II.3.iii.a", "A.II.5.ii.a", "A.II.5.i.a", "A.II.1.ii.a", "A.II.1.iii.a", "A.II.2.i.a"]
    values = {**lever(0.6), **{c: 1.0 for c in boosted}, **hasil(4, 1, 4)}
    r = scoring.score(TPL, values)
    assert r.to_dict()["pengungkit"] == 40.0
    assert r.eligibility["WBK"].eligible, r.eligibility["WBK"].reasons  # also Pelayanan Publik area exactly 6.00
    r = scoring.score(TPL, {**values, "A.II.3.iii.a": 0.995})
    assert reasons(r, "WBK") == ["Nilai pengungkit 39,99 < 40,00"]


def test_wbk_area_minimum_area_mode():
    values = {**lever(1.0), **{c: 0.6 for c in LEVER if c.split(".")[2] == "5"}, **hasil(4, 1, 4)}
    r = scoring.score(TPL, values, "WBK")
    assert r.eligibility["WBK"].eligible
    assert reasons(r, "WBBM") == ["Area Penguatan Pengawasan 9,00 < 11,25 (75% dari 15,00)"]
    r = scoring.score(TPL, {**values, "A.II.5.iii.a": 0.59})  # question weight 1: −0.01
    assert reasons(r, "WBK") == ["Area Penguatan Pengawasan 8,99 < 9,00 (60% dari 15,00)"]


def test_area_minimum_aspect_mode():
    aspect = with_settings(per_area_minimum="aspect")
    values = {**lever(1.0), **{c: 0.6 for c in questions_of("A.I.5")}, **hasil(4, 1, 4)}
    assert scoring.score(aspect, values).eligibility["WBK"].eligible  # Pemenuhan Pengawasan 4.50 = 60 % of 7.50
    lower = {**values, "A.I.5.i.a": 0.58}  # question weight 0.75: −0.015 → 4.485 → 4.49
    assert reasons(scoring.score(aspect, lower), "WBK") == [
        "Area Penguatan Pengawasan (Pemenuhan) 4,49 < 4,50 (60% dari 7,50)"
    ]
    assert scoring.score(TPL, lower).eligibility["WBK"].eligible  # the literal per-area reading: 11.99 ≥ 9.00


def test_wbbm_aspect_threshold_compared_rounded():
    # 75 % of 3.50 = 2.625, shown 2.63; Pemenuhan Tatalaksana at 0.75 = exactly 2.625 passes
    aspect = with_settings(per_area_minimum="aspect")
    values = {**lever(1.0), **{c: 0.75 for c in questions_of("A.I.2")}, **hasil(4, 1, 4)}
    assert scoring.score(aspect, values, "WBK").eligibility["WBBM"].eligible
    lower = {**values, "A.I.2.ii.a": 0.72}  # weight 0.5: −0.015 → 2.61
    assert reasons(scoring.score(aspect, lower, "WBK"), "WBBM") == [
        "Area Penataan Tatalaksana (Pemenuhan) 2,61 < 2,63 (75% dari 3,50)"
    ]


def test_ipak_and_bersih_akuntabel_edges():
    ok = scoring.score(TPL, {**lever(1.0), **hasil(3.6, 0.5, 4)})
    assert ok.eligibility["WBK"].eligible  # bersih 15.75 + 2.50 = 18.25 exactly
    r = scoring.score(TPL, {**lever(1.0), **hasil(3.59, 0.5, 4)})
    assert reasons(r, "WBK") == [
        "Birokrasi bersih dan akuntabel 18,21 < 18,25",  # 17.5 × 3.59 / 4 = 15.70625 → 15.71; + 2.50
        "IPAK 3,59 < 3,60 (nilai 15,71 < 15,75)",
    ]


def test_kinerja_edges():
    assert scoring.score(TPL, {**lever(1.0), **hasil(4, 0.5, 4)}).eligibility["WBK"].eligible  # C = 2.50
    r = scoring.score(TPL, {**lever(1.0), **hasil(4, 0.25, 4)}, "WBK")  # D = 1.25
    assert reasons(r, "WBK") == ["Capaian kinerja lebih baik 1,25 < 2,50"]
    assert scoring.score(TPL, {**lever(1.0), **hasil(4, 0.75, 4)}, "WBK").eligibility["WBBM"].eligible  # B = 3.75
    r = scoring.score(TPL, {**lever(1.0), **hasil(4, 0.5, 4)}, "WBK")
    assert reasons(r, "WBBM") == ["Capaian kinerja lebih baik 2,50 < 3,75"]


def test_ipkp_edges():
    assert scoring.score(TPL, {**lever(1.0), **hasil(4, 1, 3.2)}).eligibility["WBK"].eligible
    r = scoring.score(TPL, {**lever(1.0), **hasil(4, 1, 3.19)}, "WBK")
    assert reasons(r, "WBK") == ["IPKP 3,19 < 3,20 (pelayanan publik prima 13,96 < 14,00)"]
    assert scoring.score(TPL, {**lever(1.0), **hasil(4, 1, 3.6)}, "WBK").eligibility["WBBM"].eligible
    r = scoring.score(TPL, {**lever(1.0), **hasil(4, 1, 3.59)}, "WBK")
    assert reasons(r, "WBBM") == ["IPKP 3,59 < 3,60 (pelayanan publik prima 15,71 < 15,75)"]


def test_threshold_precision_decides_and_shows_its_decimals():
    """The figures are compared (and shown) at the template's threshold precision, not in hundredths."""
    three = with_settings(threshold_precision=3)
    r = scoring.score(three, {**WBK_EDGE, "A.II.3.iii.a": 0.7075})  # 74.99
    assert reasons(r, "WBK") == ["Nilai total 74,990 < 75,000"]
    r = scoring.score(three, {**lever(1.0), **hasil(3.59, 0.5, 4)})  # IPAK score 15.70625
    assert reasons(r, "WBK") == [
        "Birokrasi bersih dan akuntabel 18,206 < 18,250",
        "IPAK 3,59 < 3,60 (nilai 15,706 < 15,750)",
    ]
    r = scoring.score(three, {**lever(1.0), **hasil(4, 1, 3.19)})
    assert reasons(r, "WBK") == ["IPKP 3,19 < 3,20 (pelayanan publik prima 13,956 < 14,000)"]
    boosted = ["A.II.3.iii.a", "A.II.5.ii.a", "A.II.5.i.a", "A.II.1.ii.a", "A.II.1.iii.a", "A.II.2.i.a"]
    values = {**lever(0.6), **{c: 1.0 for c in boosted}, **hasil(4, 1, 4), "A.II.3.iii.a": 0.995}  # 39.99
    assert reasons(scoring.score(three, values), "WBK") == ["Nilai pengungkit 39,990 < 40,000"]
    r = scoring.score(three, {**lever(1.0), **hasil(4, 0.25, 4)})
    assert reasons(r, "WBK") == ["Capaian kinerja lebih baik 1,250 < 2,500"]
    one = with_settings(threshold_precision=1)
    assert scoring.score(one, {**WBK_EDGE, "A.II.3.iii.a": 0.7075}).eligibility["WBK"].eligible  # 74.99 → 75.0


def test_reason_text_leaves_what_is_not_a_code_of_the_template_as_written():
    for predicate, code in [
        ("WBK", "rank:1"),  # "rank" carries no figure
        ("WBK", "lain:12"),  # no such check
        ("WBK", "ipak:1571"),  # an index code without its index field
        ("Lain", "total:6089"),  # no such predicate
    ]:
        assert scoring.reason_text(TPL, predicate, code) == code
    assert scoring.reason_text(TPL, "WBBM", "rank") == "Belum memiliki predikat Menuju WBK"
    assert scoring.reason_text(TPL, "WBK", "ipak::1571") == "IPAK belum diisi < 3,60 (nilai 15,71 < 15,75)"


def test_an_area_without_its_reform_part_is_added_up_from_what_it_has():
    """The regulation's layout (one Pemenuhan and one Reform aspect area per area) has a shortcut; any other layout
    (here Pelayanan Publik without A.II.6) is added up area by area, with the same half-up rounding."""
    partial = dataclasses.replace(TPL, lever=tuple(a for a in TPL.lever if a.code != "A.II.6"))
    values = {**{c: 1.0 for c in partial.questions}, **{c: 0.5 for c in questions_of("A.I.6")}}
    values.update({"A.I.1.i.a": 0.0, "A.I.1.iii.a": 0.0})  # −0.25 and −1/3: A.I.1 = 3.416667
    r = scoring.score(partial, values, "WBK")
    d = r.to_dict()
    assert d["areas"]["Manajemen Perubahan"] == {"score": 7.42, "weight": 8.0, "pemenuhan": 3.42, "reform": 4.0}
    area = {"score": 2.5, "weight": 10.0, "pemenuhan": 2.5, "reform": 0.0}
    assert d["areas"]["Peningkatan Kualitas Pelayanan Publik"] == area
    assert (d["pemenuhan"], d["reform"], d["pengungkit"]) == (26.92, 25.0, 51.92)  # 30 − 0.583333 − 2.5
    assert reasons(r, "WBK") == ["Area Peningkatan Kualitas Pelayanan Publik 2,50 < 6,00 (60% dari 10,00)"]


def test_threshold_precision_in_the_area_checks():
    three = with_settings(threshold_precision=3)
    values = {**lever(1.0), **{c: 0.6 for c in LEVER if c.split(".")[2] == "5"}, **hasil(4, 1, 4)}
    r = scoring.score(three, {**values, "A.II.5.iii.a": 0.59}, "WBK")  # 8.99
    assert reasons(r, "WBK") == ["Area Penguatan Pengawasan 8,990 < 9,000 (60% dari 15,00)"]
    aspect = with_settings(per_area_minimum="aspect", threshold_precision=3)
    lower = {**lever(1.0), **{c: 0.6 for c in questions_of("A.I.5")}, "A.I.5.i.a": 0.58, **hasil(4, 1, 4)}
    assert reasons(scoring.score(aspect, lower), "WBK") == [
        "Area Penguatan Pengawasan (Pemenuhan) 4,485 < 4,500 (60% dari 7,50)"
    ]


def with_required(predicate, required):
    thresholds = {**TPL.thresholds, predicate: dataclasses.replace(TPL.thresholds[predicate], **required)}
    return dataclasses.replace(TPL, thresholds=thresholds)


def test_the_required_predicate_is_named_and_ranked_whatever_the_template_writes():
    full = {code: 1.0 for code in TPL.questions}
    plain = with_required("WBBM", {"requires_existing_predicate": "WBK"})  # without "Menuju"
    assert reasons(scoring.score(plain, full), "WBBM") == ["Belum memiliki predikat Menuju WBK"]
    assert scoring.score(plain, full, "Menuju WBK").eligible_wbbm
    higher = with_required("WBBM", {"requires_existing_predicate": "Menuju WBBM"})
    assert reasons(scoring.score(higher, full, "WBK"), "WBBM") == ["Belum memiliki predikat Menuju WBBM"]
    assert scoring.score(higher, full, "WBBM").eligible_wbbm
    unknown = with_required("WBBM", {"requires_existing_predicate": "WBK Nasional"})  # ranked as Menuju WBK
    assert reasons(scoring.score(unknown, full), "WBBM") == ["Belum memiliki predikat Menuju WBK Nasional"]
    assert scoring.score(unknown, full, "WBK").eligible_wbbm


def test_eligibility_checks_list_every_check_of_a_predicate_with_its_limit():
    values = {**lever(1.0), **{c: 0.6 for c in LEVER if c.split(".")[2] == "5"}, **hasil(4, 1, 4)}
    stored = scoring.score(TPL, values).to_stored()  # no current predicate
    checks = scoring.eligibility_checks(TPL, stored, "WBBM")
    got = [(c.key, c.area, c.weight, c.value, c.limit, c.passed, c.index, c.index_limit, c.required) for c in checks]
    areas = [
        ("Manajemen Perubahan", 8.0, 6.0),
        ("Penataan Tatalaksana", 7.0, 5.25),
        ("Penataan Sistem Manajemen SDM", 10.0, 7.5),
        ("Penguatan Akuntabilitas Kinerja", 10.0, 7.5),
        ("Penguatan Pengawasan", 15.0, 11.25),
        ("Peningkatan Kualitas Pelayanan Publik", 10.0, 7.5),
    ]
    assert got == [
        ("total", "", None, 94.0, 85.0, True, None, None, ""),
        ("pengungkit", "", None, 54.0, 48.0, True, None, None, ""),
        *[
            ("area", name, weight, 9.0 if weight == 15 else weight, limit, weight != 15, None, None, "")
            for name, weight, limit in areas
        ],
        ("bersih", "", None, 22.5, 19.5, True, None, None, ""),
        ("ipak", "", None, 17.5, 15.75, True, 4.0, 3.6, ""),
        ("kinerja", "", None, 5.0, 3.75, True, None, None, ""),
        ("pelayanan", "", None, 17.5, 15.75, True, 4.0, 3.6, ""),
        ("rank", "", None, None, None, False, None, None, "Menuju WBK"),
    ]
    assert scoring.eligibility_checks(TPL, stored, "Lain") == []


# --- WBBM edges --------------------------------------------------------------------------------------------

# Lever 0.8 = 48.00 (every area 80 %); IPAK 4 = 17.50; kinerja B = 3.75; IPKP 3.60 = 15.75 → total 85.00.
WBBM_EDGE = {**lever(0.8), **hasil(4, 0.75, 3.6)}


def test_wbbm_total_and_pengungkit_edges():
    r = scoring.score(TPL, WBBM_EDGE, "WBK")
    assert (r.to_dict()["total"], r.to_dict()["pengungkit"]) == (85.0, 48.0)
    assert r.eligibility["WBBM"].eligible, r.eligibility["WBBM"].reasons
    r = scoring.score(TPL, {**WBBM_EDGE, "A.II.3.iii.a": 0.795}, "WBK")
    assert reasons(r, "WBBM") == ["Nilai total 84,99 < 85,00", "Nilai pengungkit 47,99 < 48,00"]


def test_wbbm_per_area_edge():
    values = {**lever(1.0), **{c: 0.75 for c in LEVER if c.split(".")[2] == "5"}, **hasil(4, 1, 4)}
    assert scoring.score(TPL, values, "WBK").eligibility["WBBM"].eligible  # 11.25 = 75 % of 15
    r = scoring.score(TPL, {**values, "A.II.5.iii.a": 0.74}, "WBK")
    assert reasons(r, "WBBM") == ["Area Penguatan Pengawasan 11,24 < 11,25 (75% dari 15,00)"]


@pytest.mark.parametrize(("predicate", "eligible"), [(None, False), ("", False), ("WBK", True), ("WBBM", True)])
def test_wbbm_requires_wbk(predicate, eligible):
    r = scoring.score(TPL, {code: 1.0 for code in TPL.questions}, predicate)
    assert r.eligibility["WBBM"].eligible is eligible
    assert r.eligibility["WBK"].eligible
    if not eligible:
        assert reasons(r, "WBBM") == ["Belum memiliki predikat Menuju WBK"]


# --- both scoring paths agree --------------------------------------------------------------------------------

CHOICES = {
    "ya_tidak": [0.0, 1.0],
    "abc": [0.0, 0.5, 1.0],
    "abcd": [0.0, 0.33, 0.67, 1.0],
    "abcde": [0, 0.25, 0.5, 0.75, 1],
}


def value_strategy(question):
    if question.answer_type in CHOICES:
        return st.sampled_from([float(v) for v in CHOICES[question.answer_type]])
    return st.integers(0, 1_000_000).map(lambda u: u / 1_000_000)


def answer_sets():
    return st.fixed_dictionaries(
        {}, optional={code: st.one_of(st.none(), value_strategy(q)) for code, q in TPL.questions.items()}
    )


def group_sums(template, values):
    """What the SQL aggregate computes: Σ coefficient × value-in-millionths and COUNT(value) per group."""
    plan = scoring.plan_for(template)
    groups: dict[str, tuple[int, int]] = {}
    for code, value in values.items():
        if value is None:
            continue
        key, coef = plan.groups[code]
        total, count = groups.get(key, (0, 0))
        groups[key] = (total + coef * value_units(value), count + 1)
    return groups


@pytest.mark.parametrize("template", [TPL, with_settings(missing_answer="excluded", lhkasn_counted=False)])
@settings(max_examples=150, deadline=None)
@given(values=answer_sets(), predicate=st.sampled_from([None, "WBK"]))
def test_set_based_parts_equal_per_answer_engine(template, values, predicate):
    direct = scoring.score(template, values, predicate)
    grouped = scoring.score_parts(
        template, scoring.parts_from_groups(template, group_sums(template, values)), predicate
    )
    assert grouped == direct


@pytest.mark.parametrize(
    "template",
    [
        TPL,
        with_settings(missing_answer="excluded", lhkasn_counted=False),
        with_settings(per_area_minimum="aspect", threshold_precision=1),
    ],
)
@settings(max_examples=150, deadline=None)
@given(values=answer_sets(), predicate=st.sampled_from([None, "", "WBK", "WBBM"]), level=st.sampled_from([0, 0.8, 1]))
def test_row_scorer_equals_score_result(template, values, predicate, level):
    """The bulk path's scorer (positional parts → stored fields + JSON text) equals ``score()`` exactly."""
    values = {**{code: level for code in LEVER if code not in values}, **values} if level else values
    expected = scoring.score(template, values, predicate)
    parts = scoring.parts_from_values(template, values)
    scorer = scoring.RowScorer(template)
    got = scorer(
        [parts.lever[c] for c in scorer.lever_codes],
        [parts.result.get(c) for c in scorer.result_codes],
        parts.answered,
        predicate,
    )
    assert got[:7] == (
        expected.total,
        expected.pengungkit,
        expected.hasil,
        expected.pemenuhan,
        expected.reform,
        expected.eligible_wbk,
        expected.eligible_wbbm,
    )
    assert json.loads(got[7]) == expected.to_stored()
    assert json.dumps(json.loads(got[7])) == json.dumps(expected.to_stored())  # same key order and float reprs
    assert scoring.expand_breakdown(template, json.loads(got[7])) == expected.to_dict()  # the sentences, on read


def test_an_unfilled_index_is_stored_as_an_empty_field_of_its_reason_code():
    """IPAK and IPKP reason codes carry the index and the score (``ipak:<index>:<score>``); an index nobody filled in
    is an empty field, not "None", and reads back as "not filled in"; a filled one keeps its hundredths."""
    unfilled = scoring.score(TPL, lever(1.0), "WBK").to_stored()
    codes = unfilled["reasons"]["WBK"].split()
    assert "ipak::0" in codes and "ipkp::0" in codes, codes
    filled = scoring.score(TPL, {**lever(1.0), **hasil(2.5, 0.5, 3.0)}, "WBK").to_stored()
    codes = filled["reasons"]["WBK"].split()
    assert "ipak:250:1094" in codes, codes
