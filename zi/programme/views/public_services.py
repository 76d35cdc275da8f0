"""The register of public services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zi.core.feedback import form_attempt
from zi.organisations.access import Action, may
from zi.programme import forms, selectors, services
from zi.programme.models import PublicService
from zi.programme.views.common import _form_page, _managed_record, _readable_unit


@login_required
def service_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _readable_unit(request, pk)
    can_manage = may(request.user, Action.PROGRAMME_MANAGE, unit)
    form = forms.PublicServiceForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            service = form_attempt(
                form, lambda: services.service_create(actor=request.user, unit=unit, **form.cleaned_data)
            )
            if service is not None:
                messages.success(request, _("Layanan didaftarkan."))
                return redirect("programme:service_list", pk=unit.pk)
    period = selectors.current_period(request.GET.get("periode"))
    return render(
        request,
        "programme/service_list.html",
        {
            "unit": unit,
            "services": selectors.services_for(user=request.user, unit=unit),
            "form": form if can_manage else None,
            "can_manage": can_manage,
            "lke": selectors.lke_inputs_for(unit, period)["A.II.6.i.b"] if period else None,
            "period": period,
        },
    )


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_record(request, PublicService, pk)
    initial = forms.record_initial(service, forms.PublicServiceForm)
    return _form_page(
        request,
        forms.PublicServiceForm(request.POST or None, initial=initial),
        write=lambda data: services.service_update(actor=request.user, service=service, **data),
        done=_("Layanan diperbarui."),
        next_url=lambda saved: reverse("programme:service_list", args=[service.unit_id]),
        unit=service.unit,
        title=_("Ubah layanan"),
    )
