"""The home page and the audit list: core pages that read roles and scope, so they sit at the organisations layer
(URL names stay ``core:home`` and ``core:audit_list``; ``zi/config/urls.py`` puts them in the ``core`` namespace)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zi.core.home import inbox, panels
from zi.core.models import AuditEvent
from zi.organisations import labels
from zi.organisations.access import Action, grants_for, may, path_scope_filter, visible_units
from zi.organisations.models import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    grants = grants_for(request.user)
    units = visible_units(request.user).select_related("unit_type", "agency")
    context = {
        "grants": grants,
        "role_labels": dict(Role.choices),
        "unit_count": units.count(),
        "my_units": units.filter(path__in=[g.unit_path for g in grants if g.unit_path])[:20],
    }
    context["items"] = inbox(request)  # what waits for this person, from the apps' providers (zi.core.home)
    context["panels"] = panels(request)
    return render(request, "core/home.html", context)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.AUDIT_VIEW):
        raise PermissionDenied
    events = AuditEvent.objects.filter(path_scope_filter(request.user, Action.AUDIT_VIEW, "scope_path"))
    page = Paginator(events.order_by("-seq"), 50).get_page(request.GET.get("page"))
    # Labels and snapshots through the one labelling rule: integrity reports stay neutral for non-handlers.
    rows = labels.describe_events(page.object_list, request.user)
    return render(request, "core/audit_list.html", {"page": page, "rows": rows})
