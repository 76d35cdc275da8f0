"""A page rendered once per process and served again with only its CSRF token filled in: for pages on a hot path
whose content is fixed by a few values (the survey's thank-you page after every public submission), where the
template work would otherwise be a large share of the request (issue #24: survey intake).

The caller names everything the page shows in ``key`` (the content is addressed by it, so nothing needs
invalidating: a changed value is a new key); the language and the request's path are added here. The CSRF token
(the language switch's form) is the one per-request part: the page is rendered with a placeholder and the request's
own masked token is put in its place, so the CSRF cookie is set exactly as by a normal render.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

MAX_PAGES = 512  # per process; beyond it the cache starts again (keys include request paths, which visitors choose)
_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"  # never a real token (those are 64 letters and digits)
_PAGES: dict[tuple[Hashable, ...], str] = {}


def cached_page(
    request: HttpRequest, template: str, context: Mapping[str, Any], key: tuple[Hashable, ...], status: int = 200
) -> HttpResponse:
    """``render(request, template, context, status=status)``, rendered once per ``key`` (plus the active language
    and the request's full path) in this process."""
    full_key = (template, translation.get_language(), request.get_full_path(), *key)
    html = _PAGES.get(full_key)
    if html is None:
        html = render_to_string(template, {**context, "csrf_token": _PLACEHOLDER}, request)
        if len(_PAGES) >= MAX_PAGES:
            _PAGES.clear()
        _PAGES[full_key] = html
    return HttpResponse(html.replace(_PLACEHOLDER, get_token(request)), status=status)
