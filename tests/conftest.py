from __future__ import annotations

import os
from typing import Any

import pytest

from tests import factories, worlds
from tests.browser.fixtures import browser, page, screenshot  # noqa: F401 - one shared chromium session


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
def agency(db):
    return factories.AgencyFactory(code="KEMENKUMHAM", name="Kementerian Hukum dan HAM")


@pytest.fixture
def tree(agency):
    """A small tree: Ditjen PAS → Kanwil Sumsel → {Lapas Palembang, Rutan Prabumulih}; Kanwil Kepri → Rutan TPI."""
    ditjen = factories.make_unit(agency=agency, name="Ditjen Pemasyarakatan", code="DITJENPAS")
    sumsel = factories.make_unit(parent=ditjen, name="Kanwil Sumatera Selatan", code="KANWIL-SUMSEL")
    lapas = factories.make_unit(parent=sumsel, name="Lapas Kelas I Palembang", code="LAPAS-PLG")
    rutan = factories.make_unit(parent=sumsel, name="Rutan Kelas IIB Prabumulih", code="RUTAN-PBM")
    kepri = factories.make_unit(parent=ditjen, name="Kanwil Kepulauan Riau", code="KANWIL-KEPRI")
    rutan_tpi = factories.make_unit(parent=kepri, name="Rutan Kelas I Tanjungpinang", code="RUTAN-TPI")
    return {"ditjen": ditjen, "sumsel": sumsel, "lapas": lapas, "rutan": rutan, "kepri": kepri, "rutan_tpi": rutan_tpi}


# ---------------------------------------------------------------------------------------------------------------
# The demo world (``zi seed_demo``), seeded once per worker and shared read-only by the tests that ask for
# ``demo_db``. One seeding costs about 5 s of CPU (several times that on a loaded CI machine); a dozen tests each
# seeding their own demo cost minutes of CI time.
#
# How: the first ``demo_db`` test opens a transaction (an outer ``atomic``) on the test database and seeds the demo
# in it. Each ``demo_db`` test then runs in its usual pytest-django savepoint inside that transaction, so whatever
# it changes is rolled back and the next ``demo_db`` test sees the untouched demo again. Before any test that does
# not ask for ``demo_db`` the outer transaction is rolled back, so no other test ever sees demo rows: nothing is
# committed, so the flush of transactional / live-server tests has nothing to wipe, and after one of them the next
# ``demo_db`` test simply seeds again. ``demo_db`` tests are run first (see ``pytest_collection_modifyitems``), so
# each worker normally seeds once.
# ---------------------------------------------------------------------------------------------------------------

DEMO_FIXTURE = "demo_db"


class SharedDemo:
    """The open transaction holding the seeded demo on this worker's test database (or none)."""

    def __init__(self, blocker: Any) -> None:
        self.blocker = blocker
        self.atomic: Any = None
        self.counts: dict[str, int] = {}
        self.seedings = 0  # how often this worker seeded: more than once only after tests that needed it gone

    def ensure(self) -> dict[str, int]:
        """Seed the demo in a new outer transaction unless it is already open; return ``demo_counts()``."""
        from django.db import connection, transaction

        if self.atomic is not None:
            return dict(self.counts)
        if connection.in_atomic_block:
            raise pytest.UsageError(
                f"{DEMO_FIXTURE} must be set up before the test's own transaction (db / django_db marker)"
            )
        with self.blocker.unblock():
            from zi.demo import organisations as demo

            atomic = transaction.atomic()
            atomic._from_testcase = True  # like TestCase's atomics: durable blocks inside stay allowed
            atomic.__enter__()
            self.atomic = atomic
            try:
                self.counts = demo.build_demo()
            except BaseException:
                self.release()
                raise
        self.seedings += 1
        return dict(self.counts)

    def release(self) -> None:
        """Roll the demo back (nothing of it was ever committed)."""
        if self.atomic is None:
            return
        from django.db import transaction

        atomic, self.atomic = self.atomic, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


_shared_demo: SharedDemo | None = None


@pytest.fixture(scope="session")
def _shared_demo_holder(django_db_setup, django_db_blocker):
    """One :class:`SharedDemo` per worker, released before the test database is destroyed."""
    global _shared_demo
    _shared_demo = SharedDemo(django_db_blocker)
    yield _shared_demo
    _shared_demo.release()
    _shared_demo = None


@pytest.fixture
def demo_db(request, _shared_demo_holder) -> dict[str, int]:
    """The whole demo (as ``zi seed_demo`` builds it) in the test database; returns ``demo.demo_counts()``.

    Shared between tests: changes a test makes are rolled back after it (it runs in its own savepoint), but it
    must not commit (no ``transaction=True``, no ``live_server``)."""
    from django.core.cache import cache

    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        raise pytest.UsageError(f"{DEMO_FIXTURE} cannot be shared with a transactional test")
    counts = _shared_demo_holder.ensure()
    cache.clear()  # cached figures of an earlier test's (rolled-back) changes must not leak into this one
    request.getfixturevalue("db")
    return counts


def _wants_demo(item: pytest.Item) -> bool:
    return DEMO_FIXTURE in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the ``demo_db`` tests first and together (a stable sort after pytest-django's own ordering); mark them
    ``django_db`` (so pytest-django sets the test database up even when they ask for nothing else of it) and set up
    ``demo_db`` before any other fixture, so that it opens the shared transaction before the test's own one."""
    items.sort(key=lambda item: not _wants_demo(item))
    ci_pass = os.environ.get("ZI_CI_PASS", "")
    for item in items:
        once = item.get_closest_marker("once_in")
        if ci_pass and once is not None and once.args[0] != ci_pass:
            item.add_marker(pytest.mark.skip(reason=f"runs once in CI, in the {once.args[0]} pass"))
        if not _wants_demo(item):
            continue
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
        names = item.fixturenames
        if names[0] != DEMO_FIXTURE:
            names.remove(DEMO_FIXTURE)
            names.insert(0, DEMO_FIXTURE)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that does not ask for the demo must not see it: roll the shared demo back before its fixtures."""
    if _shared_demo is not None and not _wants_demo(item):
        _shared_demo.release()
