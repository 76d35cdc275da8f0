"""The site's own answers for requests refused before any view ran: too large (413) or unreadable (400).

Django refuses a body above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (or with too many fields or files) when the form data
is first read — usually by the CSRF check, before the view — and answers through ``handler400``; left alone that
is a bare English "Bad Request (400)". :func:`bad_request` answers with a small Indonesian page instead: 413 for a
body that is too large, 400 otherwise. :func:`refuse_invalid_text` gives the public forms the same 400 page for
text that is not valid UTF-8 (Django would decode it with replacement characters and store those). Neither
touches the database and nothing is stored. Under ``/api/`` (or when JSON is asked for) the answer is JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
REPLACEMENT_CHARACTER = "\ufffd"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def refused(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if _wants_json(request):
        code = "too_large" if status == 413 else "bad_request"
        return JsonResponse({"detail": message, "code": code}, status=status)
    html = render_to_string("errors/request_refused.html", {"status": status, "title": title, "message": message})
    return HttpResponse(html, status=status)


def too_large(request: HttpRequest) -> HttpResponse:
    return refused(
        request,
        413,
        _("Kiriman terlalu besar"),
        _("Data yang Anda kirim melebihi batas ukuran yang diterima. Persingkat isian Anda lalu kirim ulang."),
    )


def invalid_text(request: HttpRequest) -> HttpResponse:
    return refused(
        request,
        400,
        _("Teks tidak dapat dibaca"),
        _("Teks yang Anda kirim mengandung karakter yang tidak sah (bukan UTF-8). Ketik ulang isian Anda."),
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: 413 for a body over the limits, the site's 400 page for any other refused request."""
    if isinstance(exception, TOO_LARGE):
        return too_large(request)
    return refused(
        request,
        400,
        _("Permintaan tidak dapat diproses"),
        _("Permintaan Anda tidak dapat diproses karena isinya tidak sah. Muat ulang halaman lalu coba lagi."),
    )


def has_invalid_text(request: HttpRequest) -> bool:
    """True when a submitted field name or value (or upload file name) was not valid UTF-8: Django decodes form
    data with replacement characters, and a person typing never sends U+FFFD."""
    if request.content_type == "application/x-www-form-urlencoded" and (request.encoding or "utf-8").lower() in (
        "utf-8",
        "utf8",
    ):
        # Django falls back to Latin-1 for raw bytes that are not UTF-8 (no replacement character to see): decode
        # the body strictly, percent-escapes included. Separators do not change whether the bytes are UTF-8, so the
        # whole body is unescaped and decoded at once; names and values are all in it.
        try:
            text = unquote_to_bytes(request.body).decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            return True
        return REPLACEMENT_CHARACTER in text
    for key, values in request.POST.lists():
        if REPLACEMENT_CHARACTER in key or any(REPLACEMENT_CHARACTER in value for value in values):
            return True
    names = (getattr(upload, "name", "") or "" for upload in request.FILES.values())
    return any(REPLACEMENT_CHARACTER in name for name in names)


def refuse_invalid_text(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Public form views: a POST whose body is too large (413) or whose text is not UTF-8 (400) is refused with
    the site's own page before the view stores anything."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            try:
                invalid = has_invalid_text(request)
            except TOO_LARGE:
                return too_large(request)
            if invalid:
                return invalid_text(request)
        return view(request, *args, **kwargs)

    return wrapper
