"""Innovation pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.programme import forms, selectors, services
from zi.programme.models import Complaint, Innovation, PublicService
from zi.programme.views.common import (
    _attach_context,
    _form_page,
    _managed_record,
    _managed_unit,
    _readable_record,
    _readable_unit,
)


@login_required
def innovation_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _readable_unit(request, pk)
    subtree = request.GET.get("subtree") == "1"
    innovations = selectors.innovations_for(user=request.user, unit=unit, subtree=subtree)
    return render(
        request,
        "programme/innovation_list.html",
        {
            "unit": unit,
            "innovations": innovations,
            "subtree": subtree,
            "can_manage": may(request.user, Action.PROGRAMME_MANAGE, unit),
        },
    )


def _innovation_form(request: HttpRequest, unit: Unit, initial: dict[str, Any]) -> forms.InnovationForm:
    return forms.InnovationForm(
        request.POST or None,
        complaints=Complaint.objects.filter(unit=unit).order_by("-received_at")[:200],
        findings=selectors.survey_findings_for(unit),
        public_services=PublicService.objects.filter(unit=unit, is_active=True).order_by("name"),
        initial=initial,
    )


@login_required
def innovation_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = _innovation_form(request, unit, {"complaint": request.GET.get("pengaduan")})
    return _form_page(
        request,
        form,
        write=lambda data: services.innovation_create(actor=request.user, unit=unit, **data),
        done=_("Inovasi dicatat."),
        next_url=lambda innovation: innovation.get_absolute_url(),
        unit=unit,
        title=_("Catat inovasi"),
        intro=form.need_help,
    )


@login_required
def innovation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _managed_record(request, Innovation, pk)
    form = _innovation_form(request, innovation.unit, forms.innovation_initial(innovation))
    return _form_page(
        request,
        form,
        write=lambda data: services.innovation_update(actor=request.user, innovation=innovation, **data),
        done=_("Inovasi diperbarui."),
        next_url=lambda saved: saved.get_absolute_url(),
        unit=innovation.unit,
        title=_("Ubah inovasi"),
        intro=form.need_help,
    )


@login_required
def innovation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _readable_record(request, Innovation, pk)
    context = {
        "unit": innovation.unit,
        "innovation": innovation,
        "survey": selectors.survey_finding_of(innovation),
        "services": innovation.services.all(),
        "can_manage": may(request.user, Action.PROGRAMME_MANAGE, innovation.unit),
        **_attach_context(request, innovation, "innovation"),
    }
    return render(request, "programme/innovation_detail.html", context)
