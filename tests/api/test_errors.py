"""Bad ids never reach the database (no 500), and every API error answers the documented JSON body."""

from __future__ import annotations

import pytest

HUGE = "99999999999999999999"
LIST_FILTERS = [
    ("people", "unit"),
    ("people", "subtree"),
    ("units", "parent"),
    ("units", "agency"),
    ("units", "subtree"),
    ("answers", "assessment"),
    ("evidence", "assessment"),
    ("survey-campaigns", "unit"),
    ("survey-campaigns", "period"),
    ("assessments", "unit"),
    ("assessments", "period"),
    ("journeys", "unit"),
    ("journeys", "period"),
    ("complaints", "unit"),
    ("complaints", "subtree"),
]


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict) and body
    return body


@pytest.mark.parametrize("value", ["1e20", HUGE, "9223372036854775808", "-1", "0", "1.5", " 1", "", "١"])
def test_id_filters_refuse_what_is_not_a_64_bit_id(world, api_client_for, value):
    """``?unit=1e20`` and 20-digit ids raised OverflowError on SQLite (500); every id filter answers 400 now."""
    client = api_client_for(world["superuser"])
    for resource, param in LIST_FILTERS:
        body = assert_json_error(client.get(f"/api/{resource}/", {param: value}), 400)
        assert param in body, (resource, param)


def test_id_filters_take_the_largest_id_and_a_real_one(world, api_client_for):
    client = api_client_for(world["superuser"])
    assert client.get("/api/people/", {"unit": str(2**63 - 1)}).json()["count"] == 0
    assert client.get("/api/people/", {"unit": world["staff"].unit_id}).json()["count"] >= 1


@pytest.mark.parametrize(
    "query",
    [
        {"is_open": "-1"},
        {"is_open": "1"},
        {"page_size": "null"},
        {"page_size": "0"},
        {"page_size": "201"},
        {"page": "x"},
    ],
)
def test_booleans_and_paging_are_checked_as_the_schema_says(world, api_client_for, query):
    assert_json_error(api_client_for(world["superuser"]).get("/api/periods/", query), 400)


def test_a_parameter_given_twice_or_empty_is_refused(world, api_client_for):
    client = api_client_for(world["superuser"])
    assert_json_error(client.get("/api/answers/?lane="), 400)
    assert_json_error(client.get("/api/journeys/?page_size=1&page_size=2"), 400)
    assert_json_error(client.get("/api/units/?parent=1&parent=2"), 400)
    assert client.get("/api/periods/", {"is_open": "true"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/answers/%C2%84/",
        f"/api/people/{HUGE}/",
        "/api/units/-1/",
        "/api/tidak-ada/",
        "/api/assessments/1/tidak-ada/",
    ],
)
def test_resolver_404s_under_the_api_are_json(world, api_client_for, path):
    body = assert_json_error(api_client_for(world["superuser"]).get(path), 404)
    assert body["code"] == "not_found"


def test_405_is_json_with_allow(world, api_client_for):
    response = api_client_for(world["superuser"]).delete("/api/units/")
    assert_json_error(response, 405)
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "path",
    [
        f"/penilaian/data-dukung/{HUGE}/r1/berkas",
        f"/penilaian/data-dukung/1/r{HUGE}/berkas",
        f"/penilaian/{HUGE}/",
        f"/unit/{HUGE}/",
        f"/program/pengaduan/{HUGE}/",
        f"/alur/{HUGE}/",
        f"/api/portalrb/bukti/x/berkas/{HUGE}/",
        f"/api/token/{HUGE}/cabut/",
    ],
)
def test_web_routes_with_20_digit_ids_are_404_not_500(world, client, path):
    client.force_login(world["superuser"])
    assert client.get(path).status_code == 404


def test_link_evidence_download_is_null(world, api_client_for):
    from zi.assessments import services

    item = services.evidence_add_link(
        actor=world["member"],
        assessment=world["draft"],
        question_code=world["choice_code"],
        title="Tautan",
        url="https://example.org/sk",
    )
    body = api_client_for(world["member"]).get(f"/api/evidence/{item.pk}/").json()
    assert body["revisions"][0]["download"] is None


@pytest.mark.parametrize("value", ["", "-617", "0", "1e20", HUGE, "9223372036854775808"])
def test_dashboard_unit_is_a_64_bit_id(world, api_client_for, value):
    response = api_client_for(world["users"][("national_viewer", True)]).get("/api/dashboard/", {"unit": value})
    assert_json_error(response, 400)


def test_every_route_takes_ids_with_the_one_id_converter():
    """``<int:…>`` let 20-digit ids reach the database; every route of ours uses ``<id:…>`` (zi/core/converters.py)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import IntConverter

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                yield entry

    with_int = [
        str(entry.pattern)
        for entry in walk(get_resolver().url_patterns)
        if entry.callback.__module__.startswith("zi.")  # Django's admin and django-otp's pages are not ours
        and any(isinstance(conv, IntConverter) for conv in getattr(entry.pattern, "converters", {}).values())
    ]
    assert not with_int


@pytest.mark.parametrize(
    "value",
    ["8192-11-10T15:58:41+16:42", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2026-01-01T00:00:00"],
)
def test_complaint_dates_with_any_rfc3339_offset_are_answered(world, api_client_for, value):
    """PostgreSQL refuses offsets past ±15:59 (a 500 before); every bound is compared in UTC now."""
    client = api_client_for(world["superuser"])
    for param in ("received_after", "received_before"):
        assert client.get("/api/complaints/", {param: value}).status_code == 200
