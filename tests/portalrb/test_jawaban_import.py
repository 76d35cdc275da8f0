"""Import of PortalRB's ``Jawaban`` sheet into one lane: the unit's columns or the TPI's, all-or-nothing, errors by
cell, and only who may write that lane (unit team: its own lane in draft; TPI evaluators: the TPI lane)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.portalrb.test_workbook import INPUTS, fill
from zi.assessments.models import Answer, Lane, LaneScore
from zi.assessments.stages import State
from zi.lke.formulas import normalize_answer
from zi.lke.models import LkeQuestion
from zi.lke.services import template_spec
from zi.organisations.models import Role
from zi.portalrb import workbook

pytestmark = pytest.mark.django_db


def fill_tpi(assessment):
    """TPI answers that differ from the unit's: the last option of every choice, other numbers."""
    spec = template_spec(assessment.period.template)
    questions = {q.code: q for q in LkeQuestion.objects.filter(template=assessment.period.template)}
    for i, (code, q) in enumerate(spec.questions.items()):
        raw = INPUTS.get(code) or q.option_keys[-1]
        if code == "B.I.a":
            raw = 3.2
        n = normalize_answer(q, raw, spec.settings)
        Answer.objects.create(
            assessment=assessment,
            lane=Lane.TPI,
            question=questions[code],
            choice=n.choice,
            inputs=n.inputs,
            value=n.value,
            note=f"tpi {code}" if i % 5 == 0 else "",
        )


def lane_answers(assessment, lane):
    return {
        a.question.code: (a.choice, a.inputs, a.value, a.note)
        for a in Answer.objects.filter(assessment=assessment, lane=lane).select_related("question")
    }


def upload(content):
    return SimpleUploadedFile("lke.xlsx", content, content_type="application/octet-stream")


@pytest.fixture
def exported(assessment):
    fill(assessment)
    fill_tpi(assessment)
    return workbook.export_official_xlsx(assessment, lanes={Lane.SELF, Lane.TPI})


@pytest.fixture
def submitted(tree, assessment):
    return factories.make_assessment(unit=tree["rutan"], period=assessment.period, state=State.SUBMITTED)


@pytest.fixture
def evaluator(tree):
    return factories.make_user_with_role(Role.TPI_EVALUATOR, unit=tree["sumsel"])


def edited(content, **cells):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for cell, value in cells.items():
        wb["Jawaban"][cell] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_tpi_evaluator_imports_the_tpi_columns_into_the_tpi_lane(assessment, exported, submitted, evaluator):
    report = workbook.import_jawaban_xlsx(
        actor=evaluator, assessment=submitted, uploaded_file=upload(exported), lane=Lane.TPI
    )
    assert report.ok, report.errors
    assert lane_answers(submitted, Lane.TPI) == lane_answers(assessment, Lane.TPI)
    assert not Answer.objects.filter(assessment=submitted, lane=Lane.SELF).exists()
    assert LaneScore.objects.filter(assessment=submitted, lane=Lane.TPI).exists()


def test_unit_team_imports_the_unit_columns_into_its_own_lane(assessment, exported, tree):
    draft = factories.make_assessment(unit=tree["rutan"], period=assessment.period)
    team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    report = workbook.import_jawaban_xlsx(actor=team, assessment=draft, uploaded_file=upload(exported))
    assert report.ok, report.errors
    assert lane_answers(draft, Lane.SELF) == lane_answers(assessment, Lane.SELF)
    assert not Answer.objects.filter(assessment=draft, lane=Lane.TPI).exists()


def test_only_who_may_write_the_lane_may_import_it(assessment, exported, submitted, evaluator, tree):
    team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    with pytest.raises(PermissionDenied):  # the unit team never writes the TPI lane
        workbook.import_jawaban_xlsx(actor=team, assessment=submitted, uploaded_file=upload(exported), lane=Lane.TPI)
    draft = factories.make_assessment(unit=tree["rutan_tpi"], period=assessment.period)
    outside = factories.make_user_with_role(Role.TPI_EVALUATOR, unit=tree["kepri"])
    with pytest.raises(PermissionDenied):  # a TPI evaluator does not write a unit's own lane
        workbook.import_jawaban_xlsx(actor=outside, assessment=draft, uploaded_file=upload(exported), lane=Lane.SELF)
    lapas_draft = assessment  # draft: the TPI lane opens only after submission
    with pytest.raises(PermissionDenied):
        workbook.import_jawaban_xlsx(
            actor=evaluator, assessment=lapas_draft, uploaded_file=upload(exported), lane=Lane.TPI
        )
    assert not Answer.objects.filter(assessment=submitted).exists()


def test_tpi_import_is_all_or_nothing_with_errors_by_cell(exported, submitted, evaluator):
    # row 6 = soal 1 (Ya/Tidak), row 126 = soal 88 (a number), N = jawaban_tpi
    bad = edited(exported, N6="Mungkin", N126="sepuluh")
    report = workbook.import_jawaban_xlsx(actor=evaluator, assessment=submitted, uploaded_file=upload(bad), lane="tpi")
    assert {cell for cell, _code, _message in report.errors} == {"N6", "N126"}
    assert report.saved == 0
    assert not Answer.objects.filter(assessment=submitted).exists()


def test_numbers_typed_as_text_are_accepted(exported, submitted, evaluator):
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    ws = wb["Jawaban"]
    ipak_row = next(r for r in range(1, ws.max_row + 1) if ws[f"N{r}"].value == 3.2)
    content = edited(exported, **{f"N{ipak_row}": "3,5", "N126": "12"})
    report = workbook.import_jawaban_xlsx(
        actor=evaluator, assessment=submitted, uploaded_file=upload(content), lane=Lane.TPI
    )
    assert report.ok, report.errors
    answers = lane_answers(submitted, Lane.TPI)
    assert answers["B.I.a"][2] == pytest.approx(3.5 / 4)
    assert answers["A.II.1.i.a"][1]["jumlah_agen_perubahan"] == 12


def test_import_page_routes_the_tpi_lane_and_answers_403_to_the_unit_team(client, exported, submitted, evaluator, tree):
    client.force_login(evaluator)
    url = f"/portalrb/lke/{submitted.pk}/unggah/"
    response = client.post(url, {"lajur": "tpi", "sheet": "jawaban", "file": upload(exported)})
    assert response.status_code == 200
    assert response.context["report"].ok
    assert Answer.objects.filter(assessment=submitted, lane=Lane.TPI).exists()
    team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(team)
    assert client.post(url, {"lajur": "tpi", "file": upload(exported)}).status_code == 403
