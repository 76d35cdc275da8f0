"""Numbers typed the Indonesian way (issue #16 item 5) and zero denominators in the open (item 6).

One parser (``zi.core.numbers.parse_number``) serves the worksheet, the lanes, the forms and every import; the
zero-denominator rule is shown on the worksheet, the lane sheets and in the exported ``Catatan`` sheet."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.shared_worlds import shared_world
from tests.test_answer_services import build_shared_world
from zi.assessments import services
from zi.assessments.models import Answer, Lane
from zi.core.numbers import NumberError, NumberField, number_input_value, parse_number
from zi.lke.formulas import AnswerError, normalize_answer

HX = {"HTTP_HX_REQUEST": "true"}
LHKPN = "A.II.5.iii.a"
COMPLAINTS = "A.II.5.ii.a"


# --- the parser ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.000", Decimal(1000)),
        ("2,5", Decimal("2.5")),
        ("1.234.567,25", Decimal("1234567.25")),
        (" 12 ", Decimal(12)),
        ("1 000", Decimal(1000)),
        ("0", Decimal(0)),
        ("-3", Decimal(-3)),
        (7, Decimal(7)),
        (2.5, Decimal("2.5")),
    ],
)
def test_indonesian_numbers_are_read_as_written(text, expected):
    with translation.override("id"):
        assert parse_number(text, label="Jumlah pegawai") == expected


@pytest.mark.parametrize("text", ["1.5", "12.34", "1.0000", "1.000.5"])
def test_a_dot_that_does_not_group_thousands_is_ambiguous(text):
    with translation.override("id"), pytest.raises(NumberError) as exc:
        parse_number(text, label="Jumlah pegawai")
    message = str(exc.value)
    assert "“Jumlah pegawai”" in message and "membingungkan" in message
    assert "1.000 berarti seribu" in message and "untuk pecahan tulis 2,5" in message


@pytest.mark.parametrize("text", ["x", "1,2,3", "1,234.5", "2,", "1e3", ""])
def test_what_is_not_a_number_is_refused_with_the_label(text):
    with translation.override("id"), pytest.raises(NumberError) as exc:
        parse_number(text, label="Jumlah pegawai")
    assert "“Jumlah pegawai” harus berupa angka" in str(exc.value)


def test_counts_are_whole_numbers():
    with translation.override("id"):
        assert parse_number("1.000", label="Jumlah pegawai", whole=True) == 1000
        assert parse_number("3,0", label="Jumlah pegawai", whole=True) == 3
        for text in ("2,5", 2.5):
            with pytest.raises(NumberError, match="“Jumlah pegawai” harus bilangan bulat"):
                parse_number(text, label="Jumlah pegawai", whole=True)
        with pytest.raises(NumberError, match="membingungkan untuk bilangan bulat"):  # 1 in id, 1000 in en habit
            parse_number("1,000", label="Jumlah pegawai", whole=True)


def test_an_index_reads_a_lone_dot_as_the_decimal_point():
    with translation.override("id"):
        assert parse_number("3.71", label="IPAK", below_thousand=True) == Decimal("3.71")
        assert parse_number("3,71", label="IPAK", below_thousand=True) == Decimal("3.71")


def test_the_english_ui_reads_its_own_format():
    """Decision (docs/lke.md): forms follow the page's language; files are always read the Indonesian way."""
    with translation.override("en"):
        assert parse_number("1,000", label="Staff") == 1000
        assert parse_number("2.5", label="Staff") == Decimal("2.5")
        assert parse_number("1.000", label="Staff", lang="id") == 1000
        with pytest.raises(NumberError) as exc:
            parse_number("1,5", label="Staff")
        assert str(exc.value) == "“Staff”: “1,5” is ambiguous: 1,000 means one thousand; write a fraction as 2.5."


def test_display_is_indonesian():
    with translation.override("id"):
        assert number_input_value(1000.0) == "1.000"
        assert number_input_value(2.5) == "2,5"
        assert number_input_value(None) == ""
    with translation.override("en"):
        assert number_input_value(1000.0) == "1,000"


