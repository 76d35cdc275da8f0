"""Anonymous-respondent integrity: keyed hashes, signed device cookies and form stamps, rate counters, flags.

Nothing here stores a raw IP address, device token or one-time code: only HMACs keyed with SECRET_KEY
(``django.utils.crypto.salted_hmac``), scoped to the campaign so hashes cannot be joined across campaigns.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from zi.core.clients import client_address

DEVICE_COOKIE = "zi_survei"
DEVICE_SALT = "zi.surveys.device"
STAMP_SALT = "zi.surveys.form-stamp"


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# Tunables (override in settings): minimum seconds to fill the form, stamp lifetime, rate windows.
def min_fill_seconds() -> int:
    return setting("ZI_SURVEY_MIN_FILL_SECONDS", 5)


def stamp_max_age() -> int:
    return setting("ZI_SURVEY_STAMP_MAX_AGE", 6 * 3600)


def keyed_hash(purpose: str, campaign_id: int, value: str) -> str:
    return salted_hmac(f"zi.surveys.{purpose}", f"{campaign_id}:{value}", algorithm="sha256").hexdigest()


def client_ip(request: HttpRequest) -> str:
    """The client's address as every other limit sees it (trusted proxies only: :mod:`zi.core.clients`)."""
    return client_address(request)


# --- device cookie ---------------------------------------------------------------------------------------


def new_device_cookie() -> str:
    return signing.dumps(secrets.token_urlsafe(16), salt=DEVICE_SALT)


def device_token(request: HttpRequest) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        return signing.loads(raw, salt=DEVICE_SALT)
    except signing.BadSignature:
        return None


# --- signed form stamp -----------------------------------------------------------------------------------


def make_stamp(campaign_id: int, now: float | None = None) -> str:
    return signing.dumps(
        {"c": campaign_id, "t": int(now if now is not None else time.time()), "n": secrets.token_urlsafe(12)},
        salt=STAMP_SALT,
    )


class StampError(Exception):
    pass


@dataclass(frozen=True)
class Stamp:
    campaign_id: int
    issued: int
    nonce: str


def read_stamp(value: str, campaign_id: int) -> Stamp:
    try:
        data = signing.loads(value, salt=STAMP_SALT, max_age=stamp_max_age())
    except signing.SignatureExpired as exc:
        raise StampError(_("Formulir sudah kedaluwarsa. Silakan isi ulang.")) from exc
    except signing.BadSignature as exc:
        raise StampError(_("Formulir tidak sah. Silakan muat ulang halaman survei.")) from exc
    if not isinstance(data, dict) or data.get("c") != campaign_id or not data.get("n"):
        raise StampError(_("Formulir tidak sah. Silakan muat ulang halaman survei."))
    if time.time() - int(data.get("t", 0)) > stamp_max_age():
        raise StampError(_("Formulir sudah kedaluwarsa. Silakan isi ulang."))
    return Stamp(campaign_id, int(data["t"]), str(data["n"])[:32])


# --- networks --------------------------------------------------------------------------------------------


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """CIDRs, one per line (or comma separated); raises ValueError naming the bad entry."""
    networks = []
    for part in text.replace(",", "\n").splitlines():
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ValueError(_("CIDR tidak valid: %(cidr)s") % {"cidr": part}) from exc
    return networks


def in_networks(ip: str, text: str) -> bool:
    if not ip or not text:
        return False
    try:
        address = ipaddress.ip_address(ip)
        return any(address in net for net in parse_networks(text))
    except ValueError:
        return False


# --- rate counters ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimits:
    window: int  # seconds
    flag_at: int  # responses in the window from one key that get flagged
    reject_at: int  # hard flood: more than this are refused


def ip_limits() -> RateLimits:
    return RateLimits(
        window=setting("ZI_SURVEY_RATE_WINDOW", 600),
        flag_at=setting("ZI_SURVEY_IP_FLAG_AT", 5),
        reject_at=setting("ZI_SURVEY_IP_REJECT_AT", 120),
    )


def device_limits() -> RateLimits:
    # Kiosk tablets: one respondent every ~minute is normal; ten in a window is a burst.
    return RateLimits(
        window=setting("ZI_SURVEY_RATE_WINDOW", 600),
        flag_at=setting("ZI_SURVEY_DEVICE_FLAG_AT", 10),
        reject_at=setting("ZI_SURVEY_DEVICE_REJECT_AT", 0),  # 0 = never reject on device count
    )


def _bucket(window: int, now: float) -> int:
    return int(now // window)


def peek(kind: str, campaign_id: int, key_hash: str, limits: RateLimits, now: float | None = None) -> int:
    """Submissions already counted for this key in the current window."""
    now = now if now is not None else time.time()
    return int(cache.get(f"zi:sv:{kind}:{campaign_id}:{key_hash}:{_bucket(limits.window, now)}", 0))


def hit(kind: str, campaign_id: int, key_hash: str, limits: RateLimits, now: float | None = None) -> int:
    now = now if now is not None else time.time()
    key = f"zi:sv:{kind}:{campaign_id}:{key_hash}:{_bucket(limits.window, now)}"
    if cache.add(key, 1, timeout=limits.window * 2):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=limits.window * 2)
        return 1


