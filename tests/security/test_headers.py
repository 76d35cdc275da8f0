"""Every kind of page carries the security headers; every POST form needs its CSRF token; rate limits bite."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import DEFAULT_PASSWORD

HEADERS = {
    "Content-Security-Policy": "default-src '",  # 'self' for pages, 'none' (sandboxed) for evidence files
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _pages(world) -> list[str]:
    return [
        "/",
        "/akun/masuk/",
        "/unit/",
        f"/penilaian/{world['draft'].pk}/",
        f"/penilaian/data-dukung/{world['evidence'].pk}/r1/berkas",
        "/api/units/",
        "/api/schema/",
        "/api/docs/",
        "/api/token/",
        "/tidak-ada/",
        f"/survei/s/{world['campaign'].token}/",
        f"/program/pengaduan/{world['tree']['lapas'].pk}/baru/",
        "/healthz",
    ]


def test_every_page_type_has_security_headers(world, client):
    client.force_login(world["member"])
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code < 500, url
        for name, value in HEADERS.items():
            assert value in response.get(name, ""), (url, name, response.get(name))
        assert response.get("X-Frame-Options") in ("DENY", "SAMEORIGIN"), url


def test_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["member"])
    assert client.post("/api/token/", {"name": "x"}).status_code == 403
    assert (
        client.post(f"/penilaian/{world['draft'].pk}/jawab/{world['choice_code']}/", {"choice": "Ya"}).status_code
        == 403
    )
    # the API with the session (the docs' "try it out") needs the token too; with a bearer token it does not
    response = client.post(
        f"/api/assessments/{world['draft'].pk}/answers/",
        {"question": world["choice_code"], "choice": "Ya"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not world["draft"].answers.exists()


def test_login_lockout(world, client):
    for _ in range(5):
        client.post("/akun/masuk/", {"username": world["member"].username, "password": "salah-salah-salah"})
    response = client.post("/akun/masuk/", {"username": world["member"].username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429


def test_public_complaint_form_rate_limited(world, client):
    cache.clear()
    url = f"/program/pengaduan/{world['tree']['lapas'].pk}/baru/"
    statuses = [
        client.post(url, {"category": "pelayanan", "subject": "s", "description": "d"}).status_code for _ in range(40)
    ]
    assert 429 in statuses
    cache.clear()


@pytest.mark.parametrize("path", ["/api/units/", "/api/schema/"])
def test_api_json_is_not_sniffable(world, api_client_for, path):
    response = api_client_for(world["member"]).get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
