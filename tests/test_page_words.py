"""Pages a person reads carry no words meant for developers (issue #22): a few demo logins follow the site's own
links and the visible text of every page is searched for raw values and codes — a lane value ("self", "review"),
an input key or a formula written as code (``jumlah_agen_perubahan``), an instrument code (``skm-14-2017``), a
stored quarter (``20261``) or a group code in brackets (``(pengguna_layanan)``).

Found, when written: the lane comparison named lanes "self"/"review"; the worksheet and the unit overview showed
``jumlah_perubahan_dibuat = 7`` and ``min(1, jumlah_perubahan_dibuat / jumlah_agen_perubahan)``; the survey
results headed their columns ``ipak-zi``/``skm-14-2017``, wrote quarters as "20261" and groups as
"Pengguna layanan (pengguna_layanan)".

The audit trail (pages across its history) and the unit tree are read too, with two more rules: no full SHA-256
(a fingerprint of 12 hex, the whole value only in a field opened on demand) and no "seed_demo" (the demo's stored
actor is shown as "Sistem (data demo)"). Found, when written: the trail named fields ``value_text``, values
``needs_improvement``, types ``workflow.monitoringreport``, actions ``attach_evidence``, the actor ``seed_demo`` and
printed whole hashes in its change lists.

Not covered: the import pages (they show column names on purpose), and the instrument catalogue (where an
instrument's code identifies its version on purpose).
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter, deque

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from zi.organisations.models import Unit

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(
    r"^/(static|media)/|^/akun/keluar/|/jejak-audit/|/impor/|/survei/instrumen/|\.pdf|/unduh|/ekspor|\.csv|\.xlsx"
)
INVISIBLE = re.compile(r"(?s)<(script|style)\b[^>]*>.*?</\1>|<[^>]+>")
LOGINS = ("demo-admin", "demo-tim", "demo-tpi")
MAX_PAGES = 45  # per login

FULL_HASH = re.compile(r"\b[0-9a-f]{64}\b")
FORBIDDEN = {
    "a raw lane value": re.compile(r"(?<![\w-])(self|review|tpi|tpn)(?![\w-])"),
    "a snake_case key": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "an instrument code": re.compile(r"\b(ipak-zi|ipkp-zi|skm-14-2017|internal-zi)\b"),
    "a stored quarter": re.compile(r"\b20\d\d[1-4]\b|\b20\d\d-?Q[1-4]\b"),
    "a full SHA-256": FULL_HASH,
    "a model label": re.compile(
        r"\b(core|organisations|assessments|surveys|programme|workflow|predicates|lke)\.[a-z]+\b"
    ),
}
ALLOWED: set[str] = set()

# markup, checked once: these crawls read templates, which do not depend on the database (CI time)
MARKUP_ONCE = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the SQLite pass")


def _visible_text(page: str) -> str:
    return html.unescape(INVISIBLE.sub("\n", page))


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def _page_problems(username: str, url: str, page: str) -> list[str]:
    problems = []
    for line in _visible_text(page).splitlines():
        for what, pattern in FORBIDDEN.items():
            for match in pattern.finditer(line):
                if match.group(0) not in ALLOWED:
                    problems.append(f"{username} {url}: {what} {match.group(0)!r} in {line.strip()[:100]!r}")
    return problems


def _problems(username: str) -> tuple[int, list[str]]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    queue, seen, shapes, problems, pages = deque(["/"]), set(), Counter(), [], 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        shapes[_shape(url)] += 1
        if shapes[_shape(url)] > 1:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        page = response.content.decode()
        problems += _page_problems(username, url, page)
        for href in HREF.findall(page):
            href = href.replace("&amp;", "&")
            if href not in seen:
                queue.append(href)
    return pages, problems


@MARKUP_ONCE
@pytest.mark.parametrize("username", LOGINS)
def test_pages_show_no_raw_values_or_codes(demo_db, username):
    pages, problems = _problems(username)
    assert pages > 10, f"{username} reached only {pages} pages"
    assert not problems, "\n".join(sorted(set(problems))[:40])


@MARKUP_ONCE
def test_audit_trail_and_unit_tree_read_for_people(demo_db):
    """The trail's pages across the demo's history (creations, answers, transitions, monitoring reports) and the
    unit tree with a Kanwil opened: no field name, code, stored actor or whole hash among the words."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    last = client.get("/jejak-audit/").context["page"].paginator.num_pages
    kanwil = Unit.objects.get(code="KANWIL-SUMSEL")
    urls = [f"/jejak-audit/?page={n}" for n in sorted({1, 2, last // 4, last // 2, last - 1, last}) if n >= 1]
    urls += ["/unit/", f"/unit/?induk={kanwil.pk}", f"/unit/{kanwil.pk}/cabang/"]
    problems, words = [], ""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        problems += _page_problems("demo-admin", url, page)
        problems += [f"{url}: seed_demo" for line in _visible_text(page).splitlines() if "seed_demo" in line]
        words += _visible_text(page)
    assert not problems, "\n".join(sorted(set(problems))[:40])
    assert "Sistem (data demo)" in words and "Lapas Kelas I Palembang" in words