def _key(kind: str, campaign_id: int, key_hash: str, limits: RateLimits, now: float) -> str:
    return f"zi:sv:{kind}:{campaign_id}:{key_hash}:{_bucket(limits.window, now)}"


@dataclass(frozen=True)
class Counter:
    """One rate counter of a submission: what ``peek``/``hit`` take, for the batched :func:`peek_many` and
    :func:`hit_many` (one shared-cache round trip each instead of one per counter)."""

    kind: str
    campaign_id: int
    key_hash: str
    limits: RateLimits


def peek_many(counters: Iterable[Counter], now: float | None = None) -> list[int]:
    """:func:`peek` of several counters with one ``get_many``."""
    now = now if now is not None else time.time()
    keys = [_key(c.kind, c.campaign_id, c.key_hash, c.limits, now) for c in counters]
    found = cache.get_many(keys) if keys else {}
    return [int(found.get(key, 0)) for key in keys]


def hit_many(counters: Iterable[Counter], now: float | None = None) -> None:
    """:func:`hit` of several counters. With the Redis cache one pipelined round trip (``SET key 0 EX window·2 NX``
    then ``INCR`` per counter: the same value and expiry as ``hit``); with any other cache one ``hit`` each."""
    now = now if now is not None else time.time()
    counters = list(counters)
    client = _redis_client()
    if client is None:
        for c in counters:
            hit(c.kind, c.campaign_id, c.key_hash, c.limits, now)
        return
    pipe = client.pipeline(transaction=False)
    for c in counters:
        key = cache.make_and_validate_key(_key(c.kind, c.campaign_id, c.key_hash, c.limits, now))
        pipe.set(key, 0, ex=c.limits.window * 2, nx=True)
        pipe.incr(key)
    pipe.execute()


def _redis_client() -> Any:
    """The ``redis.Redis`` client of the default cache when it is Django's Redis backend, else None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    # Django's Redis serializer stores integers as plain numbers, so INCR'd values read back through the cache API.
    return backend._cache.get_client(None, write=True)


# --- statistical stuffing: identical answer patterns -------------------------------------------------------


@dataclass(frozen=True)
class PatternLimits:
    window: int  # seconds looked back from a new response
    pattern_flag_at: int  # identical full answer vectors in one campaign within the window (0 = off)
    min_items: int  # shorter answer vectors are not compared (short questionnaires collide naturally)
    straightline_flag_at: int  # straight-lined responses from one network within the window (0 = off)
    near_flag_at: int = 5  # near-identical vectors from one network within the window (0 = off)
    near_max_diff: int = 1  # positions in which two vectors may differ and still be "near-identical"


def pattern_limits(**overrides: int | None) -> PatternLimits:
    """The stuffing thresholds from the settings; ``overrides`` (an evaluator's re-scan) replace single values."""
    limits = PatternLimits(
        window=setting("ZI_SURVEY_PATTERN_WINDOW", 1800),
        pattern_flag_at=setting("ZI_SURVEY_PATTERN_FLAG_AT", 8),
        min_items=setting("ZI_SURVEY_PATTERN_MIN_ITEMS", 6),
        straightline_flag_at=setting("ZI_SURVEY_STRAIGHTLINE_FLAG_AT", 5),
        near_flag_at=setting("ZI_SURVEY_NEAR_FLAG_AT", 5),
        near_max_diff=setting("ZI_SURVEY_NEAR_MAX_DIFF", 1),
    )
    values = {key: int(value) for key, value in overrides.items() if value is not None}
    return PatternLimits(**{**limits.__dict__, **values})


def cluster_lookback() -> int:
    """How many recent responses (per fingerprint, per network) a submit's stuffing checks look at, at most."""
    return setting("ZI_SURVEY_CLUSTER_LOOKBACK", 100)


def answer_vector(answers: dict[int, int], item_ids: Iterable[int]) -> str:
    """The answers over all the campaign's items in item-id order, one character each ("0"–"4"; "-" for a blank), so
    the vectors of one campaign line up position by position."""
    return "".join(
        str(answers[item_id]) if item_id in answers and 0 <= answers[item_id] <= 9 else "-"
        for item_id in sorted(item_ids)
    )[:255]


def near_identical(a: str, b: str, max_diff: int) -> bool:
    """Same length and at most ``max_diff`` positions differ (Hamming distance)."""
    if len(a) != len(b) or not a:
        return False
    diff = 0
    for x, y in zip(a, b, strict=True):
        if x != y:
            diff += 1
            if diff > max_diff:
                return False
    return True


def answer_pattern(answers: dict[int, int], likert_ids: set[int], min_items: int) -> tuple[str, bool]:
    """Fingerprint of a full answer vector (item ids and values; 16 hex characters) and whether every 1–4 answer
    is the same value ("straight-lining"). Vectors with fewer than ``min_items`` answers get no fingerprint."""
    likert = [value for item_id, value in answers.items() if item_id in likert_ids]
    straight = len(likert) >= 2 and len(set(likert)) == 1
    if len(answers) < max(min_items, 1):
        return "", straight
    text = ",".join(f"{item_id}:{answers[item_id]}" for item_id in sorted(answers))
    return hashlib.sha256(text.encode()).hexdigest()[:16], straight
