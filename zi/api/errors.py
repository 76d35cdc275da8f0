"""Error answers: dependency failures for pages and the API alike, and JSON for every API error.

``handler500`` (zi/config/urls.py) answers **503** with ``Retry-After`` when the database or the file storage
is unavailable (a connection dropped, a failover, a full disk, object storage down) and 500 otherwise, as JSON
under ``/api/`` (or when JSON is asked for) and as a small page elsewhere. Neither shows a stack trace, and
neither touches the database (it may be the thing that is down): the page is rendered without the request's
context processors. The exception itself is logged by Django as usual.

:class:`JsonErrorsMiddleware` turns every other error answer under ``/api/`` that is not JSON yet (the resolver's
404 for an unknown path or a malformed id, Django's 405 and 400, a CSRF 403) into the documented body:
``{"detail", "code"}`` for the REST API, ``{"error": true, "code", "message"}`` under ``/api/portalrb/``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DATABASE_ERRORS = (OperationalError, InterfaceError)
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
RETRY_AFTER_SECONDS = 30


def unavailable_message(exc: BaseException | None) -> str | None:
    """The message for a dependency failure, or None when ``exc`` is not one."""
    if isinstance(exc, DATABASE_ERRORS):
        return _("Basis data sedang tidak dapat dihubungi. Perubahan terakhir Anda tidak disimpan; coba lagi sebentar.")
    if isinstance(exc, STORAGE_ERRORS):
        return _("Penyimpanan berkas sedang tidak tersedia. Berkas tidak disimpan; coba lagi sebentar.")
    return None


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    message = unavailable_message(exc)
    status = 503 if message else 500
    message = message or _("Terjadi kesalahan pada server. Kesalahan ini sudah dicatat; silakan coba lagi.")
    code = "unavailable" if status == 503 else "server_error"
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message, "code": code}, status=status)
    else:
        html = render_to_string("errors/server_error.html", {"status": status, "message": message})
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# Human pages that live under /api/ (token management, Swagger UI): they keep their HTML answers.
HTML_PREFIXES = ("/api/token/", "/api/docs/")
PORTALRB_PREFIX = "/api/portalrb/"
CLIENT_ERRORS = {
    400: ("bad_request", "BAD_REQUEST", gettext_lazy("Permintaan tidak valid.")),
    403: ("forbidden", "FORBIDDEN", gettext_lazy("Akses ditolak.")),
    404: ("not_found", "DATA_NOT_FOUND", gettext_lazy("Tidak ditemukan.")),
    405: ("method_not_allowed", "METHOD_NOT_ALLOWED", gettext_lazy("Metode ini tidak didukung di sini.")),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") and not request.path.startswith(HTML_PREFIXES)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().endswith("json")


def json_error(request: HttpRequest, status: int) -> JsonResponse:
    """The documented error body for ``status`` at ``request.path`` (REST API or PortalRB)."""
    code, portal_code, message = CLIENT_ERRORS.get(status, ("error", "ERROR", gettext_lazy("Permintaan gagal.")))
    if request.path.startswith(PORTALRB_PREFIX):
        body = {"error": True, "code": portal_code, "message": str(message)}
    else:
        body = {"detail": str(message), "code": code}
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class JsonErrorsMiddleware:
    """Every 4xx under ``/api/`` (but the human pages) answers JSON, whoever produced it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if 400 <= response.status_code < 500 and is_api(request) and not _is_json(response):
            replacement = json_error(request, response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response
