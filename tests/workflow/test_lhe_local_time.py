"""The LHE PDF and the journey page print the same local time: the unit's zone (WIB, WITA), never UTC."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.pdf_checks import pdf_text
from tests.workflow.conftest import journey_at
from zi.organisations import services as org_services
from zi.workflow.models import JourneyEvent, State

TIME = re.compile(
    r"\d{2}-\d{2}-\d{4} \d{2}\.\d{2} WITA?|\d{2}-\d{2}-\d{4} \d{2}\.\d{2} WIT|\d{2}-\d{2}-\d{4} \d{2}\.\d{2} WIB"
)


@pytest.mark.parametrize(
    ("province", "zone", "abbr"), [("Sulawesi Selatan", "Asia/Makassar", "WITA"), ("", "Asia/Jakarta", "WIB")]
)
def test_lhe_and_page_show_the_same_local_time(client, jw, province, zone, abbr):
    org_services.unit_update(actor=None, unit=jw["lapas"], province=province)
    journey = journey_at(jw, State.TPI_MEETS)
    events = list(JourneyEvent.objects.filter(journey=journey))
    expected = {f"{e.at.astimezone(ZoneInfo(zone)):%d-%m-%Y %H.%M} {abbr}" for e in events}
    client.force_login(jw["tpi1"])
    page = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    text = pdf_text(client.get(reverse("workflow:lhe", args=[journey.pk])).content)
    on_page, in_pdf = set(TIME.findall(page)), set(TIME.findall(text))
    assert expected and expected <= on_page
    assert expected <= in_pdf  # the PDF's history: the same times, same zone, as the page
    assert all(t.endswith(f" {abbr}") for t in in_pdf)  # and no time in another zone (the print time included)
    utc = {f"{e.at:%d-%m-%Y %H:%M}" for e in events}
    assert not any(u in text for u in utc)
