from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from zi.surveys import services
from zi.surveys.models import Instrument


@pytest.fixture(autouse=True)
def _clear_cache_and_fast_forms(settings):
    cache.clear()
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def instruments(db):
    services.instruments_load_all()
    return {i.kind: i for i in Instrument.objects.all()}


@pytest.fixture
def make_campaign(tree, period, instruments):
    def make(kinds=("skm",), unit=None, **fields):
        now = timezone.now()
        defaults = {
            "title": "Survei Layanan Kunjungan 2026",
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=30),
            "respondent_groups": ["pengguna_layanan", "pengunjung", "wbp"],
        }
        defaults.update(fields)
        return services.campaign_create(
            actor=None,
            unit=unit or tree["lapas"],
            period=period,
            instruments=[instruments[k] for k in kinds],
            **defaults,
        )

    return make


def stamp_from(html: str) -> str:
    match = re.search(r'name="ts" value="([^"]+)"', html)
    assert match, "form has no stamp"
    return match.group(1)


def answers_for(campaign, value=4, overrides=None):
    """POST data answering every item of the campaign with ``value`` (yes/no items with 0)."""
    data = {}
    for item in services.campaign_items(campaign):
        data[f"q{item.pk}"] = str(value if item.scale == "likert4" else 0)
    data.update(overrides or {})
    return data
