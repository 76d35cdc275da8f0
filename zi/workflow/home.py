"""The workflow's panel on the home page: LKEs waiting for TPI without a TPI team, for those who assign teams."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from zi.organisations.access import Action, may


def without_team_panel(request: HttpRequest) -> str | None:
    if not may(request.user, Action.TPI_TEAM_MANAGE):
        return None
    from zi.workflow.selectors import without_tpi_team

    unassigned = without_tpi_team(user=request.user)
    if not unassigned:
        return None
    return render_to_string("workflow/partials/unassigned.html", {"unassigned": unassigned}, request=request)
