"""Shared worlds: a world many tests stand on, built once per worker and shared (the machinery; the fixtures and
hooks that use it are in ``tests/conftest.py``). The demo (``zi seed_demo``, asked
for as ``demo_db``) is one; fixtures made with :func:`shared_world` (the API world of ``tests/api/world.py``) are
the others. One demo seeding costs about 5 s of CPU, one API world about 1 s; hundreds of tests each building
their own cost minutes of CI time.

How: the first test of a world opens a transaction (an outer ``atomic``) on the test database and builds the
world in it. Each test of that world then runs in its usual pytest-django savepoint inside that transaction, so
whatever it changes is rolled back and the next test sees the untouched world again; it gets its own copy of the
world's model instances (``copy.copy``: an instance changed in memory by one test is not the next test's).
Before any test that does not stand on the open world, the outer transaction is rolled back, so no other test
ever sees its rows: nothing is committed, so the flush of transactional / live-server tests has nothing to wipe,
and after one of them the next test of the world simply builds it again. Tests are ordered by world (the demo
first, see ``pytest_collection_modifyitems``), so each worker normally builds each world once. A transactional
test asking for a shared world's fixture gets a world of its own, built in the test.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

DEMO_FIXTURE = "demo_db"
SHARED_MARKER = "shared_world"


class SharedWorlds:
    """The open transaction holding one shared world on this worker's test database (or none)."""

    def __init__(self, blocker: Any) -> None:
        self.blocker = blocker
        self.atomic: Any = None
        self.name: str | None = None
        self.value: Any = None
        self.builds: dict[str, int] = {}  # how often this worker built each world

    def ensure(self, name: str, build: Callable[[], Any]) -> Any:
        """Build world ``name`` in a new outer transaction unless it is the open one; return its value."""
        from django.core.cache import cache
        from django.db import connection, transaction

        if self.name == name:
            return self.value
        self.release()
        if connection.in_atomic_block:
            raise pytest.UsageError(f"shared world {name!r} must be set up before the test's own transaction")
        with self.blocker.unblock():
            atomic = transaction.atomic()
            atomic._from_testcase = True  # like TestCase's atomics: durable blocks inside stay allowed
            atomic.__enter__()
            self.atomic = atomic
            try:
                cache.clear()
                self.value = build()
            except BaseException:
                self.release()
                raise
            self.name = name
        self.builds[name] = self.builds.get(name, 0) + 1
        return self.value

    def release(self) -> None:
        """Roll the open world back (nothing of it was ever committed)."""
        if self.atomic is None:
            return
        from django.db import transaction

        atomic, self.atomic, self.name, self.value = self.atomic, None, None, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def transactional(item: Any) -> bool:
    """Whether the test commits (``transaction=True``, ``transactional_db``, ``live_server``): it cannot run inside
    a shared world's open transaction."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in names
        or "live_server" in names
    )


def copy_world(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A test's own copy of a world: containers copied, model instances copied (``copy.copy``: their field values
    and cached relations; one instance found in two places stays one), everything else (specs, strings) shared."""
    from django.db.models import Model

    memo = {} if memo is None else memo
    if isinstance(value, dict):
        return {key: copy_world(item, memo) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(copy_world(item, memo) for item in value)
    if isinstance(value, Model):
        if id(value) not in memo:
            memo[id(value)] = copy.copy(value)
        return memo[id(value)]
    return value


def shared_world(name: str, build: Callable[[], dict[str, Any]], *, fixture: str = "world") -> Any:
    """A fixture named ``fixture`` whose value ``build()`` makes once per worker (see above). ``build`` makes the
    whole world, its tree included: a test standing on it that also asks for ``tree`` or ``agency`` gets the
    world's (``world["tree"]``, ``world["agency"]``)."""

    def _world(request: pytest.FixtureRequest) -> dict[str, Any]:
        from django.core.cache import cache

        if request.node.get_closest_marker(SHARED_MARKER) is None:  # the collection hook did not see this world
            raise pytest.UsageError(f"{request.node.nodeid}: shared world {name!r} not marked at collection")
        if transactional(request.node):
            request.getfixturevalue("transactional_db")
            value = build()
        else:
            value = copy_world(request.getfixturevalue("_shared_worlds").ensure(name, build))
            cache.clear()  # cached figures of an earlier test's (rolled-back) changes must not leak into this one
            request.getfixturevalue("db")
        request.node._zi_world = value
        return value

    _world._zi_shared_world = name  # type: ignore[attr-defined]  # found by world_of_item
    return pytest.fixture(name=fixture)(_world)


def world_of_request(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    """The shared world the test stands on (its fixture's value), or None."""
    marker = request.node.get_closest_marker(SHARED_MARKER)
    if marker is None or marker.args[0] == "demo":  # the demo has its own agencies and trees
        return None
    return request.getfixturevalue(marker.kwargs["fixture"])


def world_of_item(item: pytest.Item) -> tuple[str, str] | None:
    """(world name, fixture name) of the shared world ``item`` stands on, or None."""
    names = getattr(item, "fixturenames", ())
    if DEMO_FIXTURE in names:
        return ("demo", DEMO_FIXTURE)
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    for fixture in names:
        defs = info.name2fixturedefs.get(fixture)
        world = getattr(defs[-1].func, "_zi_shared_world", None) if defs else None
        if world is not None:
            return (world, fixture)
    return None


CURRENT: SharedWorlds | None = None  # this worker's, set by the session fixture ``_shared_worlds`` (tests/conftest.py)
