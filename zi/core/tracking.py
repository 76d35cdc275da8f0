"""Public tracking codes and the per-address rate limits of the public pages (complaints, whistle-blowing).

A tracking code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown grouped as
``ABCD-EFGH-JKMN`` (31^12 ≈ 7.9·10^17 possibilities). Only a keyed hash (HMAC-SHA256 with the secret key) is
stored, so the code cannot be read back from the database and lookups are by exact hash match.

Rate limits count per hashed client address (:func:`zi.core.clients.client_address`, which reads
``X-Forwarded-For`` only from the trusted proxies in ``ZI_TRUSTED_PROXIES``; the raw address is never stored) in
Django's cache.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.http import HttpRequest

from zi.core.clients import client_address

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12

# (max attempts, window seconds). Override with settings.ZI_PROGRAMME_RATE_LIMITS = {"submit": (5, 3600), ...}.
DEFAULT_RATE_LIMITS = {
    "submit": (5, 3600),  # public complaint / whistle-blowing submissions per address per hour
    "track": (10, 900),  # tracking-code lookups per address per 15 minutes
}


# The session key under which a public form hands the new tracking code to the page that shows it once.
SESSION_CODE_KEY = "zi_programme_new_code"


def show_code(request: HttpRequest, code: str) -> None:
    """Keep the new code for the next page, which shows it once (:func:`pop_shown_code`)."""
    request.session[SESSION_CODE_KEY] = format_code(code)


def pop_shown_code(request: HttpRequest) -> str | None:
    code: str | None = request.session.pop(SESSION_CODE_KEY, None)
    return code


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(raw: str) -> str:
    """Upper-case, without separators/spaces; look-alikes mapped (O→0 is not in the alphabet, so it stays invalid)."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:64]


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def hash_code(code: str) -> str:
    # The key's prefix is part of every stored hash: it keeps its first home's name so stored codes still match.
    key = f"zi.programme.tracking:{settings.SECRET_KEY}".encode()
    return hmac.new(key, normalize_code(code).encode(), hashlib.sha256).hexdigest()


def new_tracking(model: type[models.Model]) -> tuple[str, str]:
    """A fresh code and its hash, unique among ``model``'s ``tracking_hash`` values (complaints, whistle-blowing)."""
    for _attempt in range(5):
        code = new_code()
        digest = hash_code(code)
        if not model._default_manager.filter(tracking_hash=digest).exists():
            return code, digest
    raise RuntimeError("could not draw a unique tracking code")  # pragma: no cover - 31^12 codes


def client_key(request: HttpRequest) -> str:
    address = client_address(request) or "unknown"
    key = f"zi.programme.ip:{settings.SECRET_KEY}".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def _limits(bucket: str) -> tuple[int, int]:
    configured = getattr(settings, "ZI_PROGRAMME_RATE_LIMITS", {}) or {}
    return tuple(configured.get(bucket, DEFAULT_RATE_LIMITS[bucket]))  # type: ignore[return-value]


def hit(request: HttpRequest, bucket: str) -> bool:
    """Count one attempt; False when the address is over the limit for ``bucket`` (the attempt is refused)."""
    limit, window = _limits(bucket)
    key = f"zi:programme:rl:{bucket}:{client_key(request)}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
