"""Every link a demo login is shown leads somewhere it may go: starting at the home page, each role follows the
site's own links (breadth first) and never meets a server error, a 404 or a 403, nor a template tag left
unrendered. Found, when written: the public page's cache served the first visitor's menu to everyone, and the
worksheet's "what is still incomplete" link refused the team members it is for."""

from __future__ import annotations

import re
from collections import Counter, deque

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from zi.demo.organisations import DEMO_LOGINS

pytestmark = pytest.mark.once_in("sqlite")

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(static|media)/|^/akun/keluar/")
MAX_PAGES = 120  # per login; the demo's pages are reached well within it
VARIANTS = 2  # pages per path shape (digits as N): two units' pages show what every unit page shows


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_links_shown_to_each_role_lead_somewhere_it_may_go(demo_db, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    queue, seen, shapes, came_from = deque(["/"]), set(), Counter(), {}
    problems = []
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
        pages += 1
        if response.status_code >= 500 or response.status_code in (403, 404):
            problems.append(f"{url} → {response.status_code} (linked from {came_from.get(url)})")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if "{{" in html or "{%" in html:
            problems.append(f"{url}: a template tag was not rendered")
        for href in HREF.findall(html):
            href = href.replace("&amp;", "&")
            if href not in seen and not SKIP.search(href):
                came_from.setdefault(href, url)
                queue.append(href)
    assert pages > 10, f"{username} reached only {pages} pages"
    assert not problems, "\n".join(problems)
