"""Second factor: a user with a TOTP device must verify it after the password; admins and evaluators of an
agency that requires it must set one up before they can do anything else. Lives here, not in accounts,
because who must have one is decided by roles in the tree."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from zi.accounts.models import User
from zi.accounts.second_factor import has_device
from zi.organisations.models import Agency, RoleAssignment


def second_factor_required(user: User) -> bool:
    """Admins and evaluators whose agency turned the rule on (by agency or by a unit of it)."""
    roles = settings.ZI_SECOND_FACTOR_ROLES
    assignments = RoleAssignment.objects.filter(user=user, role__in=roles)
    agency_ids = set(assignments.filter(agency__isnull=False).values_list("agency_id", flat=True))
    agency_ids |= set(assignments.filter(unit__isnull=False).values_list("unit__agency_id", flat=True))
    return Agency.objects.filter(pk__in=agency_ids, require_second_factor=True).exists()


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
