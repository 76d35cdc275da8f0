from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests import factories, worlds
from zi.portalrb import selectors, services, soalmap


@pytest.fixture(autouse=True)
def _urls_and_cache(settings):
    settings.ROOT_URLCONF = "tests.portalrb.urls"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def period(db):
    worlds.lke_template()
    soalmap.load_map()  # the question map refers to the loaded template
    today = timezone.localdate()
    return worlds.year_period(
        today.year,
        name=f"Evaluasi ZI {today.year}",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
    )


@pytest.fixture
def proposals(monkeypatch):
    """Units proposed by the workflow app, set by each test: {unit: (category, afirmasi)}."""
    chosen: dict = {}

    def fake(*, agency, year):
        return [
            selectors.Proposed(unit=u, category=c, afirmasi=a)
            for u, (c, a) in chosen.items()
            if u.agency_id == agency.pk
        ]

    monkeypatch.setattr(selectors, "proposed_units", fake)
    return chosen


@pytest.fixture
def token(agency):
    return services.token_create(actor=None, agency=agency, name="PortalRB")


@pytest.fixture
def assessment(tree, period):
    return factories.make_assessment(unit=tree["lapas"], period=period)
