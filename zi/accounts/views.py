from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from zi.accounts import oidc
from zi.accounts.forms import LoginForm, TokenForm
from zi.accounts.second_factor import pending_device, qr_svg
from zi.core import audit
from zi.core.clients import client_address

ADDRESS_WINDOW_SECONDS = 15 * 60
ADDRESS_LIMITED = gettext_lazy("Terlalu banyak percobaan masuk yang gagal dari jaringan Anda. Coba lagi nanti.")


def _address_key(request: HttpRequest) -> str:
    """A cache key per client address; the address itself is kept only as a keyed hash."""
    address = client_address(request) or "unknown"
    digest = hmac.new(f"zi.accounts.login:{settings.SECRET_KEY}".encode(), address.encode(), hashlib.sha256)
    return f"zi:accounts:login-failures:{digest.hexdigest()[:32]}"


def _address_failures(request: HttpRequest) -> int:
    return int(cache.get(_address_key(request), 0))


def _count_address_failure(request: HttpRequest) -> None:
    key = _address_key(request)
    if not cache.add(key, 1, timeout=ADDRESS_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=ADDRESS_WINDOW_SECONDS)


class LoginView(auth_views.LoginView):
    """The login form. Two limits: django-axes locks a *username* after ``ZI_LOGIN_FAILURE_LIMIT`` failures
    (guessing one person's password), and ``ZI_LOGIN_ADDRESS_FAILURE_LIMIT`` failed logins from one *address* in
    15 minutes refuse further attempts from it (trying one password on many usernames). The address limit is high
    because whole offices share one NAT address."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _address_failures(request) >= settings.ZI_LOGIN_ADDRESS_FAILURE_LIMIT:
            # Refused before the credentials are looked at: nothing is checked, nothing counts against a username.
            context = self.get_context_data(form=self.form_class(request), limited=ADDRESS_LIMITED)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        _count_address_failure(self.request)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = oidc.enabled()
        context["sso_provider"] = settings.ZI_OIDC_PROVIDER_NAME
        return context


class LogoutView(auth_views.LogoutView):
    """Local logout; after an SSO login also at the identity provider (RP-initiated logout), so the next person
    at a shared office computer is not signed straight back in by the provider's still-open session."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        id_token = request.session.get(oidc.ID_TOKEN_SESSION_KEY, "")
        response = super().post(request, *args, **kwargs)  # flushes the session, the ID token with it
        back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
        at_provider = oidc.provider_logout_url(id_token, back)
        return redirect(at_provider) if at_provider else response


class SsoStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider (state, nonce and PKCE kept in the session)."""

    get_settings = staticmethod(oidc.setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            raise Http404
        if not self.OIDC_OP_AUTH_ENDPOINT:
            messages.error(request, _("Penyedia identitas (SSO) tidak dapat dihubungi. Coba lagi nanti."))
            return redirect("accounts:login")
        return super().get(request)


SSO_FAILURES = {
    oidc.FAILURE_UNKNOWN_USER: gettext_lazy(
        "Akun SSO Anda belum terhubung dengan pengguna mana pun di aplikasi ini. Hubungi admin instansi Anda."
    ),
    oidc.FAILURE_PROVIDER: gettext_lazy("Penyedia identitas (SSO) tidak dapat dihubungi. Coba lagi nanti."),
    oidc.FAILURE_TOKEN: gettext_lazy("Jawaban penyedia identitas (SSO) tidak sah; Anda tidak dimasukkan."),
}


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: the backend checks the token and finds the person; failures say why."""

    get_settings = staticmethod(oidc.setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            raise Http404
        return super().get(request)

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "zi_sso_failure", "")
        messages.error(
            self.request, SSO_FAILURES.get(reason, _("Masuk dengan SSO gagal atau dibatalkan. Silakan coba lagi."))
        )
        return redirect("accounts:login")


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("Kode tidak cocok atau sudah kedaluwarsa."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(request.user, "second_factor_enabled", request.user)  # type: ignore[arg-type]  # login_required: an authenticated user
            messages.success(request, _("Verifikasi dua langkah aktif."))
            return redirect("core:home")
        form.add_error("token", _("Kode tidak cocok. Periksa jam ponsel Anda dan coba lagi."))
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg(device), "secret": base64.b32encode(device.bin_key).decode()},
    )
