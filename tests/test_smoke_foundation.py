import pytest

from tests import factories
from zi.core.audit import verify
from zi.organisations.access import Action, may, visible_units
from zi.organisations.models import Role


@pytest.mark.django_db
def test_team_member_sees_only_own_unit_and_audit_chain_verifies(tree):
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    assert list(visible_units(member)) == [tree["lapas"]]
    assert may(member, Action.ASSESSMENT_ANSWER, tree["lapas"])
    assert not may(member, Action.ASSESSMENT_ANSWER, tree["rutan"])
    assert verify().ok
