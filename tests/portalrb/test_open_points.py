"""The guide's two open points as settings, both settings tested (docs/portalrb.md, "Open points of the guide"):
numbers as JSON strings or bare numbers, and what the endpoints answer outside the proposal period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.portalrb.test_api import answer, assert_error, get
from zi.assessments.models import Lane, Period
from zi.portalrb import selectors

pytestmark = pytest.mark.django_db


def fill_numbers(assessment):
    answer(assessment, "A.I.1.i.a", "Ya")
    answer(assessment, "A.II.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7})
    answer(assessment, "B.I.a", 3.71)
    answer(assessment, "B.I.a", 3.5, lane=Lane.TPI)


@pytest.mark.parametrize(
    ("number_format", "expected"),
    [("string", ("10", "7", "3.71", "3.5")), ("number", (10, 7, 3.71, 3.5))],
)
def test_numbers_as_strings_or_bare_numbers(
    client, tree, period, proposals, token, assessment, settings, number_format, expected
):
    settings.PORTALRB_NUMBER_FORMAT = number_format
    proposals[tree["lapas"]] = ("WBK", False)
    fill_numbers(assessment)
    response = get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1])
    assert response.status_code == 200
    answers = {a["soal_id"]: a for a in response.json()["answers"]}
    served = (
        answers[88]["jawaban_unit"],
        answers[89]["jawaban_unit"],
        answers[125]["jawaban_unit"],
        answers[125]["jawaban_tpi"],
    )
    assert served == expected
    assert all(type(v) is type(e) for v, e in zip(served, expected, strict=True))
    assert answers[1]["jawaban_unit"] == "Ya"  # choices are strings in both settings
    assert answers[90]["jawaban_unit"] is None
    # the preview validates the same values without a problem in both settings
    result = selectors.unit_answers_payload(unit=tree["lapas"], period=period)
    assert result.problems == []


def test_outside_the_period_not_found_is_the_default(client, tree, period, proposals, token, settings):
    assert settings.PORTALRB_OUTSIDE_PERIOD == "not_found"
    proposals[tree["lapas"]] = ("WBK", False)
    period.ends_on = timezone.localdate() - dt.timedelta(days=1)
    period.save()
    assert_error(get(client, "pengusulan/unit-wbk", token[1]), 404, "DATA_NOT_FOUND")
    assert_error(get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1]), 404, "DATA_NOT_FOUND")


def test_outside_the_period_latest_keeps_serving_the_last_started_period(
    client, tree, period, proposals, token, settings
):
    settings.PORTALRB_OUTSIDE_PERIOD = "latest"
    proposals[tree["lapas"]] = ("WBK", False)
    today = timezone.localdate()
    period.ends_on = today - dt.timedelta(days=1)
    period.is_open = False
    period.save()
    Period.objects.create(  # a future period has not started: it is not served
        year=period.year + 1,
        name="Berikutnya",
        template=period.template,
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=300),
    )
    assessment = factories.make_assessment(unit=tree["lapas"], period=period)
    answer(assessment, "A.I.1.i.a", "Ya")
    units = get(client, "pengusulan/unit-wbk", token[1])
    assert units.status_code == 200
    assert units.json()["tahun"] == period.year
    assert [u["id"] for u in units.json()["units"]] == [str(tree["lapas"].pk)]
    body = get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1]).json()
    assert body["tahun"] == period.year
    assert {a["soal_id"]: a for a in body["answers"]}[1]["jawaban_unit"] == "Ya"
    # before any period has started there is still nothing to serve
    Period.objects.filter(pk=period.pk).update(
        starts_on=today + dt.timedelta(days=1), ends_on=today + dt.timedelta(days=5)
    )
    assert_error(get(client, "pengusulan/unit-wbk", token[1]), 404, "DATA_NOT_FOUND")
