"""The unit's building-work overview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zi.core.links import absolute_url
from zi.integrity import selectors as integrity_selectors
from zi.lke.services import labelled_inputs
from zi.organisations.access import Action, may
from zi.programme import selectors
from zi.programme.views.common import _period, _readable_unit


@login_required
def unit_overview(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _readable_unit(request, pk)
    period = _period(request)
    user = request.user
    plan = selectors.work_plan_for(user=user, unit=unit, period=period)
    staff = selectors.staff_count(unit)
    activities = list(selectors.activities_for(user=user, unit=unit, period=period)[:50])
    for activity in activities:
        activity.reach = selectors.activity_reach(activity, staff)  # type: ignore[attr-defined]  # for the template
    status = request.GET.get("status", "")
    complaints = selectors.complaints_for(user=user, unit=unit, status=status)[:50]
    context = {
        "unit": unit,
        "period": period,
        "plan": plan,
        "areas": selectors.plan_by_area(plan),
        "activities": activities,
        "staff_count": staff,
        "reach": selectors.reach_by_month(unit=unit, period=period),
        "agents": selectors.change_agents_for(user=user, unit=unit, period=period),
        "complaints": complaints,
        "complaint_status": status,
        "complaint_summary": selectors.complaint_summary(unit=unit),
        "innovations": selectors.innovations_for(user=user, unit=unit),
        "whistle_counts": integrity_selectors.whistle_counts(unit=unit),
        "lke_rows": [
            (code, {**data, "labelled": labelled_inputs(period.template, code, data.get("inputs") or {})})
            for code, data in selectors.lke_inputs_for(unit, period).items()
        ],
        "can_manage": may(user, Action.PROGRAMME_MANAGE, unit),
        "can_handle_integrity": may(user, Action.INTEGRITY_HANDLE, unit),
        "public_complaint_url": absolute_url(reverse("programme:complaint_public", args=[unit.pk])),
        "public_whistle_url": absolute_url(reverse("integrity:whistle_public", args=[unit.pk])),
    }
    if request.htmx and request.GET.get("fragment") == "complaints":  # type: ignore[attr-defined]  # django-htmx middleware
        return render(request, "programme/partials/complaint_rows.html", context)
    return render(request, "programme/unit_overview.html", context)
