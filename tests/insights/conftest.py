"""A two-year world for the insights tests: the test tree plus a school, assessments in 2025 and 2026, rollup numbers
that only the rollup knows, and the summaries of those numbers."""

from __future__ import annotations

import pytest

from tests import factories, worlds
from zi.assessments.stages import State
from zi.insights.models import UnitPeriodRollup
from zi.insights.services import rollup_refresh, summaries_refresh
from zi.organisations.models import UnitType


@pytest.fixture
def nodes(tree, settings):
    settings.ZI_INSIGHTS_SUMMARY_MIN_ROWS = 2  # the small test tree stands in for big subtrees
    settings.ZI_INSIGHTS_CACHE_SECONDS = 0
    school = factories.make_unit(parent=tree["sumsel"], name="SMA Negeri 1", unit_type=_school_type())
    periods = []
    for year in (2025, 2026):
        period = worlds.year_period(year, audited=True)
        for key in ("lapas", "rutan", "rutan_tpi"):
            factories.make_assessment(unit=tree[key], period=period, state=State.SUBMITTED)
        factories.make_assessment(unit=school, period=period)
        rollup_refresh(period=period)
        periods.append(period)
    UnitPeriodRollup.objects.filter(unit=tree["lapas"]).update(
        total=71.25, area1=10.5, ikm=88.1, ipak=3.2, eligible_wbk=True, stage_rank=6, predicate="WBK"
    )
    UnitPeriodRollup.objects.filter(unit=tree["rutan"]).update(total=64.4, ikm=80.3, stage_rank=3, warning_count=1)
    UnitPeriodRollup.objects.filter(unit=tree["rutan_tpi"], period=periods[1]).update(total=90.0, predicate="WBBM")
    for period in periods:
        summaries_refresh(period=period)
    return {"periods": periods, "school": school, **tree}


def _school_type():
    return UnitType.objects.get_or_create(code="sekolah", defaults={"name": "Sekolah", "builds_zi": True})[0]
