"""The notice pages (thank-you after every public submission) come from the per-process page cache
(``zi.core.page_cache``): rendered once, yet each visitor gets their own working CSRF token, and a changed unit name
or language is a new page, never a stale one."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.surveys.test_public_form import _post
from zi.organisations import services as org_services

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _thanks(campaign, address: str, language: str = "id") -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    client.cookies.load({"django_language": language})
    page = _form_post_with_csrf(client, campaign)
    assert page.status_code == 200, page.content[:300]
    return client, page.content.decode()


def _form_post_with_csrf(client: Client, campaign):
    url = reverse("surveys:public", args=[campaign.token])
    form = client.get(url).content.decode()
    return _post(client, campaign, extra={"csrfmiddlewaretoken": TOKEN.search(form).group(1)})


def test_each_visitor_gets_a_working_token_of_their_own(make_campaign):
    campaign = make_campaign(kinds=("skm",))
    first, first_page = _thanks(campaign, "10.0.0.1")
    second, second_page = _thanks(campaign, "10.0.0.2")
    assert "Terima kasih" in first_page and "Terima kasih" in second_page
    first_token, second_token = TOKEN.search(first_page).group(1), TOKEN.search(second_page).group(1)
    assert first_token != second_token and "csrf-" not in first_page + second_page
    # the language switch of the cached page works with its own token (CSRF enforced), and not with the other's
    switch = reverse("set_language")
    assert first.post(switch, {"language": "en", "next": "/", "csrfmiddlewaretoken": first_token}).status_code == 302
    third = Client(enforce_csrf_checks=True)
    third.get(reverse("surveys:public", args=[campaign.token]))  # a CSRF cookie of its own
    assert third.post(switch, {"language": "en", "next": "/", "csrfmiddlewaretoken": first_token}).status_code == 403


def test_a_renamed_unit_and_another_language_are_new_pages(make_campaign):
    campaign = make_campaign(kinds=("skm",))
    _client, before = _thanks(campaign, "10.0.0.3")
    assert campaign.unit.name in before
    org_services.unit_update(actor=None, unit=campaign.unit, name="Lapas Kelas I Palembang Baru")
    _client, after = _thanks(campaign, "10.0.0.4")
    assert "Lapas Kelas I Palembang Baru" in after
    _client, english = _thanks(campaign, "10.0.0.5", language="en")
    assert 'lang="en"' in english and "Thank you" in english and "Terima kasih" not in english
