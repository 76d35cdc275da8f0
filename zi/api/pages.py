"""Small HTML pages of the API app: personal tokens (``/api/token/``) and the vendored Swagger UI assets."""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path

import drf_spectacular_sidecar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zi.api import services
from zi.api.models import ApiToken
from zi.core.feedback import refusal

MAX_EXPIRY_DAYS = 366


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    """List own tokens and create one; the secret appears on this response only."""
    secret = ""
    status = 200
    if request.method == "POST":
        name = request.POST.get("name", "")
        days_raw = (request.POST.get("days") or "").strip()
        try:
            expires_at = None
            if days_raw:
                if not days_raw.isdigit() or not 1 <= int(days_raw) <= MAX_EXPIRY_DAYS:
                    raise ValidationError(_("Masa berlaku harus 1–366 hari."))
                expires_at = timezone.now() + dt.timedelta(days=int(days_raw))
            _token, secret = services.token_create(
                actor=request.user,
                user=request.user,  # type: ignore[arg-type]  # login_required: a User
                name=name,
                expires_at=expires_at,
            )
        except ValidationError as exc:
            messages.error(request, refusal(exc))
            status = 400
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created_at")  # type: ignore[misc]  # login_required: an authenticated user
    response = render(request, "api/token.html", {"tokens": tokens, "secret": secret}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token dicabut."))
    return redirect("api:token")


_SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}


def _swagger_dir() -> Path:
    return Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar" / "swagger-ui-dist"


@login_required
@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """Swagger UI's own files from the drf-spectacular-sidecar package: the docs work offline, no CDN."""
    if name not in _SWAGGER_FILES:
        raise Http404
    path = _swagger_dir() / name
    if not path.is_file():
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response
