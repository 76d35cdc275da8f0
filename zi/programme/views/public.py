"""The public side (no login): submitting a complaint or a whistle-blowing report and tracking it by its code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zi.core.errors import refuse_invalid_text
from zi.organisations.models import Unit
from zi.programme import forms, services, tracking
from zi.programme.views.common import SESSION_CODE_KEY, _save
from zi.programme.views.complaints import _show_code


def _public_unit(pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk, is_active=True).select_related("agency").first()
    if unit is None:
        raise Http404
    return unit


def _public_submit(
    request: HttpRequest, unit: Unit, form_class: type, submit: Callable[..., Any], template: str
) -> HttpResponse:
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not tracking.hit(request, "submit"):
            form.is_valid()
            form.add_error(None, _("Terlalu banyak kiriman dari jaringan Anda. Silakan coba lagi nanti."))
            status = 429
        elif request.POST.get("website"):
            # honeypot filled: answer like a success, store nothing
            return redirect("programme:public_sent")
        elif form.is_valid():
            data = {key: value for key, value in form.cleaned_data.items() if key != "website"}
            result = _save(form, lambda: submit(unit=unit, **data))
            if result is not None:
                _show_code(request, result[1])
                return redirect("programme:public_sent")
    return render(request, template, {"unit": unit, "form": form}, status=status)


@never_cache
@refuse_invalid_text
def complaint_public(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _public_unit(unit_pk)
    return _public_submit(
        request, unit, forms.ComplaintPublicForm, services.complaint_submit_public, "programme/public_complaint.html"
    )


@never_cache
@refuse_invalid_text
def whistle_public(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _public_unit(unit_pk)
    return _public_submit(
        request, unit, forms.WhistlePublicForm, services.whistle_submit_public, "programme/public_whistle.html"
    )


@never_cache
def public_sent(request: HttpRequest) -> HttpResponse:
    code = request.session.pop(SESSION_CODE_KEY, None)
    return render(request, "programme/public_sent.html", {"code": code})


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(request.POST or None)
    result = None
    not_found = False
    limited = False
    status = 200
    if request.method == "POST":
        if not tracking.hit(request, "track"):
            form = forms.TrackForm()
            limited = True
            status = 429
        elif form.is_valid():
            result = services.track(form.cleaned_data["code"])
            not_found = result is None
            form = forms.TrackForm()  # never echo the code back
        else:
            not_found = True
    return render(
        request,
        "programme/public_track.html",
        {"form": form, "result": result, "not_found": not_found, "limited": limited},
        status=status,
    )
