"""A unit's zone (WIB/WITA/WIT) from its province (data), its override, its agency; one format everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from tests import factories
from zi.organisations import services as org_services
from zi.organisations.timezones import (
    abbreviation,
    format_local,
    format_local_date,
    province_zone,
    unit_timezone,
)

MOMENT = dt.datetime(2026, 12, 6, 19, 38, tzinfo=dt.UTC)  # the example: 06-12 19:38 UTC


@pytest.mark.parametrize(
    ("province", "zone"),
    [
        ("Sumatera Selatan", "Asia/Jakarta"),
        ("DKI Jakarta", "Asia/Jakarta"),
        ("Kalimantan Barat", "Asia/Jakarta"),
        ("Bali", "Asia/Makassar"),
        ("Provinsi Sulawesi  Selatan", "Asia/Makassar"),
        ("sulsel", "Asia/Makassar"),
        ("Kalimantan Utara", "Asia/Makassar"),
        ("Papua Pegunungan", "Asia/Jayapura"),
        ("Maluku", "Asia/Jayapura"),
    ],
)
def test_province_zone(province, zone):
    assert province_zone(province) == zone


def test_every_province_once():
    from zi.organisations.timezones import _table

    zones, abbreviations = _table()
    assert abbreviations == {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
    assert len({k for k in zones if " " in k or k in {"aceh", "riau", "jambi", "bengkulu", "lampung"}}) >= 38


def test_unit_zone_province_override_agency_default(db):
    agency = factories.AgencyFactory(code="PEMPROV-SULSEL", province="Sulawesi Selatan")
    inherited = factories.make_unit(agency=agency, name="Dinas A")
    assert inherited.province == "Sulawesi Selatan" and unit_timezone(inherited).key == "Asia/Makassar"
    unknown = org_services.unit_update(actor=None, unit=inherited, province="")
    assert unit_timezone(unknown).key == "Asia/Makassar"  # the agency's province
    papua = org_services.unit_update(actor=None, unit=inherited, province="Papua")
    assert unit_timezone(papua).key == "Asia/Jayapura"
    override = org_services.unit_update(actor=None, unit=papua, time_zone="Asia/Jakarta")
    assert unit_timezone(override).key == "Asia/Jakarta"
    assert unit_timezone(None).key == "Asia/Jakarta"
    nowhere = factories.AgencyFactory(code="NOWHERE", province="")
    assert unit_timezone(factories.make_unit(agency=nowhere)).key == "Asia/Jakarta"


def test_format(db):
    agency = factories.AgencyFactory(code="X1", province="Jawa Tengah")
    wib = factories.make_unit(agency=agency)
    wita = org_services.unit_update(actor=None, unit=factories.make_unit(agency=agency), province="Bali")
    wit = org_services.unit_update(actor=None, unit=factories.make_unit(agency=agency), province="Maluku Utara")
    assert format_local(MOMENT, wib) == "07-12-2026 02.38 WIB"
    assert format_local(MOMENT, wita) == "07-12-2026 03.38 WITA"
    assert format_local(MOMENT, wit, seconds=True) == "07-12-2026 04.38.00 WIT"
    assert format_local(None, wib) == "–"
    assert format_local_date(dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC), wib) == "06-12-2026"
    assert format_local_date(dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC), wit) == "07-12-2026"
    with translation.override("en"):
        assert format_local(MOMENT, wita) == "07-12-2026 03:38 WITA"
    assert abbreviation("UTC") == "UTC"
    html = Template("{% load zi_time %}{{ m|unit_time:u }}|{{ m|unit_date:u }}|{{ none|unit_time:u }}").render(
        Context({"m": MOMENT, "u": wita, "none": None})
    )
    assert html == "07-12-2026 03.38 WITA|07-12-2026|–"


def test_saved_at_clock_in_the_units_zone(db):
    agency = factories.AgencyFactory(code="X2", province="Papua")
    unit = factories.make_unit(agency=agency)
    text = Template("{% load zi_time %}{{ u|unit_clock }}").render(Context({"u": unit}))
    assert text.endswith(" WIT") and text.count(".") == 2
