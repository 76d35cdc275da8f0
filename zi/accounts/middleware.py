"""Second factor: a user with a TOTP device must verify it after the password; admins and evaluators of an
agency that requires it must set one up before they can do anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from zi.accounts.second_factor import has_device, second_factor_required

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/akun/", "/healthz", "/s/")


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            if not user.is_verified():
                if has_device(user):
                    return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
                if second_factor_required(user):
                    return redirect(reverse("accounts:otp_setup"))
        return self.get_response(request)
