"""The public side (no login): submitting a complaint, and tracking a complaint or a whistle-blowing report by its
code (the whistle-blowing form is :func:`zi.integrity.views.whistle_public`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from zi.core import tracking
from zi.core.errors import refuse_invalid_text
from zi.core.public_forms import public_submit
from zi.organisations.selectors import public_unit
from zi.programme import forms, services


@never_cache
@refuse_invalid_text
def complaint_public(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = public_unit(unit_pk)
    if unit is None:
        raise Http404
    return public_submit(
        request,
        form_class=forms.ComplaintPublicForm,
        submit=lambda **data: services.complaint_submit_public(unit=unit, **data),
        template="programme/public_complaint.html",
        sent="programme:public_sent",
        unit=unit,
    )


@never_cache
def public_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "programme/public_sent.html", {"code": tracking.pop_shown_code(request)})


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