def test_number_field_in_a_form():
    from django import forms

    class F(forms.Form):
        rupiah = NumberField(label="Perkiraan nilai (Rp)", max_digits=14, decimal_places=0)
        people = NumberField(label="Jumlah orang", whole=True, min_value=0)

    with translation.override("id"):
        form = F({"rupiah": "1.500.000", "people": "12"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"rupiah": Decimal(1500000), "people": 12}
        form = F({"rupiah": "1.5", "people": "2,5"})
        assert not form.is_valid()
        assert "membingungkan" in form.errors["rupiah"][0]
        assert "“Jumlah orang” harus bilangan bulat" in form.errors["people"][0]
        assert 'inputmode="decimal"' in str(F()["people"]) and 'type="text"' in str(F()["people"])


# --- the answer rules (every entry point goes through normalize_answer) --------------------------------------


# The shared assessment world (tests/test_answer_services.py, tests/shared_worlds.py).
world = shared_world("assessment", build_shared_world)


def _lhkpn(head, officials, others, reported):
    return {
        "wajib_lhkpn_kepala_satker": head,
        "wajib_lhkpn_pejabat": officials,
        "wajib_lhkpn_lainnya": others,
        "lhkpn_sudah_melaporkan": reported,
    }


def test_reported_above_obliged_is_refused_naming_both_labels(world):
    question, settings = world["spec"].questions[LHKPN], world["spec"].settings
    assert normalize_answer(question, _lhkpn(1, 2, 0, 3), settings).value == 1.0
    with pytest.raises(AnswerError) as exc:
        normalize_answer(question, _lhkpn(1, 2, 0, 5), settings)
    message = str(exc.value)
    assert "“Jumlah yang sudah melaporkan” (5) tidak boleh lebih besar dari" in message
    assert "“Jumlah yang harus melaporkan - Kepala satuan kerja” + “Jumlah yang harus melaporkan - Pejabat" in message
    assert "(3)" in message and "lhkpn_sudah_melaporkan" not in message


def test_negative_and_fractional_counts_name_the_label_not_the_field(world):
    question, settings = world["spec"].questions[LHKPN], world["spec"].settings
    with pytest.raises(AnswerError) as exc:
        normalize_answer(question, _lhkpn(1, 2, 0, -1), settings)
    assert "“Jumlah yang sudah melaporkan” tidak boleh negatif (-1)." in exc.value.problems
    assert "lhkpn_sudah_melaporkan" not in str(exc.value)
    with pytest.raises(AnswerError, match="“Jumlah yang harus melaporkan - Pejabat.*harus bilangan bulat"):
        normalize_answer(question, _lhkpn(1, 2.5, 0, 1), settings)


def test_text_from_files_is_read_the_indonesian_way(world):
    question, settings = world["spec"].questions[LHKPN], world["spec"].settings
    answer = normalize_answer(question, _lhkpn("1.000", "0", "0", "990"), settings)
    assert answer.inputs["wajib_lhkpn_kepala_satker"] == 1000.0 and answer.value == 0.99


# --- the worksheet and the lanes -----------------------------------------------------------------------------


def _save(client, world, code, data):
    url = reverse("assessments:answer_save", args=[world["assessment"].pk, code])
    return client.post(url, data, **HX)


def _stored(world, code, lane=Lane.SELF):
    return Answer.objects.filter(assessment=world["assessment"], question__code=code, lane=lane).first()


def test_worksheet_stores_one_thousand_and_refuses_a_fractional_count(client, world):
    client.force_login(world["member"])
    data = {"in_" + k: v for k, v in _lhkpn("1.000", "0", "0", "990").items()}
    response = _save(client, world, LHKPN, data)
    assert response.status_code == 200 and "errorlist" not in response.content.decode()
    answer = _stored(world, LHKPN)
    assert answer.inputs["wajib_lhkpn_kepala_satker"] == 1000.0
    assert answer.value == 0.99  # 990 of 1.000, not 100 %
    html = client.get(reverse("assessments:worksheet", args=[world["assessment"].pk]), {"bagian": "5"}).content
    assert 'value="1.000"' in html.decode() and "99,00%" in html.decode()

    data["in_wajib_lhkpn_pejabat"] = "2,5"
    html = _save(client, world, LHKPN, data).content.decode()
    assert "“Jumlah yang harus melaporkan - Pejabat yang diwajibkan menyampaikan LHKPN” harus bilangan bulat" in html
    assert _stored(world, LHKPN).inputs["wajib_lhkpn_pejabat"] == 0.0  # nothing changed

    data["in_wajib_lhkpn_pejabat"] = "0"
    data["in_lhkpn_sudah_melaporkan"] = "1.001"
    html = _save(client, world, LHKPN, data).content.decode()
    assert "tidak boleh lebih besar dari" in html and "lhkpn_sudah_melaporkan" not in html.split("name=")[0]
    data["in_lhkpn_sudah_melaporkan"] = "1.5"
    assert "membingungkan" in _save(client, world, LHKPN, data).content.decode()


def _zero_complaints(world, lane=Lane.SELF, actor=None):
    services.answer_save(
        actor=actor or world["member"],
        assessment=world["assessment"],
        question_code=COMPLAINTS,
        raw={"pengaduan_harus_ditindaklanjuti": 0, "pengaduan_sedang_diproses": 0, "pengaduan_selesai": 0},
        lane=lane,
    )


ZERO_NOTE = "0/0 — dinilai 0 % menurut aturan template (zero); nilai yang dipertaruhkan 3,00"


def test_worksheet_shows_the_zero_denominator_rule_and_points_at_stake(client, world):
    _zero_complaints(world)
    client.force_login(world["member"])
    html = client.get(reverse("assessments:worksheet", args=[world["assessment"].pk]), {"bagian": "5"}).content
    html = html.decode()
    anchor = html.index('id="q-A-II-5-ii-a"')
    article = html[anchor : html.index("</article>", anchor)]
    assert ZERO_NOTE in article and "Penyebut 0" in article
    other = html[html.index('id="q-A-II-5-iii-a"') :]
    assert ZERO_NOTE not in other[: other.index("</article>")]
    # the htmx partial after a save shows it too
    data = {"in_pengaduan_harus_ditindaklanjuti": "0", "in_pengaduan_sedang_diproses": "0", "in_pengaduan_selesai": "0"}
    assert ZERO_NOTE in _save(client, world, COMPLAINTS, data).content.decode()


def test_catatan_sheet_lists_the_zero_denominator_rules_applied(world, tmp_path):
    from zi.portalrb import soalmap
    from zi.portalrb.workbook import NOTES_SHEET, export_official_xlsx

    soalmap.load_map()
    _zero_complaints(world)
    with translation.override("id"):
        content = export_official_xlsx(world["assessment"])
    lines = [str(c.value) for c in openpyxl.load_workbook(io.BytesIO(content))[NOTES_SHEET]["A"] if c.value]
    text = "\n".join(lines)
    assert f"- {COMPLAINTS}: {ZERO_NOTE}" in text
    assert "- A.II.3.iii.a: aturan one_if_numerator_zero" in text and "- A.II.4.i.a: aturan zero" in text
    assert f"- {LHKPN}: 0/0" not in text  # not answered: no rule applied


# --- imports ---------------------------------------------------------------------------------------------------


def test_jawaban_sheet_reads_thousands_typed_as_text(world):
    from zi.portalrb import soalmap
    from zi.portalrb.models import SoalMapping
    from zi.portalrb.workbook import JAWABAN_SHEET, parse_jawaban

    soalmap.load_map()
    services.answer_save(
        actor=world["member"], assessment=world["assessment"], question_code=LHKPN, raw=_lhkpn(1, 0, 0, 1)
    )
    from zi.portalrb.workbook import export_official_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(export_official_xlsx(world["assessment"])))
    ws = wb[JAWABAN_SHEET]
    cells = {}
    for m in SoalMapping.objects.filter(question__code=LHKPN).select_related("question"):
        cell = f"{m.excel['jawaban_unit']}{m.excel_row}"
        cells[m.input_key] = cell
    ws[cells["wajib_lhkpn_kepala_satker"]] = "1.000"
    ws[cells["lhkpn_sudah_melaporkan"]] = "990"
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed, errors = parse_jawaban(world["assessment"], SimpleUploadedFile("j.xlsx", buffer.getvalue()))
    assert not [e for e in errors if e[1] == LHKPN]
    assert parsed[LHKPN][0]["wajib_lhkpn_kepala_satker"] == 1000
    ws[cells["lhkpn_sudah_melaporkan"]] = "1.5"
    buffer = io.BytesIO()
    wb.save(buffer)
    _parsed, errors = parse_jawaban(world["assessment"], SimpleUploadedFile("j.xlsx", buffer.getvalue()))
    assert any(code == LHKPN and "membingungkan" in message for _cell, code, message in errors)


def test_assessment_xlsx_import_reads_thousands_typed_as_text(client, world):
    from zi.assessments.excel import export_assessment_xlsx, import_assessment_xlsx

    services.answer_save(
        actor=world["member"], assessment=world["assessment"], question_code=LHKPN, raw=_lhkpn(1, 0, 0, 1)
    )
    wb = openpyxl.load_workbook(io.BytesIO(export_assessment_xlsx(world["assessment"])))
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=4):
        if row[0].value == f"{LHKPN}:wajib_lhkpn_kepala_satker":
            row[4].value = "1.000"
        if row[0].value == f"{LHKPN}:lhkpn_sudah_melaporkan":
            row[4].value = "990"
    buffer = io.BytesIO()
    wb.save(buffer)
    report = import_assessment_xlsx(
        actor=world["member"],
        assessment=world["assessment"],
        uploaded_file=SimpleUploadedFile("a.xlsx", buffer.getvalue()),
    )
    assert not report.errors, report.errors
    assert _stored(world, LHKPN).inputs["wajib_lhkpn_kepala_satker"] == 1000.0
