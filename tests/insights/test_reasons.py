"""LKE eligibility reasons are stored in Indonesian by the scorer and shown in the reader's language: every shape the
scorer builds is recognised (in Indonesian the rebuilt text equals the stored one), numbers follow the locale, and
strings of an unknown shape pass through unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from zi.assessments import services as assessment_services
from zi.assessments.models import Assessment, AssessmentStatus, Lane, LaneScore
from zi.lke import scoring, spec
from zi.lke.models import LkeTemplate
from zi.lke.reasons import translate_reason, translate_reasons
from zi.lke.services import templates_load_all
from zi.organisations.models import Role

TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "zi/lke/templates_data/permenpanrb-90-2021.yaml"
EXTRA = [
    "IPAK 3,41 < 3,60 (nilai 15,10 < 15,75)",
    "IPKP 2,95 < 3,20 (pelayanan publik prima 12,90 < 14,00)",
    "Area Manajemen Perubahan (Pemenuhan) 1,20 < 1,80 (37,5% dari 4,80)",
    "Nilai total -1,25 < 75,00",
]


def _scorer_reasons() -> list[str]:
    """Every reason the scorer builds for an empty sheet of a unit without a predicate (all checks fail)."""
    result = scoring.score(spec.load_template_file(TEMPLATE_FILE), {}, None)
    return [r for e in result.eligibility.values() for r in e.reasons]


def test_every_scorer_shape_rebuilds_exactly_in_indonesian():
    reasons = _scorer_reasons() + EXTRA
    assert any(r.startswith("Belum memiliki predikat") for r in reasons)
    with translation.override("id"):
        assert translate_reasons(reasons) == reasons


def test_english_numbers_and_names():
    with translation.override("en"):
        english = translate_reasons(_scorer_reasons() + EXTRA)
    joined = "\n".join(english)
    assert "75.00" in joined and "75,00" not in joined  # the locale's decimal separator
    assert "3.41 < 3.60" in joined and "15.10 < 15.75" in joined and "-1.25 < 75.00" in joined
    assert "37.5%" in joined and "(Fulfilment)" in joined  # the aspect through gettext
    assert "Area Change Management 0.00 < 4.80" in joined  # area names from the catalogue
    assert "Towards WBK" in joined


@pytest.mark.parametrize(
    "text", ["Catatan bebas 3,5 < 4", "Nilai total tujuh < 75,00", "", "Area  < 1,00", "IPAK 3,41 < 3,60"]
)
def test_unknown_shapes_pass_through(text):
    with translation.override("en"):
        assert translate_reason(text) == text


def test_template_filter():
    rendered = Template("{% load lke_reasons %}{{ r|lke_reason }}")
    with translation.override("en"):
        assert rendered.render(Context({"r": "Nilai total 70,10 < 75,00"})).endswith("70.10 &lt; 75.00")
    with translation.override("id"):
        assert rendered.render(Context({"r": "Nilai total 70,10 < 75,00"})) == "Nilai total 70,10 &lt; 75,00"


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
    return Assessment.objects.create(unit=unit, period=period, status=AssessmentStatus.SUBMITTED)


def test_unit_page_shows_reasons_in_the_readers_language(tree, client):
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
    assert "70.10 &lt; 75.00" in english and "70,10" not in english


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
