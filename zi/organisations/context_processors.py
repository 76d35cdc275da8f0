"""The navigation flags every page sees (``nav_can_*``), computed with :func:`zi.organisations.access.may`."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from zi.core.home import badge_text, inbox_count
from zi.organisations.access import ROLE_ACTIONS, Action, grants_for, may, roles_of

# Whoever acts somewhere in the yearly journey (/alur/): the unit team, reviewers, TPI, agency admins, leaders.
WORKFLOW_NAV_ACTIONS = (
    Action.ASSESSMENT_ANSWER,
    Action.PARTICIPATION_MANAGE,
    Action.REVIEW_SCORE,
    Action.TPI_SCORE,
    Action.TPI_TEAM_MANAGE,
    Action.PROPOSAL_SUBMIT,
    Action.TPN_RESULT_RECORD,
    Action.DASHBOARD_VIEW,
)


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    own_unit_ids = [
        int(g.unit_path.strip("/").rsplit("/", 1)[-1])
        for g in grants_for(user)
        if g.unit_path and Action.ASSESSMENT_ANSWER in ROLE_ACTIONS.get(g.role, ())
    ]

    @cache
    def inbox_badge() -> str:
        # Called by the template only when it shows the badge (pages and partials without base.html pay nothing).
        count = inbox_count(request)
        return badge_text(count) if count else ""

    return {
        "nav_inbox_badge": inbox_badge,
        "nav_programme_unit_id": own_unit_ids[0] if own_unit_ids else None,
        "nav_roles": sorted(roles_of(user)),
        "nav_can_manage_units": may(user, Action.UNIT_MANAGE),
        "nav_can_view_dashboards": may(user, Action.DASHBOARD_VIEW),
        "nav_can_view_audit": may(user, Action.AUDIT_VIEW),
        "nav_can_use_workflow": any(may(user, action) for action in WORKFLOW_NAV_ACTIONS),
    }
