"""The unit tree (issue #22): one level at a time, each node with the units below it, lazy children, a fixed number
of queries per level whatever its size, scoped to the viewer."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from zi.organisations.models import Role


def _admin(client, agency):
    user = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)
    client.force_login(user)
    return user


def test_top_level_counts_units_below_and_opens_lazily(client, tree, agency):
    _admin(client, agency)
    page = client.get("/unit/").content.decode()
    assert "Ditjen Pemasyarakatan" in page and "5 unit di bawahnya" in page
    assert "Lapas Kelas I Palembang" not in page  # not rendered until its branch is opened
    assert f'hx-get="/unit/{tree["ditjen"].pk}/cabang/"' in page
    branch = client.get(f"/unit/{tree['ditjen'].pk}/cabang/").content.decode()
    assert "Kanwil Sumatera Selatan" in branch and "2 unit di bawahnya" in branch and "<html" not in branch
    leaves = client.get(f"/unit/{tree['sumsel'].pk}/cabang/").content.decode()
    assert "Lapas Kelas I Palembang" in leaves and "tanpa unit di bawahnya" in leaves and "<details" not in leaves


def test_a_node_opens_without_javascript_with_its_trail(client, tree, agency):
    _admin(client, agency)
    page = client.get(f"/unit/?induk={tree['sumsel'].pk}").content.decode()
    assert f'?induk={tree["ditjen"].pk}"' in page  # the breadcrumb up
    assert "Rutan Kelas IIB Prabumulih" in page and "Rutan Kelas I Tanjungpinang" not in page


def test_search_lists_matches_across_the_tree(client, tree, agency):
    _admin(client, agency)
    page = client.get("/unit/?q=rutan").content.decode()
    assert "Rutan Kelas IIB Prabumulih" in page and "Rutan Kelas I Tanjungpinang" in page
    assert "Lapas Kelas I Palembang" not in page


def test_the_tree_is_scoped(client, tree):
    factories.make_unit(name="Unit instansi lain")
    user = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["sumsel"])
    client.force_login(user)
    page = client.get("/unit/").content.decode()
    assert "Kanwil Sumatera Selatan" in page and "Ditjen Pemasyarakatan" not in page
    assert "Unit instansi lain" not in page
    assert client.get(f"/unit/{tree['kepri'].pk}/cabang/").status_code == 404


def test_a_level_costs_the_same_queries_whatever_its_size(client, tree, agency):
    _admin(client, agency)
    url = f"/unit/{tree['sumsel'].pk}/cabang/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(12):
        child = factories.make_unit(parent=tree["sumsel"], name=f"Satker {i}")
        factories.make_unit(parent=child, name=f"Seksi {i}")
    with CaptureQueriesContext(connection) as big:
        page = client.get(url).content.decode()
    assert "Satker 11" in page and page.count("1 unit di bawahnya") == 12
    assert len(big) == len(small), [q["sql"][:120] for q in big.captured_queries]
