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


# --- audit scope paths and actors that are not users (what the mutation run found unasserted) -----------------


def _add_role(user, role, *, unit=None, agency=None):
    from zi.organisations import services as org_services
    from zi.organisations.access import forget_grants

    org_services.role_assign(actor=None, user=user, role=role, unit=unit, agency=agency)
    forget_grants(user)
    return user


@pytest.mark.django_db
def test_audit_scope_paths_each_kind_of_grant_sees(world):
    """``path_scope_filter`` (the audit list): a unit grant sees its subtree's paths, an agency grant its units' paths
    and the agency's own ``a<id>/`` records, a national grant everything; several grants add up."""
    from zi.core import audit
    from zi.organisations.access import path_scope_filter

    for obj in (world["agency"], world["other_agency"], *(world[name] for name in ALL_TREE), world["other"]):
        audit.record(None, "update", obj)
    # a unit's path is its ancestors' ids: "<root id>0/" shares the root's digits without being below it
    neighbour = f"{world['ditjen'].pk}0/"
    audit.record(None, "update", object_type="organisations.unit", object_id="0", scope_path=neighbour)
    paths = {name: world[name].path for name in (*ALL_TREE, "other")}
    agency_paths = {f"a{world['agency'].pk}/"} | {paths[name] for name in ALL_TREE}
    other_paths = {f"a{world['other_agency'].pk}/", paths["other"]}

    def every():
        return set(AuditEvent.objects.values_list("scope_path", flat=True))

    assert agency_paths | other_paths | {neighbour} <= every()  # and, once users are made below, "" (their accounts)

    def seen(user):
        rows = AuditEvent.objects.filter(path_scope_filter(user, Action.AUDIT_VIEW, "scope_path"))
        return set(rows.values_list("scope_path", flat=True))

    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=world["agency"])
    assert seen(admin) == agency_paths
    assert seen(user_for(Role.NATIONAL_VIEWER, world)) == every()
    tpi = factories.make_user_with_role(Role.TPI_EVALUATOR, unit=world["kepri"])
    assert seen(tpi) == {paths["kepri"], paths["rutan_tpi"]}
    assert seen(_add_role(tpi, Role.TPI_EVALUATOR, unit=world["lapas"])) == {
        paths["kepri"],
        paths["rutan_tpi"],
        paths["lapas"],
    }
    assert seen(_add_role(admin, Role.TPI_EVALUATOR, unit=world["other"])) == agency_paths | {paths["other"]}
    assert seen(_add_role(admin, Role.AGENCY_ADMIN, agency=world["other_agency"])) == agency_paths | other_paths
    root = factories.UserFactory(username="root", is_superuser=True)
    assert seen(root) == every()
    root.is_active = False
    assert seen(root) == set()
    from django.contrib.auth.models import AnonymousUser

    assert seen(AnonymousUser()) == seen(None) == seen("cli") == set()


@pytest.mark.django_db
def test_a_system_actor_string_is_granted_nothing(world):
    """Services take a string actor for system processes (zi.core.actors): it may do nothing a user may."""
    from zi.organisations.access import scope_filter

    assert not any(may("cli", action, world["lapas"]) for action in Action)
    assert not restrict(RoleAssignment.objects.all(), "cli", Action.UNIT_VIEW, unit_field="unit").exists()
    assert not world["lapas"].__class__.objects.filter(scope_filter("cli", Action.UNIT_VIEW, "")).exists()


@pytest.mark.django_db
def test_placing_a_unit_needs_unit_manage_at_the_parent_or_agency_wide(world):
    """``may_place_unit``: an admin held at a unit places below it, not beside or above it, nor at the agency's top;
    an agency-wide admin places anywhere in the agency, at its top too, and nowhere in another agency."""
    from zi.organisations.access import may_place_unit

    agency, other_agency = world["agency"], world["other_agency"]
    unit_admin = factories.make_user_with_role(Role.AGENCY_ADMIN, unit=world["sumsel"])
    assert may_place_unit(unit_admin, world["sumsel"], agency)
    assert may_place_unit(unit_admin, world["lapas"], agency)
    assert not may_place_unit(unit_admin, world["ditjen"], agency)
    assert not may_place_unit(unit_admin, None, agency)
    admin = user_for(Role.AGENCY_ADMIN, world)
    assert may_place_unit(admin, None, agency) and may_place_unit(admin, world["kepri"], agency)
    assert not may_place_unit(admin, None, other_agency) and not may_place_unit(admin, world["other"], other_agency)
    member = user_for(Role.UNIT_TEAM_MEMBER, world)
    assert not may_place_unit(member, world["lapas"], agency)


