"""A unit's IPAK/IPKP/IKM: one function (external value first, else the unit's campaigns) read by every surface;
the LKE takes the survey value by default and refuses a differing typed value without a source."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.assessments import services as assessment_services
from zi.assessments.excel import SURVEY_SHEET, export_assessment_xlsx
from zi.assessments.models import Answer, Assessment, Lane, LaneScore
from zi.assessments.suggestions import suggestions_for
from zi.insights.models import UnitPeriodRollup
from zi.insights.services import rollup_refresh
from zi.organisations.models import Role
from zi.surveys import services
from zi.surveys.models import Campaign, Response
from zi.surveys.unit_indices import survey_index_for, survey_indices_for, survey_indices_many
from zi.workflow import monitoring
from zi.workflow.models import Journey

from .test_staff_and_lke import _submit

BPS = "BPS, laporan no. 07/2026"


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


# --- the demo: the LKE's survey items equal the units' surveys --------------------------------------------------


def test_demo_lke_survey_values_equal_the_campaigns(demo_db):
    from zi.assessments.models import Period

    period = Period.objects.get(year=2026)
    assessments = list(Assessment.objects.filter(period=period).select_related("unit"))
    found = survey_indices_many([a.unit_id for a in assessments], period)
    checked = 0
    for assessment in assessments:
        for code, kind in (("B.I.a", "ipak"), ("B.II.a", "ipkp")):
            index = found[assessment.unit_id].get(kind)
            if index is None:
                continue
            answers = Answer.objects.filter(assessment=assessment, question__code=code)
            assert answers.filter(lane=Lane.SELF).exists(), (assessment.unit.name, code)
            for answer in answers:
                assert answer.inputs[kind] == index.value or answer.source, (assessment.unit.name, answer.lane, code)
                checked += 1
        # the LKE hint counts the campaign's respondents as the campaign page does
        ipak = found[assessment.unit_id].ipak
        if ipak is not None and not ipak.is_external:
            responses = Response.objects.filter(
                campaign__unit=assessment.unit, campaign__period=period, excluded=False
            ).count()
            source = suggestions_for(assessment)["B.I.a"].source
            assert f"{ipak.survey_respondents} responden" in source and str(responses) in source, source
            assert ipak.all_respondents == responses
    assert checked >= 16  # eight demo units, both items, and the lanes the journeys copied
    # eligibility follows the surveys: no lane below the IPAK minimum says "memenuhi syarat" (LPKA: 3,29)
    for score in LaneScore.objects.filter(assessment__in=assessments):
        held = Answer.objects.filter(assessment_id=score.assessment_id, lane=score.lane, question__code="B.I.a").first()
        if held is None:
            continue  # a unit without a survey (Lapas Kelas IIB Muara Enim, just declared) has no IPAK to claim
        if held.inputs["ipak"] < 3.6:
            assert not score.eligible_wbk, (score.assessment_id, score.lane)
    lpka = next(a for a in assessments if a.unit.name == "LPKA Kelas I Palembang")
    assert not LaneScore.objects.get(assessment=lpka, lane=Lane.SELF).eligible_wbk


# --- the refusal ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_differing_typed_value_needs_a_source(make_campaign, tree, period, client):
    campaign = make_campaign(kinds=("ipak", "ipkp"), title="Survei 2026")
    _submit(campaign, value=4, n=20)
    _submit(campaign, value=3, n=10, group="pengunjung")  # IPAK (20×4 + 10×3)/30 = 3.67
    leader = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["lapas"])
    assessment = factories.make_assessment(unit=tree["lapas"], period=period)
    save = assessment_services.answer_save
    with pytest.raises(ValidationError) as refused:
        save(actor=leader, assessment=assessment, question_code="B.I.a", raw=3.81)
    message = " ".join(refused.value.messages)
    assert "IPAK" in message and "3,81" in message and "3,67" in message and "Sumber nilai" in message
    assert not Answer.objects.filter(assessment=assessment).exists()
    # the survey's value needs no source; a differing one with a source is kept with it
    assert save(actor=leader, assessment=assessment, question_code="B.I.a", raw=3.67).source == ""
    answer = save(actor=leader, assessment=assessment, question_code="B.I.a", raw="3,81", source=BPS)
    assert answer.inputs["ipak"] == 3.81 and answer.source == BPS
    # the worksheet form: refused without "sumber", shown with both values and a warning once saved
    client.force_login(leader)
    url = reverse("assessments:answer_save", args=[assessment.pk, "B.II.a"])
    page = client.post(url, {"in_ipkp": "2,5"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Sumber nilai" in page and "IPKP" in page
    assert not Answer.objects.filter(assessment=assessment, question__code="B.II.a").exists()
    sheet = client.get(reverse("assessments:worksheet", args=[assessment.pk]) + "?bagian=hasil").content.decode()
    assert BPS in sheet and "3,81" in sheet and "3,67" in sheet and "berbeda dari" in sheet
    # the API: the same refusal, and the source in the body
    api_url = f"/api/assessments/{assessment.pk}/answers/"
    refused_api = client.post(api_url, {"question": "B.II.a", "index": 2.5}, content_type="application/json")
    assert refused_api.status_code == 409 and "IPKP" in refused_api.content.decode()
    saved = client.post(
        api_url, {"question": "B.II.a", "index": 2.5, "source": BPS}, content_type="application/json"
    ).json()
    assert saved["value"] == 2.5 / 4 and saved["source"] == BPS


# --- every surface, one value --------------------------------------------------------------------------------


def test_every_surface_shows_the_one_index(demo_db, client, django_assert_max_num_queries):
    """Kanim Kelas I TPI Palembang (awarded WBK): its own campaign gives IPAK and IPKP; an evaluator records an
    external IPAK (BPS). Every surface shows the external IPAK with its source, and the campaign's IPKP."""
    journey = Journey.objects.select_related("unit", "period", "assessment").get(
        unit__name="Kanim Kelas I TPI Palembang", period__year=2026
    )
    unit, period, assessment = journey.unit, journey.period, journey.assessment
    own = survey_indices_for(unit, period)
    assert own.ipak is not None and not own.ipak.is_external and own.ipkp.value is not None
    external = 3.91 if own.ipak.value != 3.91 else 3.92
    services.external_index_record(
        actor=_user("demo-tpi"), unit=unit, period=period, kind="ipak", value=str(external), source=BPS
    )
    rollup_refresh(period=period, units=[unit.pk])  # what the periodic task (or `zi insights refresh`) does
    ipak = survey_index_for(unit, period, "ipak")
    ipkp = survey_index_for(unit, period, "ipkp")
    assert ipak.value == external and BPS in ipak.source and ipak.survey_value == own.ipak.value
    assert ipkp.value == own.ipkp.value and not ipkp.is_external
    shown_ipak = f"{external:.2f}".replace(".", ",")
    shown_ipkp = f"{ipkp.value:.2f}".replace(".", ",")

    # one unit and many units: the same, in five queries for every demo unit at once (no query per unit)
    from zi.organisations.models import Unit

    every = list(Unit.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(5):
        many = survey_indices_many(every, period)[unit.pk]
    assert many.ipak == ipak and many.ipkp == ipkp

    # dashboards (rollup), unit list page and its export, public page
    row = UnitPeriodRollup.objects.get(unit=unit, period=period)
    assert row.ipak == external and row.ipkp == ipkp.value
    ikm = survey_index_for(unit, period, "ikm")
    campaign = Campaign.objects.get(unit=unit, period=period)
    skm = next(s for s in services.campaign_results(campaign).overall if s.instrument.kind == "skm")
    assert row.ikm == ikm.value == float(skm.ikm.ikm) and row.respondents == ikm.all_respondents
    client.force_login(_user("demo-nasional"))
    listing = client.get(reverse("insights:unit_list") + "?periode=2026&q=Kanim Kelas I TPI Palembang")
    cells = {r[0].value: r for r in listing.context["table"].rows}
    assert cells[unit.name][7].value == external and cells[unit.name][8].value == ipkp.value
    export = client.get(reverse("insights:download", args=["unit", "xlsx"]) + "?periode=2026")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    exported = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert exported[unit.name][7] == external and exported[unit.name][8] == ipkp.value
    public = client.get(reverse("insights:public") + "?q=Kanim Kelas I TPI Palembang").content.decode()
    assert shown_ipkp in public or str(ipkp.value) in public
    # unit page: the value with its source, and the unit's own survey beside it
    page = client.get(reverse("insights:unit_page", args=[unit.pk]) + "?periode=2026").content.decode()
    assert f"IPAK {shown_ipak}" in page and BPS in page

    # monitoring (predicate held) and the TPN dossier
    watch = monitoring.predicate_watch(user=_user("demo-nasional"), period=period, today=timezone.localdate())
    assert next(r for r in watch if r.award.unit_id == unit.pk).indices["ipak"] == external
    client.force_login(_user("demo-nasional"))
    watch_html = client.get(reverse("workflow:monitoring")).content.decode()
    assert shown_ipak in watch_html and BPS in watch_html
    client.force_login(_user("demo-admin"))
    dossier = client.get(reverse("workflow:dossier", args=[journey.pk]))
    assert dossier.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(dossier.content))
    survey_rows = {r[0]: r for r in csv.reader(io.StringIO(archive.read("hasil-survei.csv").decode("utf-8-sig")))}
    assert float(survey_rows["IPAK (0-4)"][1]) == external and BPS in survey_rows["IPAK (0-4)"][2]
    assert float(survey_rows["IPKP (0-4)"][1]) == ipkp.value

    # API: the assessment carries the unit's indices
    client.force_login(_user("demo-tpi"))
    data = client.get(f"/api/assessments/{assessment.pk}/").json()
    assert data["survey_indices"]["ipak"]["value"] == external and BPS in data["survey_indices"]["ipak"]["source"]
    assert data["survey_indices"]["ipkp"]["value"] == ipkp.value
    listed = client.get(f"/api/assessments/?year=2026&unit={unit.pk}").json()
    rows = listed.get("results", listed) if isinstance(listed, dict) else listed
    assert all(r["survey_indices"]["ipak"]["value"] == external for r in rows if r["id"] == assessment.pk)

    # the LKE: worksheet hint and TPI lane show both values with a warning (the lanes hold the campaign's value)
    sheet_html = client.get(reverse("assessments:worksheet", args=[assessment.pk]) + "?bagian=hasil").content.decode()
    assert shown_ipak in sheet_html and BPS in sheet_html and "berbeda dari" in sheet_html
    lane_html = client.get(reverse("workflow:lane_sheet", args=[journey.pk, "tpi"]) + "?bagian=hasil").content.decode()
    assert shown_ipak in lane_html and BPS in lane_html
    # exports: the LKE workbook's survey sheet and the Lampiran III notes
    book = openpyxl.load_workbook(io.BytesIO(export_assessment_xlsx(assessment, lane=Lane.TPI)))
    survey = {r[0]: r for r in book[SURVEY_SHEET].iter_rows(min_row=2, values_only=True)}
    assert survey["B.I.a"][4] == external and BPS in survey["B.I.a"][5] and survey["B.I.a"][6]
    assert survey["B.II.a"][4] == ipkp.value
    from zi.portalrb import soalmap
    from zi.portalrb.workbook import NOTES_SHEET, export_official_xlsx

    soalmap.load_map()
    notes = openpyxl.load_workbook(io.BytesIO(export_official_xlsx(assessment, lane=Lane.TPI)))[NOTES_SHEET]
    text = "\n".join(str(r[0]) for r in notes.iter_rows(values_only=True) if r[0])
    assert "B.I.a: IPAK LKE" in text and shown_ipak in text and BPS in text
