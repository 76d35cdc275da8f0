"""Agency admins give and take roles at a unit through the unit page; nobody else can."""

import pytest

from tests import factories
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.access import Action, may
from zi.organisations.models import Role, RoleAssignment


@pytest.mark.django_db
def test_agency_admin_assigns_and_revokes_role(client, tree, agency):
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)
    person = factories.UserFactory(username="budi", unit=tree["lapas"])
    client.force_login(admin)
    response = client.post(f"/unit/{tree['lapas'].pk}/peran/", {"username": "budi", "role": Role.UNIT_TEAM_MEMBER})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person, unit=tree["lapas"])
    assert may(person, Action.ASSESSMENT_ANSWER, tree["lapas"])
    response = client.post(f"/unit/{tree['lapas'].pk}/peran/{assignment.pk}/cabut/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert verify().ok


@pytest.mark.django_db
def test_person_of_other_agency_cannot_be_given_a_role(client, tree, agency):
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)
    other_unit = factories.make_unit(agency=factories.AgencyFactory(code="PEMPROV"), name="Dinas X")
    factories.UserFactory(username="asing", unit=other_unit)
    client.force_login(admin)
    client.post(f"/unit/{tree['lapas'].pk}/peran/", {"username": "asing", "role": Role.UNIT_HEAD})
    assert not RoleAssignment.objects.filter(user__username="asing").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.REVIEWER, Role.TPI_EVALUATOR, Role.UNIT_TEAM_LEADER])
def test_non_admin_cannot_assign_roles(client, tree, role):
    user = factories.make_user_with_role(role, unit=tree["sumsel"])
    factories.UserFactory(username="siti", unit=tree["lapas"])
    client.force_login(user)
    response = client.post(f"/unit/{tree['lapas'].pk}/peran/", {"username": "siti", "role": Role.UNIT_HEAD})
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user__username="siti").exists()


@pytest.mark.django_db
def test_admin_of_other_agency_gets_404(client, tree):
    other_admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=factories.AgencyFactory(code="LAIN"))
    client.force_login(other_admin)
    response = client.post(f"/unit/{tree['lapas'].pk}/peran/", {"username": "x", "role": Role.UNIT_HEAD})
    assert response.status_code == 404


# ------------------------------------------------------------------------------------------ the searchable picker


@pytest.mark.django_db
def test_picker_finds_people_by_name_within_the_admins_scope(client, tree):
    kanwil_admin = factories.make_user_with_role(Role.AGENCY_ADMIN, unit=tree["sumsel"])
    factories.UserFactory(username="siti.a", full_name="Siti Aminah", nip="198001012005012001", unit=tree["lapas"])
    factories.UserFactory(username="siti.k", full_name="Siti Kepri", unit=tree["kepri"])
    stranger_unit = factories.make_unit(agency=factories.AgencyFactory(code="LAIN"), name="Dinas X")
    factories.UserFactory(username="siti.x", full_name="Siti Lain", unit=stranger_unit)
    client.force_login(kanwil_admin)
    page = client.get(f"/unit/{tree['lapas'].pk}/", {"cari": "siti"}).content.decode()
    assert "Siti Aminah" in page and "Lapas Kelas I Palembang" in page
    assert "Siti Kepri" not in page  # another Kanwil: outside this admin's node
    assert "Siti Lain" not in page  # another agency
    by_nip = client.get(f"/unit/{tree['lapas'].pk}/", {"cari": "19800101"}).content.decode()
    assert 'value="siti.a"' in by_nip
    # htmx asks the same page; the results are cut out of it with hx-select
    assert 'hx-select="#person-choices"' in page


@pytest.mark.django_db
def test_picker_gives_a_role_and_refuses_people_outside_the_scope(client, tree):
    kanwil_admin = factories.make_user_with_role(Role.AGENCY_ADMIN, unit=tree["sumsel"])
    siti = factories.UserFactory(username="siti.a", full_name="Siti Aminah", unit=tree["lapas"])
    factories.UserFactory(username="siti.k", full_name="Siti Kepri", unit=tree["kepri"])
    client.force_login(kanwil_admin)
    url = f"/unit/{tree['rutan'].pk}/peran/"
    response = client.post(url, {"username": "siti.a", "role": Role.UNIT_TEAM_LEADER}, follow=True)
    assert "Peran diberikan." in response.content.decode()
    assignment = RoleAssignment.objects.get(user=siti, unit=tree["rutan"], role=Role.UNIT_TEAM_LEADER)
    assert AuditEvent.objects.filter(
        object_type="organisations.roleassignment", object_id=str(assignment.pk), action="create"
    ).exists()
    # the picker shows the roles a person already holds
    assert "Ketua tim kerja ZI" in client.get(f"/unit/{tree['rutan'].pk}/", {"cari": "Aminah"}).content.decode()
    response = client.post(url, {"username": "siti.k", "role": Role.UNIT_HEAD}, follow=True)
    assert "tidak ditemukan di antara pegawai dalam cakupan Anda" in response.content.decode()
    assert not RoleAssignment.objects.filter(user__username="siti.k").exists()
    response = client.post(url, {"username": "", "role": Role.UNIT_HEAD}, follow=True)
    assert "Periksa isian formulir peran" in response.content.decode()


@pytest.mark.django_db
def test_picker_is_not_shown_to_those_who_may_not_give_roles(client, tree):
    head = factories.make_user_with_role(Role.UNIT_HEAD, unit=tree["sumsel"])
    factories.UserFactory(username="siti.a", full_name="Siti Aminah", unit=tree["lapas"])
    client.force_login(head)
    page = client.get(f"/unit/{tree['lapas'].pk}/", {"cari": "siti"}).content.decode()
    assert "person-choices" not in page and "Siti Aminah" not in page
