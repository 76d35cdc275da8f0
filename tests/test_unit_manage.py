"""Agency admins add, edit, move and close units in the UI: only within their place in the tree, every change
audited, cycles and cross-agency moves refused, and a wrong form keeps what was typed."""

from __future__ import annotations

import pytest

from tests import factories
from tests.test_tree import assert_paths_consistent
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.models import Role, Unit

pytestmark = pytest.mark.django_db

NEW_UNIT = {"code": "BAPAS-PLG", "name": "Bapas Palembang", "unit_type": "", "serves_public": "on", "province": ""}


def _unit_events(unit: Unit, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="organisations.unit", object_id=str(unit.pk), action=action))


def _new_unit_data(**changes: str) -> dict[str, str]:
    data = {**NEW_UNIT, "unit_type": str(factories.UnitTypeFactory().pk)}
    data.update(changes)
    return data


@pytest.fixture
def admin(agency):
    return factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)


@pytest.fixture
def kanwil_admin(tree):
    """An admin held at Kanwil Sumsel: manages what lies below it, not the Kanwil's own place."""
    return factories.make_user_with_role(Role.AGENCY_ADMIN, unit=tree["sumsel"])


# ------------------------------------------------------------------------------------------------------------ add


def test_admin_adds_a_unit_below_another(client, tree, admin):
    client.force_login(admin)
    page = client.get(f"/unit/baru/?induk={tree['sumsel'].pk}")
    assert page.status_code == 200
    assert "Kanwil Sumatera Selatan" in page.content.decode()
    response = client.post("/unit/baru/", {"induk": tree["sumsel"].pk, **_new_unit_data()})
    unit = Unit.objects.get(code="BAPAS-PLG")
    assert response.status_code == 302 and response.url == f"/unit/{unit.pk}/"
    assert unit.parent == tree["sumsel"] and unit.path == f"{tree['sumsel'].path}{unit.pk}/"
    assert unit.province == tree["sumsel"].province  # empty province follows the parent
    [event] = _unit_events(unit, "create")
    assert event.actor_id == admin.pk and event.after["name"] == "Bapas Palembang"
    assert_paths_consistent()
    assert verify().ok


def test_agency_admin_adds_a_top_unit_but_a_kanwil_admin_may_not(client, tree, agency, admin, kanwil_admin):
    client.force_login(admin)
    assert "Tambah unit puncak" in client.get("/unit/").content.decode()
    response = client.post("/unit/baru/", {"instansi": agency.pk, **_new_unit_data(code="ITJEN", name="Itjen")})
    assert response.status_code == 302
    assert Unit.objects.get(code="ITJEN").depth == 0

    client.force_login(kanwil_admin)
    assert "Tambah unit puncak" not in client.get("/unit/").content.decode()
    assert client.get(f"/unit/baru/?instansi={agency.pk}").status_code == 403
    response = client.post("/unit/baru/", {"instansi": agency.pk, **_new_unit_data(code="X1")})
    assert response.status_code == 403
    # below its own node: allowed; above it (not even visible): 404
    assert client.post("/unit/baru/", {"induk": tree["lapas"].pk, **_new_unit_data(code="X2")}).status_code == 302
    assert client.post("/unit/baru/", {"induk": tree["ditjen"].pk, **_new_unit_data(code="X3")}).status_code == 404
    assert not Unit.objects.filter(code__in=["X1", "X3"]).exists()


@pytest.mark.parametrize("role", [Role.UNIT_TEAM_LEADER, Role.UNIT_HEAD, Role.REVIEWER, Role.TPI_EVALUATOR])
def test_other_roles_cannot_change_the_tree(client, tree, role):
    user = factories.make_user_with_role(role, unit=tree["sumsel"])
    client.force_login(user)
    lapas = tree["lapas"]
    assert client.get(f"/unit/baru/?induk={lapas.pk}").status_code == 403
    assert client.post("/unit/baru/", {"induk": lapas.pk, **_new_unit_data()}).status_code == 403
    assert client.get(f"/unit/{lapas.pk}/ubah/").status_code == 403
    assert client.get(f"/unit/{lapas.pk}/pindah/").status_code == 403
    assert client.post(f"/unit/{lapas.pk}/pindah/", {"parent": tree["rutan"].pk}).status_code == 403
    assert client.post(f"/unit/{lapas.pk}/tutup/").status_code == 403
    assert client.post(f"/unit/{lapas.pk}/buka/").status_code == 403
    lapas.refresh_from_db()
    assert lapas.is_active and lapas.parent == tree["sumsel"]
    assert not Unit.objects.filter(code="BAPAS-PLG").exists()
    page = client.get(f"/unit/{lapas.pk}/").content.decode()
    assert "/ubah/" not in page and "/pindah/" not in page and "/tutup/" not in page


