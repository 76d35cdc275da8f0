"""An uploaded file kept on the server between "check" and "import", so that nobody has to choose it twice.

After a successful check the page keeps the file in the default storage (``imports/kept/<random>``) and remembers it
in the person's session under a random token; the page carries only that token (a hidden field). The import then
reads the file back with the token. Because the session holds the token → file mapping, a token copied from another
person's page finds nothing. A kept file expires after :data:`MAX_AGE` seconds; expired files (including those of
sessions that ended) are removed whenever another file is kept. Files larger than the import limit are never kept.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "zi_kept_uploads"
FOLDER = "imports/kept"
MAX_AGE = 3600  # a checked file waits an hour for its import
MAX_KEPT = 5  # per session: the oldest is dropped beyond this
GONE = _("Berkas yang sudah diperiksa tidak ditemukan lagi (lebih dari satu jam?). Pilih berkasnya lagi.")


def _entries(request: Any) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(SESSION_KEY, {}))


def _save(request: Any, entries: dict[str, dict[str, Any]]) -> None:
    request.session[SESSION_KEY] = entries


def keep(request: Any, data: bytes, name: str, *, purpose: str) -> str:
    """Keep ``data`` for this session and ``purpose``; return the token the page carries. Raises ``ValueError``
    for a file larger than ``ZI_IMPORT_MAX_BYTES``."""
    if len(data) > int(settings.ZI_IMPORT_MAX_BYTES):
        raise ValueError("file larger than ZI_IMPORT_MAX_BYTES")
    purge_expired()
    token = secrets.token_urlsafe(24)
    path = default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}", ContentFile(data))
    entries = {key: value for key, value in _entries(request).items() if not _expired(value)}
    entries[token] = {"path": path, "name": name[:200], "purpose": purpose, "at": time.time()}
    for old in sorted(entries, key=lambda key: entries[key]["at"])[:-MAX_KEPT]:
        default_storage.delete(entries.pop(old)["path"])
    _save(request, entries)
    return token


def take(request: Any, token: str, *, purpose: str) -> tuple[str, bytes] | None:
    """The kept file's name and content, or ``None`` when the token is unknown to this session, expired, kept for
    another purpose or its file is gone."""
    entry = _entries(request).get(token or "")
    if entry is None or entry.get("purpose") != purpose or _expired(entry):
        return None
    if not default_storage.exists(entry["path"]):
        return None
    with default_storage.open(entry["path"], "rb") as handle:
        return entry["name"], handle.read()


def drop(request: Any, token: str) -> None:
    """Forget a kept file (after its import) and delete it."""
    entries = _entries(request)
    entry = entries.pop(token or "", None)
    if entry is not None:
        default_storage.delete(entry["path"])
        _save(request, entries)


def _expired(entry: dict[str, Any]) -> bool:
    return time.time() - float(entry.get("at", 0)) > MAX_AGE


def purge_expired() -> int:
    """Delete kept files older than :data:`MAX_AGE` whatever session they belonged to; return how many."""
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    limit = timezone.now().timestamp() - MAX_AGE
    removed = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path).timestamp() < limit:
            default_storage.delete(path)
            removed += 1
    return removed
