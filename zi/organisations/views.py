from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zi.organisations import selectors
from zi.organisations.access import Action, may, visible_units
from zi.organisations.models import RoleAssignment


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    units = selectors.unit_list(user=request.user, query=query)
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    template = "organisations/partials/unit_rows.html" if request.htmx else "organisations/unit_list.html"
    return render(request, template, {"page": page, "q": query})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_units(request.user).select_related("unit_type", "agency", "parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    ancestors = visible_units(request.user).filter(pk__in=unit.ancestor_ids).order_by("depth")
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": selectors.unit_children(user=request.user, unit=unit),
        "assignments": RoleAssignment.objects.filter(unit=unit).select_related("user"),
        "staff_count": unit.staff.count(),
        "can_manage": may(request.user, Action.UNIT_MANAGE, unit),
    }
    return render(request, "organisations/unit_detail.html", context)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.UNIT_MANAGE):
        raise PermissionDenied
    from zi.organisations.importers import handle_import_request

    return handle_import_request(request)
