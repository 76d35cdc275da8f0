"""The national recap workbook (zi.insights.recap): one row per scored lane, the status read from the one state."""

import io

import openpyxl
import pytest
from django.utils import timezone

from tests import factories, worlds
from zi.assessments.models import Lane, LaneScore
from zi.assessments.stages import State
from zi.insights.recap import HEADERS, write_national_recap

pytestmark = pytest.mark.django_db


def test_recap_lists_each_scored_lane_with_the_status_of_its_state(tree):
    period = worlds.year_period(2026)
    draft = factories.make_assessment(unit=tree["lapas"], period=period)
    sent = factories.make_assessment(unit=tree["rutan"], period=period, state=State.SUBMITTED)
    for assessment, total in ((draft, 61.5), (sent, 72.25)):
        LaneScore.objects.create(
            assessment=assessment,
            lane=Lane.SELF,
            total=total,
            pengungkit=40,
            hasil=total - 40,
            pemenuhan=0,
            reform=0,
            eligible_wbk=False,
            eligible_wbbm=False,
            breakdown={},
            computed_at=timezone.now(),
        )
    buffer = io.BytesIO()
    assert write_national_recap(buffer, year=2026) == 2
    sheet = openpyxl.load_workbook(buffer).active
    rows = [dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    by_unit = {row["Kode unit"]: row for row in rows}
    assert by_unit[tree["lapas"].code]["Status"] == "draft"
    assert by_unit[tree["rutan"].code]["Status"] == "submitted"
    assert by_unit[tree["rutan"].code]["Nilai total"] == 72.25
