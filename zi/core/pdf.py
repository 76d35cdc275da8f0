"""Every PDF the platform issues goes through :func:`render_pdf`: a Django template rendered to HTML, then to A4 by
WeasyPrint (docs/documents.md). No hand-written PDF operators, no text fallback.

Templates extend ``documents/base.html`` (A4, margins, page numbers "Halaman X dari Y", table headers repeated on
every page, long words wrapped, a ``landscape`` page for wide tables, the agency letterhead block). Fonts come from
Debian's ``fonts-dejavu-core`` (installed by ``scripts/_setup.sh``), which covers Indonesian text.

Resources: a document may embed images as ``data:`` URIs or reference ``/static/...`` files (served from the
staticfiles finders); any other URL (http, https, file) is refused, so rendering never reaches the network and a
user's text cannot make the renderer read local files.
"""

from __future__ import annotations

import base64
import mimetypes
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string


class RemoteResourceRefused(ValueError):
    """A document asked for a resource outside ``/static/`` or ``data:``."""


def _url_fetcher(url: str) -> dict[str, Any]:
    if url.startswith("data:"):
        header, _, payload = url.partition(",")
        mime = header[5:].split(";")[0] or "application/octet-stream"
        data = base64.b64decode(payload) if ";base64" in header else unquote(payload).encode()
        return {"string": data, "mime_type": mime}
    parsed = urlparse(url)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if parsed.path.startswith(static_prefix) and parsed.scheme in ("", "file", "zi"):
        found = finders.find(unquote(parsed.path[len(static_prefix) :]))
        if found:
            path = found if isinstance(found, str) else found[0]
            with open(path, "rb") as handle:
                return {"string": handle.read(), "mime_type": mimetypes.guess_type(path)[0]}
    raise RemoteResourceRefused(url)


def _fetcher() -> Any:
    """:func:`_url_fetcher` in the form a current WeasyPrint (70 in the venv) calls: a ``URLFetcher`` whose ``fetch``
    answers a ``URLFetcherResponse`` (a plain function returning a dict fails its assertion at the first image). A
    refused URL stops the rendering instead of leaving a hole in the document. An older WeasyPrint without
    ``URLFetcher`` takes the plain function."""
    try:
        # lazy: WeasyPrint (with its fonts) loads only when a PDF is made
        from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse
    except ImportError:
        return _url_fetcher

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            try:
                found = _url_fetcher(url)
            except RemoteResourceRefused as exc:
                raise FatalURLFetchingError(str(exc)) from exc
            return URLFetcherResponse(url, found["string"], {"Content-Type": found["mime_type"] or ""})

    return StaticOnly()


def html_to_pdf(html: str) -> bytes:
    """HTML (from a documents/ template) to PDF bytes."""
    # lazy: WeasyPrint (with its fonts) loads only when a PDF is made
    import weasyprint

    return weasyprint.HTML(string=html, base_url="zi:///", url_fetcher=_fetcher()).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Render ``template_name`` (extending ``documents/base.html``) with ``context`` to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def data_uri(content: bytes, mime_type: str) -> str:
    """``content`` as a ``data:`` URI for ``<img src>`` in a document (QR codes, uploaded logos)."""
    return f"data:{mime_type};base64,{base64.b64encode(content).decode('ascii')}"


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` (error correction M, a quiet zone of two modules; the page's white space around the
    image adds to it) as an SVG ``data:`` URI: vector squares that stay sharp at any print size."""
    # lazy: qrcode loads only when a document carries a QR code
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, border=2, error_correction=ERROR_CORRECT_M)
    return data_uri(image.to_string(encoding="unicode").encode("utf-8"), "image/svg+xml")
