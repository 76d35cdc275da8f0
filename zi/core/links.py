"""Absolute links that work from anywhere: one configured site address (``settings.ZI_SITE_URL``).

Links that leave the page — stored as evidence, sent by e-mail, printed on posters, handed to PortalRB — must not
depend on the Host header of whoever triggered them (a proxy, ``localhost`` in a background task), so every one
is built here.
"""

from __future__ import annotations

from django.conf import settings


def site_url() -> str:
    """The configured public address without a trailing slash ("" when none is configured)."""
    return (getattr(settings, "ZI_SITE_URL", "") or "").rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (e.g. from ``reverse`` or ``get_absolute_url``) on the configured site address; an already
    absolute URL is returned unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{site_url()}/{path.lstrip('/')}"
