from __future__ import annotations

import os

import pytest

from tests import shared_worlds, worlds
from tests.browser.fixtures import browser, page, screenshot  # noqa: F401 - one shared chromium session
from tests.shared_worlds import (
    DEMO_FIXTURE,
    SHARED_MARKER,
    SharedWorlds,
    transactional,
    world_of_item,
    world_of_request,
)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Indonesian): a request in English must not leak its active
    language into the next test on the same worker thread."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


@pytest.fixture
def period(db):
    """The 2026 evaluation period (saved, not audited)."""
    return worlds.year_period(2026, name="Evaluasi ZI 2026")


@pytest.fixture
def agency(request, db):
    """The tree's agency (the shared world's, when the test stands on one: see ``shared_world``)."""
    world = world_of_request(request)
    if world is not None:
        return world["agency"]
    return worlds.tree_agency()


@pytest.fixture
def tree(request, agency):
    """A small tree: Ditjen PAS → Kanwil Sumsel → {Lapas Palembang, Rutan Prabumulih}; Kanwil Kepri → Rutan TPI
    (the shared world's, when the test stands on one)."""
    world = world_of_request(request)
    if world is not None:
        return world["tree"]
    return worlds.build_tree(agency)


# Shared worlds (the demo, the API world): built once per worker, each test in a savepoint; tests/shared_worlds.py.


@pytest.fixture(scope="session")
def _shared_worlds(django_db_setup, django_db_blocker):
    """One :class:`SharedWorlds` per worker, released before the test database is destroyed."""
    shared_worlds.CURRENT = SharedWorlds(django_db_blocker)
    yield shared_worlds.CURRENT
    shared_worlds.CURRENT.release()
    shared_worlds.CURRENT = None


@pytest.fixture
def demo_db(request, _shared_worlds) -> dict[str, int]:
    """The whole demo (as ``zi seed_demo`` builds it) in the test database; returns ``demo.demo_counts()``.

    Shared between tests: changes a test makes are rolled back after it (it runs in its own savepoint), but it
    must not commit (no ``transaction=True``, no ``live_server``)."""
    from django.core.cache import cache

    from zi.demo import organisations as demo

    if transactional(request.node):
        raise pytest.UsageError(f"{DEMO_FIXTURE} cannot be shared with a transactional test")
    counts = dict(_shared_worlds.ensure("demo", demo.build_demo))
    cache.clear()  # cached figures of an earlier test's (rolled-back) changes must not leak into this one
    request.getfixturevalue("db")
    return counts


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests of each shared world together, the demo's first (a stable sort after pytest-django's own
    ordering); mark them ``django_db`` (so pytest-django sets the test database up even when they ask for nothing
    else of it) and ``shared_world``, and set their world up before any other fixture, so that it opens the shared
    transaction before the test's own one."""
    worlds_of = {item.nodeid: world_of_item(item) for item in items}
    order = {"demo": 0}
    for found in worlds_of.values():
        if found is not None:
            order.setdefault(found[0], len(order))
    items.sort(key=lambda item: order[worlds_of[item.nodeid][0]] if worlds_of[item.nodeid] else len(order))
    items.sort(key=lambda item: item.get_closest_marker("first") is None)  # the longest tests start first
    ci_pass = os.environ.get("ZI_CI_PASS", "")
    for item in items:
        once = item.get_closest_marker("once_in")
        if ci_pass and once is not None and once.args[0] != ci_pass:
            item.add_marker(pytest.mark.skip(reason=f"runs once in CI, in the {once.args[0]} pass"))
        found = worlds_of[item.nodeid]
        if found is None:
            continue
        world, fixture = found
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
        item.add_marker(getattr(pytest.mark, SHARED_MARKER)(world, fixture=fixture))
        names = item.fixturenames
        if names[0] != fixture:
            names.remove(fixture)
            names.insert(0, fixture)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that does not stand on the open world must not see it: roll it back before the test's fixtures."""
    shared = shared_worlds.CURRENT
    if shared is None or shared.name is None:
        return
    marker = item.get_closest_marker(SHARED_MARKER)
    if marker is None or marker.args[0] != shared.name or transactional(item):
        shared.release()
