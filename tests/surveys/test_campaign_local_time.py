"""A campaign of a unit in WITA: its times are typed, shown and exported in WITA (the unit's zone)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests import factories
from tests.surveys.test_campaign_manage import _edit_data
from zi.organisations import services as org_services
from zi.organisations.models import Role

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def test_campaign_times_in_the_units_zone(client, make_campaign, tree, instruments):
    lapas = org_services.unit_update(actor=None, unit=tree["lapas"], province="Sulawesi Selatan")
    campaign = make_campaign(kinds=("skm",), unit=lapas)
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=lapas)
    client.force_login(member)
    url = reverse("surveys:campaign_edit", args=[campaign.pk])
    data = _edit_data(campaign, [instruments["skm"]])
    data["closes_at"] = "2027-01-31T17:00"
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.closes_at == dt.datetime(2027, 1, 31, 17, 0, tzinfo=WITA)  # 17.00 WITA, not 17.00 WIB
    page = client.get(url).content.decode()
    assert 'value="2027-01-31T17:00"' in page  # shown back as typed
    detail = client.get(reverse("surveys:campaign_list")).content.decode()
    assert "31-01-2027 17.00 WITA" in detail
