"""Every ``aria-describedby`` / ``aria-labelledby`` on a page names an element of that page.

A reference to a missing id is silently dropped by screen readers, so the help text or label it was meant to
announce is never heard; axe-core does not flag it (issue #25 found two by hand: the complaint form's
``id_notify_email_helptext`` and the people-import page's encoding help). Django adds
``aria-describedby="<id>_helptext"`` (and ``<id>_error`` when the field has errors) to every widget whose field has
help text, so a template that renders ``field.help_text`` or ``field.errors`` itself must give them those ids.

Pages checked: what each demo login reaches by following the site's links from the home page (as in
``tests/test_every_link.py``), the public pages, and the error state of forms that render their fields by hand.
"""

from __future__ import annotations

import os
import re
from collections import Counter, deque
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from zi.demo.organisations import DEMO_LOGINS

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(static|media)/|^/akun/keluar/|^/api/")
MAX_PAGES = 120
VARIANTS = 2
REFERENCING = ("aria-describedby", "aria-labelledby")

# markup, checked once: these crawls read templates, which do not depend on the database (CI time)
MARKUP_ONCE = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the SQLite pass")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (attribute, missing id, the element's tag and name)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for attribute in REFERENCING:
            for ref in (values.get(attribute) or "").split():
                self.references.append((attribute, ref, f"<{tag} name={values.get('name')!r} id={values.get('id')!r}>"))


def broken_references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    parser.close()
    return [f"{element} {attribute}={ref!r}" for attribute, ref, element in parser.references if ref not in parser.ids]


def check(response, url: str, problems: list[str]) -> int:
    """Add the page's broken references to ``problems``; return how many references it has."""
    html = response.content.decode()
    parser = _References()
    parser.feed(html)
    problems.extend(f"{url}: {broken}" for broken in broken_references(html))
    return len(parser.references)


def test_the_checker_finds_a_broken_reference():
    html = (
        '<label id="l">Nama</label><input aria-labelledby="l" aria-describedby="h gone">'
        '<small id="h">Bantuan</small><div aria-labelledby="missing"></div>'
    )
    assert broken_references(html) == [
        "<input name=None id=None> aria-describedby='gone'",
        "<div name=None id=None> aria-labelledby='missing'",
    ]


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


@MARKUP_ONCE
@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_every_aria_reference_a_role_is_shown_exists(demo_db, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    queue, seen, shapes = deque(["/"]), set(), Counter()
    problems: list[str] = []
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shapes[_shape(url)] += 1
        if shapes[_shape(url)] > VARIANTS:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        check(response, url, problems)
        for href in HREF.findall(html):
            href = href.replace("&amp;", "&")
            if href not in seen and not SKIP.search(href):
                queue.append(href)
    assert pages > 10, f"{username} reached only {pages} pages"
    assert not problems, "\n".join(problems)


def _public_urls() -> list[str]:
    from zi.organisations.models import Unit
    from zi.surveys.models import Campaign

    unit = Unit.objects.filter(serves_public=True).order_by("pk").first()
    urls = [
        reverse("accounts:login"),
        reverse("programme:complaint_public", args=[unit.pk]),
        reverse("integrity:whistle_public", args=[unit.pk]),
        reverse("programme:track"),
        reverse("insights:public"),
    ]
    from django.utils import timezone

    for campaign in Campaign.objects.filter(closes_at__gt=timezone.now()).order_by("pk"):  # a closed one answers 410
        urls.append(reverse("surveys:public", args=[campaign.token]))
        if campaign.kiosk_enabled:
            urls.append(reverse("surveys:kiosk", args=[campaign.token]))
    return urls


def test_every_aria_reference_on_the_public_pages_exists(demo_db):
    client = Client()
    problems: list[str] = []
    for url in _public_urls():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        check(response, url, problems)
        if "/pengaduan/" in url and "/baru/" in url:  # the reference issue #25 found broken, now there
            assert 'aria-describedby="id_notify_email_helptext"' in response.content.decode()
    assert not problems, "\n".join(problems)


def test_every_aria_reference_in_the_forms_error_state_exists(demo_db):
    """Fields with errors get ``aria-describedby="<id>_error"``: the error message must carry that id."""
    from zi.organisations.models import Unit

    unit = Unit.objects.filter(serves_public=True).order_by("pk").first()
    problems: list[str] = []
    anonymous = Client()
    for name in ("programme:complaint_public", "integrity:whistle_public"):
        url = reverse(name, args=[unit.pk])
        response = anonymous.post(url, {"notify_email": "bukan-surel"})
        assert response.status_code == 200, (url, response.status_code)
        assert b'aria-invalid="true"' in response.content
        check(response, f"POST {url}", problems)
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="demo-admin"))
    url = reverse("organisations:import")
    response = admin.post(url, {"kind": "people", "encoding": "latin-9"})
    assert response.status_code == 200 and b'aria-invalid="true"' in response.content
    check(response, f"POST {url}", problems)
    assert not problems, "\n".join(problems)
