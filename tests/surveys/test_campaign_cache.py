"""The public form's campaign is cached per process and invalidated on change (issue #24)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zi.surveys import services
from zi.surveys.models import Campaign

pytestmark = pytest.mark.django_db


def _campaign_reads(ctx: CaptureQueriesContext) -> int:
    return sum(1 for q in ctx.captured_queries if 'FROM "surveys_campaign"' in q["sql"])


def test_public_form_reads_the_campaign_once_until_it_changes(client, make_campaign):
    campaign = make_campaign()
    url = reverse("surveys:public", args=[campaign.token])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert _campaign_reads(ctx) == 0  # served from the process's cache

    campaign.title = "Survei Judul Baru"
    campaign.save()
    page = client.get(url)
    assert page.status_code == 200 and "Survei Judul Baru" in page.content.decode()  # seen at once

    services.campaign_close(actor=None, campaign=Campaign.objects.get(pk=campaign.pk), reason="selesai")
    assert client.get(url).status_code == 410  # closed: seen at once

    campaign.unit.name = "Lapas Nama Baru"
    campaign.unit.save()
    assert services.public_campaign(campaign.token).unit.name == "Lapas Nama Baru"


def test_a_request_cannot_change_the_cached_campaign(make_campaign):
    campaign = make_campaign(opens_at=timezone.now() - dt.timedelta(days=2))
    first = services.public_campaign(campaign.token)
    first.title = "diubah di memori"
    assert services.public_campaign(campaign.token).title == campaign.title
    assert services.public_campaign("tidak-ada") is None
    Campaign.objects.filter(pk=campaign.pk).delete()  # no responses yet
    assert services.public_campaign(campaign.token) is None  # a deleted campaign is gone at once
