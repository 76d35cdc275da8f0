"""LKE eligibility reasons are stored as codes and rendered from the code's parameters through gettext
(:func:`zi.lke.reasons.render_reason`) in the reader's language. The expected sentences below were captured from the
former code (the scorer's Indonesian sentences, translated by the regular-expression parser it replaced): Indonesian
and English output are unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from zi.assessments import services as assessment_services
from zi.assessments.models import Lane, LaneScore
from zi.assessments.stages import State
from zi.lke import scoring, spec
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.organisations.models import Role

TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "zi/lke/templates_data/permenpanrb-90-2021.yaml"

# (predicate, code, Indonesian, English) as the former sentence builder + parser produced them
PER_AREA = [
    ("WBK", "total:6089", "Nilai total 60,89 < 75,00", "Total score 60.89 < 75.00"),
    ("WBK", "total:-125", "Nilai total -1,25 < 75,00", "Total score -1.25 < 75.00"),
    ("WBK", "pengungkit:4010", "Nilai pengungkit 40,10 < 40,00", "Levers score 40.10 < 40.00"),
    (
        "WBK",
        "bersih:1510",
        "Birokrasi bersih dan akuntabel 15,10 < 18,25",
        "Clean and accountable bureaucracy 15.10 < 18.25",
    ),
    ("WBK", "kinerja:0", "Capaian kinerja lebih baik 0,00 < 2,50", "Better performance results 0.00 < 2.50"),
    ("WBK", "ipak:341:1510", "IPAK 3,41 < 3,60 (nilai 15,10 < 15,75)", "IPAK 3.41 < 3.60 (score 15.10 < 15.75)"),
    (
        "WBK",
        "ipak::0",
        "IPAK belum diisi < 3,60 (nilai 0,00 < 15,75)",
        "IPAK not filled in < 3.60 (score 0.00 < 15.75)",
    ),
    (
        "WBK",
        "ipkp:295:1290",
        "IPKP 2,95 < 3,20 (pelayanan publik prima 12,90 < 14,00)",
        "IPKP 2.95 < 3.20 (excellent public service 12.90 < 14.00)",
    ),
    (
        "WBK",
        "ipkp::0",
        "IPKP belum diisi < 3,20 (pelayanan publik prima 0,00 < 14,00)",
        "IPKP not filled in < 3.20 (excellent public service 0.00 < 14.00)",
    ),
    (
        "WBK",
        "area0:0",
        "Area Manajemen Perubahan 0,00 < 4,80 (60% dari 8,00)",
        "Area Change Management 0.00 < 4.80 (60% of 8.00)",
    ),
    (
        "WBK",
        "area1:120",
        "Area Penataan Tatalaksana 1,20 < 4,20 (60% dari 7,00)",
        "Area Governance Arrangement (Tatalaksana) 1.20 < 4.20 (60% of 7.00)",
    ),
    (
        "WBK",
        "area2:262",
        "Area Penataan Sistem Manajemen SDM 2,62 < 6,00 (60% dari 10,00)",
        "Area HR Management System Arrangement 2.62 < 6.00 (60% of 10.00)",
    ),
    (
        "WBK",
        "area3:1000",
        "Area Penguatan Akuntabilitas Kinerja 10,00 < 6,00 (60% dari 10,00)",
        "Area Strengthening Performance Accountability 10.00 < 6.00 (60% of 10.00)",
    ),
    (
        "WBK",
        "area4:55",
        "Area Penguatan Pengawasan 0,55 < 9,00 (60% dari 15,00)",
        "Area Strengthening Supervision 0.55 < 9.00 (60% of 15.00)",
    ),
    (
        "WBK",
        "area5:7",
        "Area Peningkatan Kualitas Pelayanan Publik 0,07 < 6,00 (60% dari 10,00)",
        "Area Improving Public Service Quality 0.07 < 6.00 (60% of 10.00)",
    ),
    ("WBBM", "total:6089", "Nilai total 60,89 < 85,00", "Total score 60.89 < 85.00"),
    ("WBBM", "total:-125", "Nilai total -1,25 < 85,00", "Total score -1.25 < 85.00"),
    ("WBBM", "pengungkit:4010", "Nilai pengungkit 40,10 < 48,00", "Levers score 40.10 < 48.00"),
    (
        "WBBM",
        "bersih:1510",
        "Birokrasi bersih dan akuntabel 15,10 < 19,50",
        "Clean and accountable bureaucracy 15.10 < 19.50",
    ),
    ("WBBM", "kinerja:0", "Capaian kinerja lebih baik 0,00 < 3,75", "Better performance results 0.00 < 3.75"),
    ("WBBM", "ipak:341:1510", "IPAK 3,41 < 3,60 (nilai 15,10 < 15,75)", "IPAK 3.41 < 3.60 (score 15.10 < 15.75)"),
    (
        "WBBM",
        "ipak::0",
        "IPAK belum diisi < 3,60 (nilai 0,00 < 15,75)",
        "IPAK not filled in < 3.60 (score 0.00 < 15.75)",
    ),
    (
        "WBBM",
        "ipkp:295:1290",
        "IPKP 2,95 < 3,60 (pelayanan publik prima 12,90 < 15,75)",
        "IPKP 2.95 < 3.60 (excellent public service 12.90 < 15.75)",
    ),
    (
        "WBBM",
        "ipkp::0",
        "IPKP belum diisi < 3,60 (pelayanan publik prima 0,00 < 15,75)",
        "IPKP not filled in < 3.60 (excellent public service 0.00 < 15.75)",
    ),
    ("WBBM", "rank", "Belum memiliki predikat Menuju WBK", "Does not yet hold the Towards WBK predicate"),
    (
        "WBBM",
        "area0:0",
        "Area Manajemen Perubahan 0,00 < 6,00 (75% dari 8,00)",
        "Area Change Management 0.00 < 6.00 (75% of 8.00)",
    ),
    (
        "WBBM",
        "area1:120",
        "Area Penataan Tatalaksana 1,20 < 5,25 (75% dari 7,00)",
        "Area Governance Arrangement (Tatalaksana) 1.20 < 5.25 (75% of 7.00)",
    ),
    (
        "WBBM",
        "area2:262",
        "Area Penataan Sistem Manajemen SDM 2,62 < 7,50 (75% dari 10,00)",
        "Area HR Management System Arrangement 2.62 < 7.50 (75% of 10.00)",
    ),
    (
        "WBBM",
        "area3:1000",
        "Area Penguatan Akuntabilitas Kinerja 10,00 < 7,50 (75% dari 10,00)",
        "Area Strengthening Performance Accountability 10.00 < 7.50 (75% of 10.00)",
    ),
    (
        "WBBM",
        "area4:55",
        "Area Penguatan Pengawasan 0,55 < 11,25 (75% dari 15,00)",
        "Area Strengthening Supervision 0.55 < 11.25 (75% of 15.00)",
    ),
    (
        "WBBM",
        "area5:7",
        "Area Peningkatan Kualitas Pelayanan Publik 0,07 < 7,50 (75% dari 10,00)",
        "Area Improving Public Service Quality 0.07 < 7.50 (75% of 10.00)",
    ),
]
PER_ASPECT = [
    (
        "WBBM",
        "area0:120",
        "Area Manajemen Perubahan (Pemenuhan) 1,20 < 3,00 (75% dari 4,00)",
        "Area Change Management (Fulfilment) 1.20 < 3.00 (75% of 4.00)",
    ),
    (
        "WBBM",
        "area1:0",
        "Area Penataan Tatalaksana (Pemenuhan) 0,00 < 2,63 (75% dari 3,50)",
        "Area Governance Arrangement (Tatalaksana) (Fulfilment) 0.00 < 2.63 (75% of 3.50)",
    ),
    (
        "WBBM",
        "area11:262",
        "Area Peningkatan Kualitas Pelayanan Publik (Reform) 2,62 < 3,75 (75% dari 5,00)",
        "Area Improving Public Service Quality (Reform) 2.62 < 3.75 (75% of 5.00)",
    ),
    ("WBBM", "total:7010", "Nilai total 70,10 < 85,00", "Total score 70.10 < 85.00"),
    ("WBBM", "rank", "Belum memiliki predikat Menuju WBK", "Does not yet hold the Towards WBK predicate"),
]


def _template(per_aspect: bool = False) -> spec.Template:
    template = spec.load_template_file(TEMPLATE_FILE)
    if per_aspect:
        template = dataclasses.replace(
            template, settings=dataclasses.replace(template.settings, per_area_minimum="aspect")
        )
    return template


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("per_aspect", [False, True])
def test_every_reason_code_renders_as_before(language, per_aspect):
    template = _template(per_aspect)
    cases = PER_ASPECT if per_aspect else PER_AREA
    with translation.override(language):
        rendered = [scoring.reason_text(template, predicate, code) for predicate, code, _id, _en in cases]
    assert rendered == [indonesian if language == "id" else english for _p, _c, indonesian, english in cases]


def test_every_kind_is_covered():
    template = _template()
    tags = {code.partition(":")[0] for _p, code, _id, _en in PER_AREA}
    assert tags >= {"total", "pengungkit", "bersih", "kinerja", "ipak", "ipkp", "rank"}
    assert {f"area{k}" for k in range(len(template.area_names))} <= tags
    assert {code for _p, code, _id, _en in PER_AREA if code.startswith(("ipak::", "ipkp::"))}  # not filled in


def test_scorer_reasons_follow_the_active_language():
    template = _template()
    with translation.override("id"):
        indonesian = scoring.score(template, {}, None).to_dict()["eligibility"]["WBBM"]["reasons"]
    with translation.override("en"):
        english = scoring.score(template, {}, None).to_dict()["eligibility"]["WBBM"]["reasons"]
    assert "Nilai total 0,00 < 85,00" in indonesian and "Belum memiliki predikat Menuju WBK" in indonesian
    assert "Total score 0.00 < 85.00" in english and "Does not yet hold the Towards WBK predicate" in english


@pytest.mark.parametrize("text", ["Catatan bebas 3,5 < 4", "Nilai total 70,10 < 75,00", "", "total:tujuh", "rank:1"])
def test_what_is_not_a_code_passes_through(text):
    with translation.override("en"):
        assert scoring.reason_text(_template(), "WBBM", text) == text


def submitted_assessment(unit):
    """A submitted 2026 assessment of ``unit`` on the shipped LKE."""
    templates_load_all()
    period = assessment_services.period_create(
        actor=None,
        year=2026,
        name="Periode 2026",
        template=LkeTemplate.objects.order_by("pk").first(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    return factories.make_assessment(unit=unit, period=period, state=State.SUBMITTED)


def test_unit_page_shows_earliest_format_reasons_as_stored(tree, client):
    assessment = submitted_assessment(tree["lapas"])
    LaneScore.objects.create(
        assessment=assessment,
        lane=Lane.SELF,
        total=70.1,
        pengungkit=42.0,
        hasil=28.1,
        pemenuhan=20.0,
        reform=22.0,
        eligible_wbk=False,
        eligible_wbbm=False,
        computed_at=timezone.now(),
        breakdown={"eligibility": {"WBK": {"eligible": False, "reasons": ["Nilai total 70,10 < 75,00"]}}},
    )
    client.force_login(factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="kakanwil"))
    url = reverse("insights:unit_page", args=[tree["lapas"].pk]) + "?periode=2026"
    assert "70,10 &lt; 75,00" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "70,10 &lt; 75,00" in english  # a sentence of the earliest format is shown as stored (rescore to renew)


def test_pages_render_the_stored_reason_codes_as_sentences(tree, client):
    """A score stored by the scorer (reason codes) reads as the same sentences as ``zi lke score`` on the worksheet
    and the unit page, in Indonesian and in English."""
    from zi.assessments.scoring import lane_rescore

    assessment = submitted_assessment(tree["lapas"])
    lane_rescore(assessment=assessment, lane=Lane.SELF)  # nothing answered: every check fails
    stored = LaneScore.objects.get(assessment=assessment, lane=Lane.SELF).breakdown
    assert stored["reasons"]["WBK"].startswith("total:0 pengungkit:0 area0:0")
    team_leader = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["lapas"], username="ketua")
    kakanwil = factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="kakanwil")
    for url, user in (
        (reverse("assessments:worksheet", args=[assessment.pk]), team_leader),
        (reverse("insights:unit_page", args=[tree["lapas"].pk]) + "?periode=2026", kakanwil),
    ):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
        page = client.get(url).content.decode()
        assert "Nilai total 0,00 &lt; 75,00" in page and "Area Manajemen Perubahan 0,00 &lt; 4,80" in page, url
        assert "IPAK belum diisi &lt; 3,60" in page and "total:0" not in page, url
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = client.get(url).content.decode()
        assert "0.00 &lt; 75.00" in english and "total:0" not in english, url
