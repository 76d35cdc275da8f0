from __future__ import annotations

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = oidc.enabled()
        context["sso_provider"] = settings.ZI_OIDC_PROVIDER_NAME
        return context


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
            audit.record(request.user, "second_factor_enabled", request.user)
            messages.success(request, _("Verifikasi dua langkah aktif."))
            return redirect("core:home")
        form.add_error("token", _("Kode tidak cocok. Periksa jam ponsel Anda dan coba lagi."))
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg(device), "secret": base64.b32encode(device.bin_key).decode()},
    )
