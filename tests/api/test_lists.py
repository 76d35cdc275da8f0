"""Every list endpoint of the API pages its results and filters by an allow-list, whatever viewset is added."""

from __future__ import annotations

from zi.api.pagination import Pagination
from zi.api.urls import router


def test_every_registered_list_is_paginated_and_filterable():
    for prefix, viewset, _basename in router.registry:
        assert viewset.pagination_class is Pagination, prefix
        assert getattr(viewset, "filterset_class", None) is not None, f"/api/{prefix}/ has no filter allow-list"


def test_lists_answer_pages_and_filters(world, api_client_for):
    client = api_client_for(world["superuser"])
    for prefix, _viewset, _basename in router.registry:
        response = client.get(f"/api/{prefix}/", {"page_size": 1})
        assert response.status_code == 200, prefix
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}, prefix
        assert len(body["results"]) <= 1
        if body["count"] > 1:
            assert "page=2" in body["next"]
    periods = client.get("/api/periods/", {"year": 2026}).json()
    assert [row["year"] for row in periods["results"]] == [2026]
    assert client.get("/api/periods/", {"year": 1999}).json()["count"] == 0
