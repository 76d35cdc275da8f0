"""The scope helpers (docs/architecture.md, "One helper per job"): a model's place in the tree declared once
(``unit_field``), derived domain actions, and the one load-or-404/403 helper of the views."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests import factories
from zi.organisations.access import DERIVED_ACTIONS, ROLE_ACTIONS, Action, may, restrict
from zi.organisations.models import Agency, Role, Unit
from zi.organisations.scoped import get_scoped_or_404
from zi.predicates.models import Award, Predicate, Source
from zi.workflow.models import FieldCheck

pytestmark = pytest.mark.django_db


def _award(unit: Unit) -> Award:
    return Award.objects.create(
        unit=unit,
        predicate=Predicate.WBK,
        year=2025,
        decree_number=f"KEP/{unit.pk}",
        decree_date=dt.date(2025, 12, 1),
        source=Source.TPN,
    )


def test_the_place_in_the_tree_is_declared_once_and_derived(tree):
    award = _award(tree["lapas"])
    check = FieldCheck(award=award)  # two steps away from its unit: unit_field = "award__unit"
    assert check.scope_unit() == tree["lapas"]
    assert check.audit_scope_path() == tree["lapas"].path
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    assert may(reviewer, Action.UNIT_VIEW, check)
    # Model.objects.restrict is the queryset form of the same rule
    _award(tree["rutan_tpi"])
    assert list(Award.objects.restrict(reviewer, Action.UNIT_VIEW)) == [award]
    assert list(restrict(Award.objects.all(), reviewer, Action.UNIT_VIEW)) == [award]


def test_a_derived_action_is_held_wherever_one_of_its_sources_is():
    for role, actions in ROLE_ACTIONS.items():
        for derived, sources in DERIVED_ACTIONS.items():
            assert (derived in actions) is bool(actions & sources), (role, derived)


def test_survey_evaluate_is_review_or_tpi_scoring_in_scope(tree):
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    team = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["lapas"])
    assert may(reviewer, Action.SURVEY_EVALUATE, tree["lapas"])
    assert not may(reviewer, Action.SURVEY_EVALUATE, tree["rutan_tpi"])
    assert not may(team, Action.SURVEY_EVALUATE, tree["lapas"])  # the team must not drop its own answers


def test_get_scoped_or_404_answers_404_out_of_scope_and_403_without_the_action(tree):
    in_scope, out_of_scope = _award(tree["lapas"]), _award(tree["rutan_tpi"])
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    assert get_scoped_or_404(Award, reviewer, see=Action.UNIT_VIEW, pk=in_scope.pk) == in_scope
    with pytest.raises(Http404):
        get_scoped_or_404(Award, reviewer, see=Action.UNIT_VIEW, pk=out_of_scope.pk)
    with pytest.raises(Http404):
        get_scoped_or_404(Award, reviewer, see=Action.UNIT_VIEW, pk=0)
    with pytest.raises(PermissionDenied):
        get_scoped_or_404(Award, reviewer, Action.TPI_SCORE, see=Action.UNIT_VIEW, pk=in_scope.pk)
    assert get_scoped_or_404(Award, reviewer, Action.REVIEW_SCORE, see=Action.UNIT_VIEW, pk=in_scope.pk) == in_scope


def test_get_scoped_or_404_takes_rules_and_refuses_a_page_first(tree):
    award = _award(tree["lapas"])
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    with pytest.raises(PermissionDenied):  # the page is not for this role at all: 403 even for a missing object
        get_scoped_or_404(Award, reviewer, page=Action.TPN_RESULT_RECORD, pk=0)
    with pytest.raises(Http404):
        get_scoped_or_404(Award, reviewer, see=lambda user, obj: False, pk=award.pk)
    with pytest.raises(PermissionDenied):
        get_scoped_or_404(Award, reviewer, lambda user, obj: False, pk=award.pk)
    # An object not placed by a unit (an agency) is checked with may() on the loaded object.
    agency = tree["lapas"].agency
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)
    other = factories.AgencyFactory(code="LAIN", name="Instansi Lain")
    assert get_scoped_or_404(Agency, admin, see=Action.PORTALRB_MANAGE, pk=agency.pk) == agency
    with pytest.raises(Http404):
        get_scoped_or_404(Agency, admin, see=Action.PORTALRB_MANAGE, pk=other.pk)