def test_admin_of_another_agency_gets_404(client, tree):
    stranger = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=factories.AgencyFactory(code="LAIN"))
    client.force_login(stranger)
    lapas = tree["lapas"]
    assert client.get(f"/unit/baru/?induk={lapas.pk}").status_code == 404
    assert client.get(f"/unit/baru/?instansi={lapas.agency_id}").status_code == 404
    assert client.get(f"/unit/{lapas.pk}/ubah/").status_code == 404
    assert client.post(f"/unit/{lapas.pk}/pindah/", {"parent": "top"}).status_code == 404
    assert client.post(f"/unit/{lapas.pk}/tutup/").status_code == 404


def test_anonymous_visitors_go_to_the_login_page(client, tree):
    for url in ("/unit/baru/", f"/unit/{tree['lapas'].pk}/ubah/", f"/unit/{tree['lapas'].pk}/pindah/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/akun/masuk/")
    response = client.post(f"/unit/{tree['lapas'].pk}/tutup/")
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")
    assert Unit.objects.get(pk=tree["lapas"].pk).is_active


def test_a_wrong_form_keeps_what_was_typed(client, tree, admin):
    client.force_login(admin)
    response = client.post("/unit/baru/", {"induk": tree["sumsel"].pk, **_new_unit_data(name="")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bidang ini harus diisi" in page
    assert 'value="BAPAS-PLG"' in page
    # a code the agency already uses
    response = client.post("/unit/baru/", {"induk": tree["sumsel"].pk, **_new_unit_data(code="LAPAS-PLG")})
    assert response.status_code == 400
    assert "sudah dipakai unit lain" in response.content.decode()
    assert Unit.objects.filter(code="LAPAS-PLG").count() == 1
    assert not Unit.objects.filter(code="BAPAS-PLG").exists()


# ----------------------------------------------------------------------------------------------------------- edit


def test_admin_edits_a_unit_and_the_change_is_audited(client, tree, kanwil_admin):
    client.force_login(kanwil_admin)
    lapas = tree["lapas"]
    data = _new_unit_data(code="LAPAS-PLG", name="Lapas Kelas I Palembang Baru", serves_public="")
    response = client.post(f"/unit/{lapas.pk}/ubah/", data)
    assert response.status_code == 302
    lapas.refresh_from_db()
    assert lapas.name == "Lapas Kelas I Palembang Baru" and not lapas.serves_public
    [event] = _unit_events(lapas, "update")
    assert event.before["name"] == "Lapas Kelas I Palembang" and event.after["name"] == lapas.name
    response = client.post(f"/unit/{lapas.pk}/ubah/", _new_unit_data(code="RUTAN-PBM", name="X"))
    assert response.status_code == 400 and "sudah dipakai unit lain" in response.content.decode()
    lapas.refresh_from_db()
    assert lapas.code == "LAPAS-PLG"


# ----------------------------------------------------------------------------------------------------------- move


def test_admin_moves_a_unit_with_its_subtree(client, tree, admin):
    blok = factories.make_unit(parent=tree["lapas"], name="Blok A", code="BLOK-A")
    client.force_login(admin)
    page = client.get(f"/unit/{tree['sumsel'].pk}/pindah/?q=Kanwil").content.decode()
    assert "Kanwil Kepulauan Riau" in page
    assert f'value="{tree["lapas"].pk}"' not in page  # its own subtree is never offered
    response = client.post(f"/unit/{tree['sumsel'].pk}/pindah/", {"parent": tree["kepri"].pk})
    assert response.status_code == 302
    blok.refresh_from_db()
    assert blok.path.startswith(tree["kepri"].path) and blok.depth == 4
    [event] = _unit_events(tree["sumsel"], "update")
    assert event.before["parent_id"] == tree["ditjen"].pk and event.after["parent_id"] == tree["kepri"].pk
    assert_paths_consistent()
    # and to the top of the agency
    assert client.post(f"/unit/{tree['sumsel'].pk}/pindah/", {"parent": "top"}).status_code == 302
    assert Unit.objects.get(pk=tree["sumsel"].pk).depth == 0
    assert_paths_consistent()
    assert verify().ok


def test_a_move_below_itself_is_refused(client, tree, admin):
    client.force_login(admin)
    response = client.post(f"/unit/{tree['sumsel'].pk}/pindah/", {"parent": tree["lapas"].pk})
    assert response.status_code == 400
    assert "siklus" in response.content.decode()
    assert Unit.objects.get(pk=tree["sumsel"].pk).parent_id == tree["ditjen"].pk
    assert not _unit_events(tree["sumsel"], "update")


def test_a_move_to_another_agency_is_refused(client, tree, admin_user):
    foreign = factories.make_unit(agency=factories.AgencyFactory(code="LAIN"), name="Dinas Lain", code="DINAS")
    client.force_login(admin_user)
    response = client.post(f"/unit/{tree['lapas'].pk}/pindah/", {"parent": foreign.pk})
    assert response.status_code == 400
    assert "instansi yang sama" in response.content.decode()
    assert Unit.objects.get(pk=tree["lapas"].pk).parent_id == tree["sumsel"].pk


def test_a_kanwil_admin_moves_only_below_its_node(client, tree, kanwil_admin):
    client.force_login(kanwil_admin)
    # its own node is not its to move, nor to close
    assert client.get(f"/unit/{tree['sumsel'].pk}/pindah/").status_code == 403
    assert client.post(f"/unit/{tree['sumsel'].pk}/tutup/").status_code == 403
    # a target outside its node (Kanwil Kepri) is not in its scope
    response = client.post(f"/unit/{tree['lapas'].pk}/pindah/", {"parent": tree["kepri"].pk})
    assert response.status_code == 400
    assert "tidak ada dalam cakupan Anda" in response.content.decode()
    assert client.post(f"/unit/{tree['lapas'].pk}/pindah/", {"parent": "top"}).status_code == 400
    # within its node: fine
    assert client.post(f"/unit/{tree['lapas'].pk}/pindah/", {"parent": tree["rutan"].pk}).status_code == 302
    assert Unit.objects.get(pk=tree["lapas"].pk).parent_id == tree["rutan"].pk


def test_a_move_without_a_choice_says_so(client, tree, admin):
    client.force_login(admin)
    response = client.post(f"/unit/{tree['lapas'].pk}/pindah/", {"parent": ""})
    assert response.status_code == 400
    assert "Bidang ini harus diisi" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------- close


def test_closing_keeps_the_unit_and_its_history(client, tree, admin):
    client.force_login(admin)
    lapas = tree["lapas"]
    response = client.post(f"/unit/{lapas.pk}/tutup/")
    assert response.status_code == 302
    lapas.refresh_from_db()
    assert not lapas.is_active
    [event] = _unit_events(lapas, "close")
    assert event.before["is_active"] is True and event.after["is_active"] is False
    page = client.get(f"/unit/{lapas.pk}/").content.decode()
    assert "Ditutup" in page and "Buka kembali" in page
    # nothing can be placed below a closed unit
    response = client.post("/unit/baru/", {"induk": lapas.pk, **_new_unit_data()})
    assert response.status_code == 400 and "sudah ditutup" in response.content.decode()
    assert client.post(f"/unit/{lapas.pk}/buka/").status_code == 302
    lapas.refresh_from_db()
    assert lapas.is_active and _unit_events(lapas, "reopen")
    assert verify().ok


def test_a_unit_with_open_units_below_cannot_be_closed(client, tree, admin):
    client.force_login(admin)
    response = client.post(f"/unit/{tree['sumsel'].pk}/tutup/", follow=True)
    assert "masih membawahi unit yang aktif" in response.content.decode()
    assert Unit.objects.get(pk=tree["sumsel"].pk).is_active
    assert not _unit_events(tree["sumsel"], "close")


def test_close_is_post_only(client, tree, admin):
    client.force_login(admin)
    assert client.get(f"/unit/{tree['lapas'].pk}/tutup/").status_code == 405
