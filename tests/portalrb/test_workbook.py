"""The official Lampiran III workbook: export → LibreOffice recalculation → same total → import → same answers."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from zi.assessments.models import Answer, Lane, LaneScore
from zi.assessments.scoring import lane_rescore
from zi.lke.formulas import normalize_answer
from zi.lke.models import LkeQuestion
from zi.lke.services import template_spec
from zi.portalrb import workbook
from zi.portalrb.soalmap import WORKBOOK_SHEET

pytestmark = pytest.mark.django_db

INPUTS = {
    "A.II.1.i.a": {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7},
    "A.II.1.i.b": {"jumlah_perubahan_dibuat": 7, "jumlah_perubahan_terintegrasi": 5},
    "A.II.3.iii.a": {"pelanggaran_tahun_lalu": 8, "pelanggaran_tahun_ini": 2, "pelanggaran_disanksi": 2},
    "A.II.4.i.a": {"jumlah_sasaran": 12, "jumlah_sasaran_tercapai": 9},
    "A.II.5.ii.a": {"pengaduan_harus_ditindaklanjuti": 40, "pengaduan_sedang_diproses": 5, "pengaduan_selesai": 33},
    # LHKPN and LHKASN at the same 80 %: the workbook counts only LHKPN (see the Catatan sheet)
    "A.II.5.iii.a": {
        "wajib_lhkpn_kepala_satker": 1,
        "wajib_lhkpn_pejabat": 3,
        "wajib_lhkpn_lainnya": 1,
        "lhkpn_sudah_melaporkan": 4,
    },
    "A.II.5.iii.b": {
        "wajib_lhkasn_eselon3": 2,
        "wajib_lhkasn_eselon4": 3,
        "wajib_lhkasn_fungsional_pelaksana": 5,
        "lhkasn_sudah_melaporkan": 8,
    },
    "A.II.6.i.b": {"jumlah_layanan_terdaftar": 20, "jumlah_layanan_dipermudah": 15},
    "B.I.a": 3.71,
    "B.II.a": 3.45,
}


def fill(assessment):
    spec = template_spec(assessment.period.template)
    questions = {q.code: q for q in LkeQuestion.objects.filter(template=assessment.period.template)}
    for i, (code, q) in enumerate(spec.questions.items()):
        raw = INPUTS.get(code) or q.option_keys[i % len(q.option_keys)]
        n = normalize_answer(q, raw, spec.settings)
        Answer.objects.create(
            assessment=assessment,
            lane=Lane.SELF,
            question=questions[code],
            choice=n.choice,
            inputs=n.inputs,
            value=n.value,
            note=f"catatan {code}" if i % 7 == 0 else "",
        )
    return lane_rescore(assessment=assessment, lane=Lane.SELF)


def answers_of(assessment):
    return {
        a.question.code: (a.choice, a.inputs, a.value, a.note)
        for a in Answer.objects.filter(assessment=assessment, lane=Lane.SELF).select_related("question")
    }


def upload(content):
    return SimpleUploadedFile("lke.xlsx", content, content_type="application/octet-stream")


def test_export_fills_column_k_keeps_formulas_and_adds_sheets(assessment):
    fill(assessment)
    wb = openpyxl.load_workbook(io.BytesIO(workbook.export_official_xlsx(assessment)))
    ws = wb[WORKBOOK_SHEET]
    assert ws["K8"].value in ("Ya", "Tidak")
    assert ws["K129"].value == 10 and ws["K130"].value == 7
    assert ws["K185"].value == 10  # LHKASN total typed in the workbook = sum of its parts
    assert ws["K202"].value == 3.71
    assert str(ws["L208"].value).startswith("=SUM(")
    assert str(ws["K128"].value).startswith("=IF(")
    assert ws["O8"].value == "catatan A.I.1.i.a"
    jawaban = wb["Jawaban"]
    assert jawaban["A6"].value == 1 and jawaban["K6"].value == ws["K8"].value
    assert jawaban["K126"].value == 10  # soal 88, Jumlah Agen Perubahan
    assert "LHKASN" in " ".join(str(c.value) for c in wb["Catatan"]["A"])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_round_trip_through_libreoffice(assessment, tree, tmp_path):
    score = fill(assessment)
    exported = tmp_path / "lke.xlsx"
    exported.write_bytes(workbook.export_official_xlsx(assessment))
    out = tmp_path / "out"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(exported),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    recalculated = (out / "lke.xlsx").read_bytes()
    total = workbook.recalculated_total(recalculated)
    assert isinstance(total, float | int)
    assert abs(total - score.total) < 0.01, (total, score.total)

    other = factories.make_assessment(unit=tree["rutan"], period=assessment.period)
    team = factories.make_user_with_role("unit_team_member", unit=tree["rutan"])
    report = workbook.import_official_xlsx(actor=team, assessment=other, uploaded_file=upload(recalculated))
    assert report.ok, report.errors
    assert answers_of(other) == answers_of(assessment)
    assert LaneScore.objects.get(assessment=other, lane=Lane.SELF).total == pytest.approx(score.total)


def test_import_is_all_or_nothing(assessment, tree):
    fill(assessment)
    wb = openpyxl.load_workbook(io.BytesIO(workbook.export_official_xlsx(assessment)))
    ws = wb[WORKBOOK_SHEET]
    ws["K8"] = "Mungkin"  # not Ya/Tidak
    ws["K129"] = "sepuluh"  # not a number
    ws["K185"] = 99  # not the sum of its parts
    buffer = io.BytesIO()
    wb.save(buffer)
    other = factories.make_assessment(unit=tree["rutan"], period=assessment.period)
    team = factories.make_user_with_role("unit_team_member", unit=tree["rutan"])
    report = workbook.import_official_xlsx(actor=team, assessment=other, uploaded_file=upload(buffer.getvalue()))
    cells = {cell for cell, _code, _msg in report.errors}
    assert {"K8", "K129", "K185"} <= cells
    assert report.saved == 0
    assert not Answer.objects.filter(assessment=other).exists()


def test_import_rejects_a_file_that_is_not_the_workbook(assessment, tree):
    from django.core.exceptions import ValidationError

    team = factories.make_user_with_role("unit_team_member", unit=tree["lapas"])
    with pytest.raises(ValidationError):
        workbook.import_official_xlsx(actor=team, assessment=assessment, uploaded_file=upload(b"not a zip"))
