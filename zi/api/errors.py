"""Answers for failures of the platform's own dependencies, for pages and the API alike.

``handler500`` (zi/config/urls.py) answers **503** with ``Retry-After`` when the database or the file storage
is unavailable (a connection dropped, a failover, a full disk, object storage down) and 500 otherwise, as JSON
under ``/api/`` (or when JSON is asked for) and as a small page elsewhere. Neither shows a stack trace, and
neither touches the database (it may be the thing that is down): the page is rendered without the request's
context processors. The exception itself is logged by Django as usual.
"""

from __future__ import annotations

import sys

from botocore.exceptions import BotoCoreError, ClientError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

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
