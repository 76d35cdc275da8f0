from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests import factories
from zi.organisations import access
from zi.organisations.models import Role


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lapas(tree):
    return tree["lapas"]


@pytest.fixture
def staff(lapas):
    """Six staff members of the Lapas (people without a login role)."""
    return [factories.UserFactory(full_name=f"Pegawai Lapas {i}", unit=lapas) for i in range(6)]


@pytest.fixture
def outsider(tree):
    return factories.UserFactory(full_name="Pegawai Rutan Luar", unit=tree["rutan"])


@pytest.fixture
def team(lapas):
    return factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=lapas, unit_id=lapas.pk)


@pytest.fixture
def head(lapas):
    return factories.make_user_with_role(Role.UNIT_HEAD, unit=lapas, unit_id=lapas.pk)


@pytest.fixture
def reviewer(tree):
    return factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])


@pytest.fixture
def reviewer_kepri(tree):
    return factories.make_user_with_role(Role.REVIEWER, unit=tree["kepri"])


@pytest.fixture
def integrity_handle(monkeypatch):
    """Grant the proposed ``integrity.handle`` action to TPI evaluators (what access.py will do)."""
    actions = dict(access.ROLE_ACTIONS)
    actions[Role.TPI_EVALUATOR] = frozenset(actions[Role.TPI_EVALUATOR] | {"integrity.handle"})
    monkeypatch.setattr(access, "ROLE_ACTIONS", actions)


@pytest.fixture
def tpi(agency, integrity_handle):
    return factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency)


@pytest.fixture
def assessment(lapas, period):
    return factories.make_assessment(unit=lapas, period=period)


@pytest.fixture
def outsider_team(db):
    """A unit team member of a unit outside the Lapas' tree."""
    return factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=factories.make_unit(name="Unit Lain"))


def code_in(response) -> str:
    """The tracking code a public form's "sent" page shows once."""
    match = re.search(r"<code>([A-Z0-9-]+)</code>", response.content.decode())
    assert match, response.content.decode()
    return match.group(1)
