"""Agency admins give and take roles at a unit through the unit page; nobody else can."""

import pytest

from tests import factories
from zi.core.audit import verify
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
