"""The one answer for a stored upload's bytes (evidence revisions, monitoring reports): never sniffed, never
cached, and a 404 — not a server error — when the file is gone from the store (e.g. a database restored without
its files)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file_response(
    file: FieldFile, *, filename: str, content_type: str, as_attachment: bool, cache_seconds: int = 0
) -> FileResponse:
    """``file``'s bytes under ``filename``; callers add headers of their own (e.g. a sandboxing CSP). Kept by the
    reader's browser only for ``cache_seconds`` (none by default), never by a shared cache."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"private, max-age={cache_seconds}" if cache_seconds else "private, max-age=0, no-store"
    return response
