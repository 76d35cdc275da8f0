"""Indonesian is the working language whatever the browser says; English when the person picks it."""

import pytest


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_ui(client):
    page = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "id"
    assert "Kata sandi" in page.content.decode()


@pytest.mark.django_db
def test_the_header_switch_selects_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    assert response.status_code == 302
    page = client.get("/akun/masuk/")
    assert page.headers["Content-Language"] == "en"
    assert "Password" in page.content.decode()


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/akun/masuk/").headers["Content-Language"] == "id"
