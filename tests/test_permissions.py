"""Who may do what where: a role × action × in-scope/out-of-scope matrix over access.py and the HTTP views.

Also checks that the role table in docs/security.md says exactly what ``ROLE_ACTIONS`` says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import factories
from zi.core.models import AuditEvent
from zi.organisations.access import ROLE_ACTIONS, Action, may, restrict, visible_units
from zi.organisations.models import Role, RoleAssignment

ALL_TREE = {"ditjen", "sumsel", "lapas", "rutan", "kepri", "rutan_tpi"}

# role -> (where the role is held, a unit in scope, a unit out of scope, the units it sees)
SCOPES: dict[str, tuple[str, str, str | None, set[str]]] = {
    Role.AGENCY_ADMIN: ("agency", "lapas", "other", ALL_TREE),
    Role.UNIT_TEAM_MEMBER: ("lapas", "lapas", "rutan", {"lapas"}),
    Role.UNIT_TEAM_LEADER: ("lapas", "lapas", "rutan", {"lapas"}),
    Role.UNIT_HEAD: ("lapas", "lapas", "sumsel", {"lapas"}),
    Role.REVIEWER: ("sumsel", "rutan", "rutan_tpi", {"sumsel", "lapas", "rutan"}),
    Role.TPI_EVALUATOR: ("agency", "rutan_tpi", "other", ALL_TREE),
    Role.LEADER: ("ditjen", "rutan_tpi", "other", ALL_TREE),
    Role.NATIONAL_VIEWER: ("national", "other", None, ALL_TREE | {"other"}),
}
CASES = [(role, "in") for role in SCOPES] + [(role, "out") for role, scope in SCOPES.items() if scope[2] is not None]


def test_every_role_is_in_the_matrix():
    assert set(SCOPES) == set(Role.values) == set(ROLE_ACTIONS)


@pytest.fixture
def world(tree):
    other_agency = factories.AgencyFactory(code="PEMPROV-X", name="Pemerintah Provinsi X")
    other = factories.make_unit(agency=other_agency, name="Dinas Penanaman Modal X", code="DPM-X")
    return {**tree, "agency": tree["ditjen"].agency, "other_agency": other_agency, "other": other}


def user_for(role: str, world: dict):
    where = SCOPES[role][0]
    if where == "agency":
        return factories.make_user_with_role(role, agency=world["agency"])
    if where == "national":
        return factories.make_user_with_role(role)
    return factories.make_user_with_role(role, unit=world[where])


def target(role: str, side: str, world: dict):
    _, inside, outside, _ = SCOPES[role]
    return world[inside if side == "in" else outside]


# --- access.may ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "side"), CASES)
def test_may_matrix(world, role, side):
    user = user_for(role, world)
    unit = target(role, side, world)
    for action in Action:
        expected = side == "in" and action in ROLE_ACTIONS[role]
        assert may(user, action, unit) is expected, (role, side, action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(SCOPES))
def test_may_anywhere_follows_role_actions(world, role):
    user = user_for(role, world)
    for action in Action:
        assert may(user, action) is (action in ROLE_ACTIONS[role]), (role, action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(SCOPES))
def test_may_on_an_agency_needs_an_agency_wide_grant(world, role):
    user = user_for(role, world)
    where = SCOPES[role][0]
    for action in ROLE_ACTIONS[role]:
        assert may(user, action, world["agency"]) is (where in ("agency", "national")), (role, action)
        assert may(user, action, world["other_agency"]) is (where == "national"), (role, action)


@pytest.mark.django_db
def test_policy_essentials(world):
    """A few lines of the policy stated directly, so a slip in ROLE_ACTIONS cannot hide behind it."""
    member = user_for(Role.UNIT_TEAM_MEMBER, world)
    leader = user_for(Role.UNIT_TEAM_LEADER, world)
    admin = user_for(Role.AGENCY_ADMIN, world)
    reviewer = user_for(Role.REVIEWER, world)
    national = user_for(Role.NATIONAL_VIEWER, world)
    assert may(member, Action.ASSESSMENT_ANSWER, world["lapas"])
    assert not may(member, Action.ASSESSMENT_SUBMIT, world["lapas"])
    assert may(leader, Action.ASSESSMENT_SUBMIT, world["lapas"])
    assert not may(member, Action.AUDIT_VIEW)
    assert not may(admin, Action.ASSESSMENT_ANSWER, world["lapas"])
    assert not may(admin, Action.ASSESSMENT_VIEW_DRAFT, world["lapas"])
    assert not may(reviewer, Action.ASSESSMENT_VIEW_DRAFT, world["lapas"])
    assert not may(reviewer, Action.TPI_SCORE, world["lapas"])
    assert not any(may(national, a, world["other"]) for a in (Action.UNIT_MANAGE, Action.ASSESSMENT_ANSWER))


@pytest.mark.django_db
def test_superuser_may_everything_and_inactive_or_anonymous_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert all(may(root, action, world["other"]) for action in Action)
    assert visible_units(root).count() == len(ALL_TREE) + 1
    admin = user_for(Role.AGENCY_ADMIN, world)
    admin.is_active = False
    assert not any(may(admin, action, world["lapas"]) for action in Action)
    assert visible_units(admin).count() == 0
    assert not may(AnonymousUser(), Action.UNIT_VIEW, world["lapas"])
    assert visible_units(AnonymousUser()).count() == 0
    assert may(None, Action.UNIT_VIEW) is False


@pytest.mark.django_db
def test_grants_are_read_once_per_user_object(world, django_assert_num_queries):
    user = user_for(Role.REVIEWER, world)
    with django_assert_num_queries(1):
        for action in Action:
            may(user, action, world["lapas"])
            may(user, action, world["rutan_tpi"])


# --- visible_units / restrict ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(SCOPES))
def test_visible_units(world, role):
    user = user_for(role, world)
    expected = {world[name].pk for name in SCOPES[role][3]}
    assert set(visible_units(user).values_list("pk", flat=True)) == expected


@pytest.mark.django_db
def test_restrict_through_a_foreign_key(world):
    reviewer = user_for(Role.REVIEWER, world)
    for name in ("lapas", "rutan_tpi", "other"):
        factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=world[name])
    seen = restrict(RoleAssignment.objects.all(), reviewer, Action.UNIT_VIEW, unit_field="unit")
    assert {a.unit_id for a in seen} == {world["sumsel"].pk, world["lapas"].pk}


@pytest.mark.django_db
def test_no_grant_for_the_action_sees_nothing(world):
    member = user_for(Role.UNIT_TEAM_MEMBER, world)
    assert visible_units(member, Action.UNIT_MANAGE).count() == 0
    assert visible_units(member, Action.AUDIT_VIEW).count() == 0


# --- HTTP ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/unit/", "/unit/1/", "/jejak-audit/", "/unit/impor/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/akun/masuk/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(SCOPES))
def test_unit_list_shows_only_units_in_scope(client, world, role):
    user = user_for(role, world)
    client.force_login(user)
    response = client.get("/unit/")
    assert response.status_code == 200
    # the unit tree, every branch opened: what the person can reach is their scope, no more
    nodes, shown, html = list(response.context["nodes"]), set(), response.content.decode()
    while nodes:
        node = nodes.pop()
        shown.add(node.unit.pk)
        if node.has_children:
            branch = client.get(f"/unit/{node.unit.pk}/cabang/")
            nodes += branch.context["nodes"]
            html += branch.content.decode()
    assert shown == {world[name].pk for name in SCOPES[role][3]}
    for name in ALL_TREE | {"other"}:
        assert (world[name].name in html) is (name in SCOPES[role][3]), (role, name)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "side"), CASES)
def test_unit_detail_in_scope_200_out_of_scope_404(client, world, role, side):
    client.force_login(user_for(role, world))
    unit = target(role, side, world)
    response = client.get(f"/unit/{unit.pk}/")
    assert response.status_code == (200 if side == "in" else 404)
    if side == "in":
        assert unit.name in response.content.decode()


@pytest.mark.django_db
def test_unit_detail_breadcrumb_hides_ancestors_out_of_scope(client, world):
    client.force_login(user_for(Role.UNIT_TEAM_MEMBER, world))
    html = client.get(f"/unit/{world['lapas'].pk}/").content.decode()
    assert world["sumsel"].name not in html
    assert world["ditjen"].name not in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(SCOPES))
def test_audit_list_needs_audit_view(client, world, role):
    client.force_login(user_for(role, world))
    response = client.get("/jejak-audit/")
    assert response.status_code == (200 if Action.AUDIT_VIEW in ROLE_ACTIONS[role] else 403)


@pytest.mark.django_db
def test_audit_list_is_cut_to_scope(client, world):
    admin = user_for(Role.AGENCY_ADMIN, world)
    client.force_login(admin)
    response = client.get("/jejak-audit/?page=1")
    shown = {event.seq for event in response.context["page"]}
    mine = set(
        AuditEvent.objects.filter(object_type="organisations.unit", object_id=str(world["lapas"].pk)).values_list(
            "seq", flat=True
        )
    )
    theirs = set(
        AuditEvent.objects.filter(object_type="organisations.unit", object_id=str(world["other"].pk)).values_list(
            "seq", flat=True
        )
    )
    assert mine and theirs
    assert mine <= shown
    assert not theirs & shown


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(SCOPES))
def test_import_page_needs_unit_manage(client, world, role):
    client.force_login(user_for(role, world))
    response = client.get("/unit/impor/")
    if Action.UNIT_MANAGE in ROLE_ACTIONS[role]:
        assert response.status_code != 403
    else:
        assert response.status_code == 403


# --- docs/security.md says what ROLE_ACTIONS says --------------------------------------------------------------

SECURITY_DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"


def _doc_matrix() -> dict[str, set[str]]:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- role-actions:start -->(.*?)<!-- role-actions:end -->", text, re.S)
    assert block, "docs/security.md must keep the role table between the role-actions markers"
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in block.group(1).strip().splitlines()
        if line.strip().startswith("|")
    ]
    header, body = rows[0], [row for row in rows[2:]]
    roles = [re.search(r"`([^`]+)`", cell).group(1) for cell in header[1:]]
    matrix: dict[str, set[str]] = {role: set() for role in roles}
    for row in body:
        action = re.search(r"`([^`]+)`", row[0]).group(1)
        assert len(row) == len(header), f"row {action} has {len(row)} cells, header has {len(header)}"
        for role, cell in zip(roles, row[1:], strict=True):
            assert cell in ("✓", "–"), f"cell for {role} × {action} must be ✓ or –, not {cell!r}"
            if cell == "✓":
                matrix[role].add(action)
    actions_in_doc = {re.search(r"`([^`]+)`", row[0]).group(1) for row in body}
    assert actions_in_doc == {a.value for a in Action}, "the doc table must list every Action once"
    return matrix


def test_security_doc_matches_role_actions():
    doc = _doc_matrix()
    code = {str(role): {action.value for action in actions} for role, actions in ROLE_ACTIONS.items()}
    assert doc == code
