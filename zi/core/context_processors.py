from __future__ import annotations

from django.http import HttpRequest

from zi.organisations.access import Action, may, roles_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_roles": sorted(roles_of(user)),
        "nav_can_manage_units": may(user, Action.UNIT_MANAGE),
        "nav_can_view_audit": may(user, Action.AUDIT_VIEW),
    }
