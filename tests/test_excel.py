"""Export a unit's LKE to Excel and import it back: same answers, same score, all-or-nothing on errors."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from zi.assessments.excel import export_assessment_xlsx, import_assessment_xlsx
from zi.assessments.models import Answer, Lane, LaneScore, Period
from zi.assessments.scoring import lane_rescore
from zi.core.models import AuditEvent
from zi.lke.formulas import normalize_answer
from zi.lke.models import LkeTemplate
from zi.lke.services import template_spec, templates_load_all
from zi.organisations.models import Role

ANSWERS = {
    "A.I.1.i.a": "Ya",
    "A.I.1.i.b": "B",
    "A.I.1.iii.a": "C",
    "A.I.2.i.b": "D",
    "A.II.1.i.a": {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7},
    "B.I.a": 3.71,
    "B.I.b": "B",
    "B.II.a": 3.45,
}


@pytest.fixture
def assessment(tree):
    templates_load_all()
    template = LkeTemplate.objects.get(code="permenpanrb-90-2021")
    period = Period.objects.create(
        year=2026, name="Evaluasi ZI 2026", template=template, starts_on="2026-01-01", ends_on="2026-12-31"
    )
    assessment = factories.make_assessment(unit=tree["lapas"], period=period)
    spec = template_spec(template)
    questions = {q.code: q for q in template.questions.all()}
    for code, raw in ANSWERS.items():
        normalized = normalize_answer(spec.questions[code], raw, spec.settings)
        Answer.objects.create(
            assessment=assessment,
            lane=Lane.SELF,
            question=questions[code],
            choice=normalized.choice,
            inputs=normalized.inputs,
            value=normalized.value,
            note=f"catatan {code}",
        )
    lane_rescore(assessment=assessment, lane=Lane.SELF)
    return assessment


@pytest.fixture
def team_member(tree):
    return factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])


def _upload(content: bytes, name: str = "lke.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _answers(assessment):
    return {
        a.question.code: (a.choice, a.inputs, a.value, a.note)
        for a in Answer.objects.filter(assessment=assessment, lane=Lane.SELF).select_related("question")
    }


@pytest.mark.django_db
def test_export_has_every_question_and_the_answers(assessment):
    wb = openpyxl.load_workbook(io.BytesIO(export_assessment_xlsx(assessment)))
    ws = wb["LKE"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}
    spec = template_spec(assessment.period.template)
    assert set(spec.questions) <= set(rows)
    assert rows["A.I.1.i.b"][4] == "B"
    assert rows["A.II.1.i.a:jumlah_agen_perubahan"][4] == 10
    assert rows["B.I.a"][4] == 3.71
    assert rows["A.I.1.i.a"][8] == "catatan A.I.1.i.a"


@pytest.mark.django_db
def test_round_trip_into_another_assessment_gives_same_answers_and_score(assessment, tree, team_member):
    content = export_assessment_xlsx(assessment)
    other = factories.make_assessment(
        unit=tree["lapas"],
        period=Period.objects.create(
            year=2027, name="2027", template=assessment.period.template, starts_on="2027-01-01", ends_on="2027-12-31"
        ),
    )
    report = import_assessment_xlsx(actor=team_member, assessment=other, uploaded_file=_upload(content))
    assert report.errors == []
    assert report.saved == len(ANSWERS)
    assert _answers(other) == _answers(assessment)
    original = LaneScore.objects.get(assessment=assessment, lane=Lane.SELF)
    copied = LaneScore.objects.get(assessment=other, lane=Lane.SELF)
    assert copied.total == original.total
    # one rescore for the whole workbook, not one per answer (the audit trail records each change of the score)
    rescores = AuditEvent.objects.filter(
        action="rescore", object_type="assessments.assessment", object_id=str(other.pk)
    )
    assert rescores.count() == 1


@pytest.mark.django_db
def test_import_with_bad_rows_stores_nothing_and_reports_each_row(assessment, team_member):
    wb = openpyxl.load_workbook(io.BytesIO(export_assessment_xlsx(assessment)))
    ws = wb["LKE"]
    bad_rows = {}
    for row in ws.iter_rows(min_row=4):
        code = row[0].value
        if code == "A.I.1.i.b":
            row[4].value = "F"
            bad_rows[code] = row[0].row
        elif code == "A.II.1.i.a:jumlah_perubahan_dibuat":
            row[4].value = -3
            bad_rows["A.II.1.i.a"] = row[0].row
    ws.append(["Z.9.9", "kode asing", None, None, "A"])
    bad_rows["Z.9.9"] = ws.max_row
    buffer = io.BytesIO()
    wb.save(buffer)
    before = _answers(assessment)
    report = import_assessment_xlsx(actor=team_member, assessment=assessment, uploaded_file=_upload(buffer.getvalue()))
    assert {code for _, code, _ in report.errors} == {"A.I.1.i.b", "A.II.1.i.a", "Z.9.9"}
    assert {row for row, _, _ in report.errors} >= {bad_rows["A.I.1.i.b"], bad_rows["Z.9.9"]}
    assert report.saved == 0
    assert _answers(assessment) == before


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04broken zip", b""])
def test_malformed_file_is_a_clear_error(assessment, team_member, content):
    before = _answers(assessment)
    report = import_assessment_xlsx(actor=team_member, assessment=assessment, uploaded_file=_upload(content))
    assert report.errors and "valid" in report.errors[0][2]
    assert _answers(assessment) == before


@pytest.mark.django_db
def test_formula_looking_text_is_exported_as_text(assessment):
    answer = Answer.objects.get(assessment=assessment, question__code="A.I.1.i.a")
    answer.note = '=HYPERLINK("http://evil")'
    answer.save()
    ws = openpyxl.load_workbook(io.BytesIO(export_assessment_xlsx(assessment)))["LKE"]
    note = next(row[8] for row in ws.iter_rows(min_row=4, values_only=True) if row[0] == "A.I.1.i.a")
    assert not str(note).startswith("=")


@pytest.mark.django_db
@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice (libreoffice-calc-nogui) not installed; CI installs it and never skips",
)
def test_libreoffice_recalculates_the_exported_workbook_to_the_platform_score(assessment, tmp_path):
    source = tmp_path / "lke.xlsx"
    source.write_bytes(export_assessment_xlsx(assessment))
    out_dir = tmp_path / "out"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ws = openpyxl.load_workbook(out_dir / "lke.xlsx", data_only=True)["LKE"]
    totals = {row[1]: row[7] for row in ws.iter_rows(min_row=4, values_only=True) if row[1]}
    score = LaneScore.objects.get(assessment=assessment, lane=Lane.SELF)
    assert round(totals["NILAI EVALUASI ZONA INTEGRITAS"], 2) == round(score.total, 2)
    assert round(totals["NILAI PENGUNGKIT"], 2) == round(score.pengungkit, 2)
