"""The materialised-path unit tree: moves rewrite a subtree in one statement, cycles are refused, and a
subtree is one query whatever its size."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from zi.organisations import services
from zi.organisations.models import Unit


def assert_paths_consistent() -> None:
    by_pk = {unit.pk: unit for unit in Unit.objects.all()}
    for unit in by_pk.values():
        expected = f"{by_pk[unit.parent_id].path}{unit.pk}/" if unit.parent_id else f"{unit.pk}/"
        assert unit.path == expected, unit
        assert unit.depth == unit.path.count("/") - 1, unit


@pytest.mark.django_db
def test_paths_of_the_fixture_tree(tree):
    assert tree["ditjen"].path == f"{tree['ditjen'].pk}/"
    assert tree["lapas"].path == f"{tree['ditjen'].pk}/{tree['sumsel'].pk}/{tree['lapas'].pk}/"
    assert tree["lapas"].depth == 2
    assert tree["lapas"].ancestor_ids == [tree["ditjen"].pk, tree["sumsel"].pk]
    assert_paths_consistent()


@pytest.mark.django_db
def test_moving_a_subtree_rewrites_descendants_in_one_statement(tree):
    # give the moved subtree a third level so depth shifts are visible
    blok = factories.make_unit(parent=tree["lapas"], name="Blok A", code="BLOK-A")
    sel = factories.make_unit(parent=blok, name="Sel 1", code="SEL-1")
    with CaptureQueriesContext(connection) as ctx:
        services.unit_update(actor=None, unit=tree["sumsel"], parent=tree["kepri"])
    unit_updates = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith('UPDATE "ORGANISATIONS_UNIT"')
    ]
    bulk = [sql for sql in unit_updates if "LIKE" in sql.upper()]
    assert len(bulk) == 1, unit_updates  # every descendant in one UPDATE … WHERE path LIKE 'old/%'
    assert len(unit_updates) == 2, unit_updates  # plus the moved unit's own row

    for unit in (tree["sumsel"], tree["lapas"], tree["rutan"], blok, sel):
        unit.refresh_from_db()
    kepri = tree["kepri"]
    assert tree["sumsel"].path == f"{kepri.path}{tree['sumsel'].pk}/"
    assert tree["sumsel"].depth == kepri.depth + 1 == 2
    assert sel.path == f"{kepri.path}{tree['sumsel'].pk}/{tree['lapas'].pk}/{blok.pk}/{sel.pk}/"
    assert sel.depth == 5
    assert list(services.subtree(kepri).values_list("pk", flat=True)) == [
        u.pk for u in Unit.objects.filter(path__startswith=kepri.path).order_by("path")
    ]
    assert_paths_consistent()


@pytest.mark.django_db
def test_moving_to_the_root_and_back(tree):
    services.unit_update(actor=None, unit=tree["sumsel"], parent=None)
    tree["lapas"].refresh_from_db()
    assert tree["lapas"].path == f"{tree['sumsel'].pk}/{tree['lapas'].pk}/"
    assert tree["lapas"].depth == 1
    services.unit_update(actor=None, unit=tree["sumsel"], parent=tree["ditjen"])
    assert_paths_consistent()


@pytest.mark.django_db
def test_moving_leaves_siblings_with_a_similar_prefix_alone(tree, agency):
    """Unit 1/ must not capture 11/… : paths end with a slash so the prefix match is exact."""
    units = [factories.make_unit(agency=agency, name=f"Akar {i}", code=f"AKAR-{i}") for i in range(12)]
    before = {u.pk: u.path for u in Unit.objects.exclude(pk__in=services.subtree(tree["sumsel"]).values("pk"))}
    services.unit_update(actor=None, unit=tree["sumsel"], parent=units[0])
    after = {u.pk: u.path for u in Unit.objects.filter(pk__in=before)}
    assert after == before
    assert_paths_consistent()


@pytest.mark.django_db
@pytest.mark.parametrize("new_parent", ["sumsel", "lapas"])
def test_moving_under_itself_or_a_descendant_is_refused(tree, new_parent):
    with pytest.raises(ValidationError):
        services.unit_update(actor=None, unit=tree["sumsel"], parent=tree[new_parent])
    tree["lapas"].refresh_from_db()
    assert tree["lapas"].parent_id == tree["sumsel"].pk
    assert_paths_consistent()


@pytest.mark.django_db
def test_moving_to_another_agency_is_refused(tree):
    elsewhere = factories.make_unit(agency=factories.AgencyFactory(code="LAIN"), name="Lain", code="LAIN-1")
    with pytest.raises(ValidationError):
        services.unit_update(actor=None, unit=tree["lapas"], parent=elsewhere)


@pytest.mark.django_db
def test_create_under_a_parent_of_another_agency_is_refused(tree):
    with pytest.raises(ValidationError):
        factories.make_unit(agency=factories.AgencyFactory(code="LAIN"), parent=tree["lapas"], name="X")


@pytest.mark.django_db
@pytest.mark.parametrize("extra_units", [0, 40])
def test_subtree_is_one_query_whatever_its_size(tree, extra_units, django_assert_num_queries):
    parent = tree["lapas"]
    for i in range(extra_units):
        parent = factories.make_unit(parent=parent if i % 3 else tree["lapas"], name=f"Sub {i}", code=f"SUB-{i}")
    with django_assert_num_queries(1):
        units = list(services.subtree(tree["sumsel"]))
    assert len(units) == 3 + extra_units
    with django_assert_num_queries(1):
        children = list(services.subtree(tree["sumsel"], include_self=False))
    assert tree["sumsel"] not in children