@pytest.mark.django_db
def test_objects_are_placed_by_their_declared_field_scope_unit_or_unit(world):
    """``unit_of`` (behind ``may``): a model's ``unit_field`` path, else its ``scope_unit()``, else its ``unit``; an
    object with none of them (or an empty link) is in no unit, so only a grant without a place covers it."""
    from types import SimpleNamespace

    from zi.assessments.models import Answer
    from zi.organisations.access import follow, unit_field_of, unit_of
    from zi.programme.models import PlanItem

    assert (unit_field_of(Answer), unit_field_of(PlanItem), unit_field_of(type(world["lapas"]))) == (
        "assessment__unit",
        "work_plan__unit",
        "",
    )
    assert unit_field_of(RoleAssignment) == "unit"  # the default
    lapas, rutan = world["lapas"], world["rutan"]
    assert follow(lapas, "") is lapas
    assert follow(SimpleNamespace(assessment=SimpleNamespace(unit=lapas)), "assessment__unit") is lapas
    assert follow(SimpleNamespace(assessment=None), "assessment__unit") is None
    assert follow(SimpleNamespace(), "assessment__unit") is None  # fails closed, never an AttributeError

    class Placed:
        def scope_unit(self):
            return lapas

    assert unit_of(Placed()) is lapas
    assert unit_of(SimpleNamespace(unit=rutan)) is rutan
    assert unit_of(SimpleNamespace()) is None
    member = user_for(Role.UNIT_TEAM_MEMBER, world)  # held at the Lapas
    assert may(member, Action.ASSESSMENT_ANSWER, Placed())
    assert not may(member, Action.ASSESSMENT_ANSWER, SimpleNamespace(unit=rutan))
    assert not may(member, Action.ASSESSMENT_ANSWER, SimpleNamespace())
    assert may(user_for(Role.NATIONAL_VIEWER, world), Action.UNIT_VIEW, SimpleNamespace())


@pytest.mark.django_db
def test_restrict_takes_the_field_it_is_given_over_the_models_own(world):
    """Units whose parent the reviewer (held at the Kanwil Sumsel) sees: its two children, not the Kanwil itself."""
    reviewer = user_for(Role.REVIEWER, world)
    below = restrict(world["lapas"].__class__.objects.all(), reviewer, Action.UNIT_VIEW, unit_field="parent")
    assert set(below) == {world["lapas"], world["rutan"]}


@pytest.mark.django_db
def test_several_grants_add_up_and_an_inactive_superuser_has_none(world):
    from zi.organisations.access import roles_of

    reviewer = user_for(Role.REVIEWER, world)  # at the Kanwil Sumsel
    _add_role(reviewer, Role.REVIEWER, unit=world["kepri"])
    names = {"sumsel", "lapas", "rutan", "kepri", "rutan_tpi"}
    assert set(visible_units(reviewer)) == {world[name] for name in names}
    admin = user_for(Role.AGENCY_ADMIN, world)
    _add_role(admin, Role.AGENCY_ADMIN, agency=world["other_agency"])
    assert set(visible_units(admin, Action.UNIT_MANAGE)) == {world[name] for name in (*ALL_TREE, "other")}
    _add_role(admin, Role.TPI_EVALUATOR, unit=world["lapas"])
    assert roles_of(admin) == {Role.AGENCY_ADMIN, Role.TPI_EVALUATOR}
    root = factories.UserFactory(username="root", is_superuser=True, is_active=False)
    assert not may(root, Action.UNIT_VIEW, world["lapas"]) and not may(root, Action.UNIT_VIEW)
    assert visible_units(root).count() == 0


@pytest.mark.django_db
def test_grants_only_for_an_active_user_and_only_of_known_roles(world):
    """An inactive account, a system string or None hold no grant at all (not only no permission); a role the code
    no longer knows (left in the database by an older version) grants nothing rather than failing."""
    from zi.organisations.access import grants_for, roles_of

    admin = user_for(Role.AGENCY_ADMIN, world)
    assert roles_of(admin) == {Role.AGENCY_ADMIN}
    admin.is_active = False
    assert roles_of(admin) == set() and grants_for(None) == [] and roles_of("cli") == set()
    member = user_for(Role.UNIT_TEAM_MEMBER, world)
    RoleAssignment.objects.filter(user=member).update(role="retired_role")
    assert roles_of(member) == {"retired_role"}
    assert not any(may(member, action, world["lapas"]) for action in Action)
