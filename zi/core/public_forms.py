"""The one shape of a form the public sends without logging in (a complaint, a whistle-blowing report): a
per-address rate limit, a honeypot field, the service's refusal as form errors, and the tracking code handed on
to the page that shows it once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zi.core import tracking
from zi.core.feedback import form_attempt

HONEYPOT = "website"  # a field people never see; a bot that fills it is answered like a success


def public_submit(
    request: HttpRequest,
    *,
    form_class: type,
    submit: Callable[..., tuple[Any, str]],
    template: str,
    sent: str,
    **context: Any,
) -> HttpResponse:
    """Show ``form_class``; a valid POST within the rate limit runs ``submit(**cleaned_data)`` (a service returning
    the record and its tracking code) and redirects to ``sent`` (a URL name), where the code is shown once."""
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not tracking.hit(request, "submit"):
            form.is_valid()
            form.add_error(None, _("Terlalu banyak kiriman dari jaringan Anda. Silakan coba lagi nanti."))
            status = 429
        elif request.POST.get(HONEYPOT):
            return redirect(sent)  # store nothing
        elif form.is_valid():
            data = {key: value for key, value in form.cleaned_data.items() if key != HONEYPOT}
            result = form_attempt(form, lambda: submit(**data))
            if result is not None:
                tracking.show_code(request, result[1])
                return redirect(sent)
    return render(request, template, {"form": form, **context}, status=status)
