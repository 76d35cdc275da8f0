"""403 (also a form sent without its CSRF token), 404 and 500 pages in the site's layout and language, never
Django's debug text; the demo serves with DEBUG off (and still serves its static files), so a browser never sees
Django's debug page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.test import Client

from tests import factories
from zi.organisations.models import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
DEBUG_TEXT = ("Traceback", "URLconf", "Using the URLconf", "DEBUG = True", "technical", "Request Method", "urlpatterns")


def _no_debug_text(html: str) -> None:
    for text in DEBUG_TEXT:
        assert text not in html, text


def _layout(html: str) -> None:
    """The site's own header, stylesheet and footer (the transparency and tracking links)."""
    assert 'class="container-fluid site-header"' in html and "/static/zi/app.css" in html
    assert 'href="/wawasan/publik/"' in html and 'href="/program/pengaduan/lacak/"' in html


def test_404_in_the_layout_in_indonesian(client):
    response = client.get("/tidak-ada/sama-sekali/")
    assert response.status_code == 404
    html = response.content.decode()
    _layout(html)
    assert '<html lang="id">' in html and "Halaman tidak ditemukan" in html
    _no_debug_text(html)


def test_404_in_english_with_the_language_cookie(client):
    client.cookies["django_language"] = "en"
    html = client.get("/tidak-ada/").content.decode()
    assert '<html lang="en">' in html and "Page not found" in html and "Halaman tidak ditemukan" not in html


def test_404_under_the_api_is_not_the_html_page(client):
    """The API's own answers (JSON) are not replaced by the page."""
    response = client.get("/api/units/999999999/", HTTP_AUTHORIZATION="Token salah")
    assert "Halaman tidak ditemukan" not in response.content.decode()


def test_403_in_the_layout_and_both_languages(tree):
    leader = factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"])
    client = Client()
    client.force_login(leader)
    response = client.get("/unit/impor/")  # leaders do not manage units
    assert response.status_code == 403
    html = response.content.decode()
    _layout(html)
    assert "Akses ditolak" in html and "403" in html
    _no_debug_text(html)
    assert "<h1>403 Forbidden</h1>" not in html  # Django's bare page
    client.cookies["django_language"] = "en"
    english = client.get("/unit/impor/").content.decode()
    assert "Access denied" in english and "Akses ditolak" not in english


def test_a_form_sent_without_its_csrf_token_is_a_403_page_in_the_layout():
    """Django's CSRF failure answer (an expired form, cookies off) is the site's page, not the bare English one."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/program/pengaduan/lacak/", {"code": "ABCD-EFGH"})
    assert response.status_code == 403
    html = response.content.decode()
    _layout(html)
    assert "Formulir tidak dapat dikirim" in html and "CSRF verification failed" not in html
    _no_debug_text(html)
    client.cookies["django_language"] = "en"
    english = client.post("/program/pengaduan/lacak/", {"code": "ABCD-EFGH"}).content.decode()
    assert "The form could not be sent" in english


def test_500_in_the_layout_without_the_database_or_a_trace(tree, monkeypatch):
    leader = factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"])
    client = Client(raise_request_exception=False)
    client.force_login(leader)
    monkeypatch.setattr("zi.organisations.views_home.grants_for", lambda user: 1 / 0)
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    _layout(html)
    assert '<html lang="id">' in html and "Kesalahan server" in html
    assert "ZeroDivisionError" not in html
    _no_debug_text(html)
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english and "Server error" in english and "Kesalahan server" not in english


def test_the_demo_serves_with_debug_off_and_still_serves_static_files(tmp_path):
    """scripts/demo.sh's server: DEBUG off by default, ``runserver --insecure`` for the static files. The same command
    here: an unknown address answers the site's 404 page (not the debug page listing the URL patterns)."""
    script = (ROOT / "scripts" / "demo.sh").read_text()
    assert 'export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"' in script
    assert 'runserver --insecure "${reload[@]}" "$ADDR"' in script
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_")) and k != "DATABASE_URL"}
    env.update(DJANGO_DEBUG="0", ZI_VAR_DIR=str(tmp_path / "var"))
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(Path(sys.executable).parent / "zi"), "runserver", "--insecure", "--noreload", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                missing = requests.get(f"{base}/tidak-ada/", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert missing.status_code == 404
        assert "Halaman tidak ditemukan" in missing.text and "URLconf" not in missing.text
        static = requests.get(f"{base}/static/zi/app.css", timeout=5)
        assert static.status_code == 200 and "cards-narrow" in static.text
    finally:
        server.terminate()
        server.wait(timeout=10)
