"""The public transparency page: the predicates held today, from the predicate register, public facts only.

``zi.predicates.selectors.public_holders`` lists each unit holding a predicate (its latest decree, not revoked)
with its earlier awards; proposals, journeys without a decree and revoked predicates stay out.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import factories
from zi.assessments import services as assessment_services
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.predicates import services as predicate_services
from zi.predicates.selectors import public_holders
from zi.workflow.models import Journey, Predicate, State


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the public page is cached for a few minutes
    yield
    cache.clear()


def _period(year: int):
    template = LkeTemplate.objects.order_by("pk").first()
    return assessment_services.period_create(
        actor=None,
        year=year,
        name=f"Periode {year}",
        template=template,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )


def _journey(unit, period, state):
    """Journeys in a given state (test data; the transition rules are tested in tests/workflow)."""
    assessment = factories.make_assessment(unit=unit, period=period, state=state)
    return factories.set_journey(assessment, target_predicate=Predicate.WBK)


def _award(unit, predicate, year, decree_date, revoked_on=None):
    award = predicate_services.award_record(
        actor="test",
        unit=unit,
        predicate=predicate,
        year=year,
        decree_number=f"KEP-{unit.code}/{year}",
        decree_date=decree_date,
    )
    if revoked_on is not None:
        predicate_services.award_revoke(actor="test", award=award, revoked_on=revoked_on, reason="Pungli terbukti")
    return award


@pytest.fixture
def journeys(tree):
    templates_load_all()
    p26 = _period(2026)
    other = factories.AgencyFactory(code="PEMPROV", name="Pemerintah Provinsi Kalimantan Selatan")
    dinas = factories.make_unit(agency=other, name="Dinas Kesehatan", code="DINKES")
    _award(tree["lapas"], Predicate.WBK, 2024, dt.date(2024, 12, 10))
    _award(tree["lapas"], Predicate.WBBM, 2025, dt.date(2025, 12, 9))
    _award(tree["rutan_tpi"], Predicate.WBK, 2023, dt.date(2023, 12, 11), revoked_on=dt.date(2025, 2, 3))
    _award(dinas, Predicate.WBK, 2025, dt.date(2026, 1, 20))
    _journey(tree["rutan"], p26, State.PROPOSED)  # proposed: no decree, not public
    _journey(tree["kepri"], p26, State.NOT_AWARDED)
    return {"p26": p26, "dinas": dinas}


def test_only_predicates_held_today_with_their_history(journeys, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        rows = public_holders()
    kalsel = "Pemerintah Provinsi Kalimantan Selatan"
    assert [(r["unit"], r["agency"], r["predicate"], r["year"], r["history"]) for r in rows] == [
        ("Lapas Kelas I Palembang", "Kementerian Hukum dan HAM", "WBBM", 2025, ["WBK 2024"]),
        ("Dinas Kesehatan", kalsel, "WBK", 2025, []),
    ]


def test_search_by_unit_or_agency_and_year(journeys):
    assert [r["unit"] for r in public_holders(q="kalimantan")] == ["Dinas Kesehatan"]
    assert [r["unit"] for r in public_holders(q="  dinas ")] == ["Dinas Kesehatan"]
    assert [(r["unit"], r["year"]) for r in public_holders(year=2025)] == [
        ("Lapas Kelas I Palembang", 2025),
        ("Dinas Kesehatan", 2025),
    ]
    assert public_holders(year=2024) == []  # Lapas holds WBBM 2025 now; WBK 2024 is history
    assert public_holders(q="Tanjungpinang") == []  # revoked
    assert public_holders(q="Prabumulih") == []  # only proposed


def test_inactive_units_leave_the_list(journeys):
    journeys["dinas"].is_active = False
    journeys["dinas"].save(update_fields=["is_active"])
    assert "Dinas Kesehatan" not in {r["unit"] for r in public_holders()}


def _predicate_section(html: str) -> str:
    """The predicates table's markup with the cells' labels (for the cards on a phone) and the links to each unit's
    public page taken out, so the cells read ``<td>value</td>``."""
    section = re.search(r'<section id="predikat">(.*?)</section>', html, re.S).group(1)
    return re.sub(
        r'<td data-label="[^"]*">', "<td>", re.sub(r'<a href="/wawasan/publik/unit/\d+/">(.*?)</a>', r"\1", section)
    )


def test_public_page_without_login_lists_predicates_and_filters_by_year(journeys, client):
    response = client.get(reverse("insights:public"))
    assert response.status_code == 200
    section = _predicate_section(response.content.decode())
    assert section.count("<tr><td>") == 2
    assert "Dinas Kesehatan" in section and "<td>WBBM</td>" in section and "<td>WBK 2024</td>" in section
    for hidden in ("Rutan Kelas IIB Prabumulih", "Rutan Kelas I Tanjungpinang", "Kanwil"):
        assert hidden not in section
    only_2025 = _predicate_section(client.get(reverse("insights:public") + "?tahun=2025").content.decode())
    assert only_2025.count("<tr><td>") == 2 and "<td>2025</td>" in only_2025
    assert "<tr><td>" not in _predicate_section(client.get(reverse("insights:public") + "?tahun=2024").content.decode())
    assert client.get(reverse("insights:public") + "?tahun=abc").status_code == 200
    searched = _predicate_section(client.get(reverse("insights:public") + "?q=Dinas").content.decode())
    assert "Dinas Kesehatan" in searched and "Lapas" not in searched


def test_public_page_shows_the_demos_holders_and_nothing_private(demo_db, client):
    awarded = set(Journey.objects.filter(assessment__state=State.AWARDED).values_list("unit__name", flat=True))
    not_awarded = set(Journey.objects.exclude(assessment__state=State.AWARDED).values_list("unit__name", flat=True))
    assert awarded == {"Kanim Kelas I TPI Palembang"} and "Bapas Kelas I Palembang" in not_awarded
    holders = {row["unit"] for row in public_holders()}
    assert awarded <= holders  # the TPN decision recorded in the flow reached the register
    page = client.get(reverse("insights:public"))
    assert page.status_code == 200
    html = page.content.decode()
    section = _predicate_section(html)
    assert "<td>Kanim Kelas I TPI Palembang</td>" in section and "<td>WBK</td>" in section
    for name in holders:
        assert f"<td>{name}</td>" in section
    for name in not_awarded - holders:
        assert name not in section
    main = re.search(r"<main.*?</main>", html, re.S).group(0).lower()  # the page's content, not the site footer
    for private in ("draft", "konsep", "kep-", "nomor keputusan", "demo-", "@demo.zona-integritas.id", "pengaduan"):
        assert private not in main, private


def test_public_page_serves_each_visitor_their_own_header(journeys, tree, client):
    """The data is cached, the page is not: after a logged-in admin opened it, an anonymous visitor does not get
    the admin's menu (a cached response did exactly that), and gets a CSRF token that works with their own cookie
    (the language switch); the second visit reads the data from the cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zi.organisations.models import Role

    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["lapas"].agency, username="admin-pusat")
    client.force_login(admin)
    url = reverse("insights:public")
    with CaptureQueriesContext(connection) as first:
        assert reverse("accounts:logout") in client.get(url).content.decode()  # the admin's own menu
    visitor = Client(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as second:
        html = visitor.get(url).content.decode()
    assert reverse("accounts:logout") not in html  # no one else's menu
    assert "Lapas Kelas I Palembang" in html  # the (cached) data is the same for everyone
    assert len(second) < len(first)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = visitor.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
