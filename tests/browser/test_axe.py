"""axe-core over the demo world: WCAG 2.0/2.1 level A and AA rules, zero violations.

axe-core is the engine bundled by the ``axe-playwright-python`` package (no download at run time). The pages: what a
few demo logins reach from the home page by the site's own links (one page per path shape, digits counted as one
shape, the first role to reach a shape checks it), and the public pages. A violation fails the test with the page,
the rule and the element. ``test_axe_fails_on_an_unlabelled_input`` shows the check would catch a regression.
"""

from __future__ import annotations

import os
import re
import time
from collections import deque

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # markup and styles do not depend on the database: checked once, in the SQLite pass (CI time)
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the SQLite pass"),
]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
ROLES = ["demo-tim", "demo-ketua", "demo-reviewer", "demo-tpi", "demo-admin", "demo-pimpinan", "demo-nasional"]
HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(static|media|api)/|^/akun/keluar/|\.(xlsx|pdf|csv|png|svg)(\?|$)")
MAX_PAGES_PER_ROLE = 40


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def violations(page) -> list[str]:
    """axe's WCAG A/AA violations on the page, one line per rule and element."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} {node['html'][:160]}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def html_pages(client: Client, seen_shapes: set[str]) -> list[str]:
    """HTML pages reachable from the home page by links, one per path shape not yet in ``seen_shapes``."""
    queue, seen, found = deque(["/"]), set(), []
    while queue and len(found) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if _shape(url) not in seen_shapes:
            seen_shapes.add(_shape(url))
            found.append(url)
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if href not in seen and _shape(href) not in seen_shapes:
                queue.append(href)
    return found


def signed_in(browser, live_server, username: str):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return client, context


def test_axe_fails_on_an_unlabelled_input(page, tree):
    """The check catches what it is for: an input without a label, injected into a real page, is reported."""
    page.goto(reverse("accounts:login"))
    assert violations(page) == []
    page.evaluate("document.querySelector('main form').insertAdjacentHTML('beforeend', '<input id=tanpa-label>')")
    found = violations(page)
    assert any(line.startswith("label (critical): #tanpa-label") for line in found), found


def test_demo_pages_have_no_wcag_a_aa_violations(browser, live_server):
    from zi.demo import organisations as demo
    from zi.organisations.models import Unit
    from zi.surveys.models import Campaign

    demo.build_demo()
    problems: list[str] = []
    checked = 0
    started = time.monotonic()
    seen_shapes: set[str] = set()

    def check(page, url: str, who: str) -> None:
        nonlocal checked
        response = page.goto(url)
        assert response is not None and response.status == 200, (who, url, response and response.status)
        page.wait_for_load_state("networkidle")
        problems.extend(f"{who} {url}: {line}" for line in violations(page))
        checked += 1

    unit = Unit.objects.filter(serves_public=True).order_by("pk").first()
    campaign = Campaign.objects.order_by("pk").first()
    public = [
        reverse("accounts:login"),
        reverse("programme:complaint_public", args=[unit.pk]),
        reverse("programme:whistle_public", args=[unit.pk]),
        reverse("programme:track"),
        reverse("insights:public"),
        reverse("surveys:public", args=[campaign.token]),
    ]
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for url in public:
        check(page, url, "anonymous")
    context.close()

    for username in ROLES:
        client, context = signed_in(browser, live_server, username)
        page = context.new_page()
        for url in html_pages(client, seen_shapes):
            check(page, url, username)
        context.close()
    print(f"axe: {checked} pages in {time.monotonic() - started:.0f}s")
    assert checked > 40, f"only {checked} pages checked"
    assert not problems, f"{len(problems)} WCAG A/AA violations:\n" + "\n".join(problems)
