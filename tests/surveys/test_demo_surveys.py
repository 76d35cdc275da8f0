"""``zi seed_demo`` seeds survey campaigns and responses so IKM/IPAK/IPKP show on dashboards and in the LKE."""

from __future__ import annotations

import pytest

from zi.assessments.models import Assessment
from zi.assessments.suggestions import suggestions_for
from zi.demo import surveys as demo
from zi.insights.models import UnitPeriodRollup
from zi.organisations.models import Unit
from zi.surveys import services
from zi.surveys.models import Campaign, ItemRollup, Response

pytestmark = [pytest.mark.django_db, pytest.mark.once_in("postgresql")]


def test_demo_surveys_feed_dashboards_and_lke(demo_db):  # demo_db: what zi seed_demo builds, shared per worker
    campaigns = Campaign.objects.filter(title=demo.TITLE)
    assert campaigns.count() == len(demo.UNITS)
    lapas = Unit.objects.get(name="Lapas Kelas I Palembang")
    campaign = campaigns.get(unit=lapas)
    assert not Response.objects.filter(campaign__in=campaigns, rolled_up=False, excluded=False).exists()
    assert ItemRollup.objects.filter(campaign=campaign).exists()
    ipak = services.survey_index_for(lapas, campaign.period, "ipak")
    assert ipak.value is not None and ipak.sample_ok and 1 <= ipak.value <= 4
    row = UnitPeriodRollup.objects.get(unit=lapas, period=campaign.period)
    assert row.ikm is not None and row.ipak is not None and row.ipkp is not None
    assessment = Assessment.objects.get(unit=lapas, period=campaign.period)
    found = suggestions_for(assessment)
    assert found["B.I.a"].inputs["ipak"] == ipak.value and "Survei IPAK" in found["B.I.a"].source
    stuffed = campaigns.get(unit__name=demo.STUFFED_UNIT)
    flagged = Response.objects.filter(campaign=stuffed, is_flagged=True)
    assert flagged.count() == 12 and all("pattern_cluster" in r.flags for r in flagged)
    assert services.campaign_results(stuffed).without_flagged  # side-by-side figures exist
    assert demo.seed_surveys() == {"campaigns": 0, "responses": 0, "answers": 0, "flagged": 0}  # idempotent
