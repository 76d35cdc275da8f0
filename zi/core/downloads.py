"""The one way a page hands over a file: bytes, an open file or a stream, under a name, as a download.

The content type follows the name's ending (:data:`CONTENT_TYPES`), the ``Content-Disposition`` header is Django's
(``content_disposition_header``: a name with quotes or non-ASCII letters — a unit code, a campaign title — is
encoded, never pasted into the header), and the browser is told not to guess another type (``nosniff``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import IO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": XLSX,
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".json": "application/json; charset=utf-8",
}


def content_type_for(filename: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(filename).suffix.lower(), "application/octet-stream")


def _named(response: HttpResponse | StreamingHttpResponse | FileResponse, filename: str) -> None:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"


def attachment(content: bytes | str, filename: str) -> HttpResponse:
    """``content`` (made in memory: a PDF, a workbook, a CSV) as a download named ``filename``."""
    response = HttpResponse(content, content_type=content_type_for(filename))
    _named(response, filename)
    return response


def streamed_attachment(chunks: Iterable[bytes | str], filename: str) -> StreamingHttpResponse:
    """A download written while it is sent (a CSV of every response of a campaign, a national table)."""
    response = StreamingHttpResponse(chunks, content_type=content_type_for(filename))
    _named(response, filename)
    return response


def file_attachment(handle: IO[bytes], filename: str) -> FileResponse:
    """An open file (a workbook saved to a temporary file) as a download; the response closes it."""
    response = FileResponse(handle, content_type=content_type_for(filename))
    _named(response, filename)
    return response
