"""The three endpoints PortalRB pulls (Panduan Teknis API Integrasi ZI v1.0 §3, §5, §6).

Plain Django views, not DRF: the guide fixes the error body ``{"error": true, "code", "message"}`` for every
non-2xx answer, including 401/405/429/500, and the success body is served byte for byte as frozen in a
:class:`FetchSnapshot` (so its SHA-256 proves what PortalRB received).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from zi.core.clients import client_address
from zi.core.links import site_url
from zi.organisations.models import Unit
from zi.portalrb import selectors, services
from zi.portalrb.models import ApiToken

logger = logging.getLogger(__name__)

UNIT_ID = re.compile(r"\A[1-9][0-9]{0,17}\Z")  # positive 64-bit ids; \Z, not $ (which allows a trailing newline)
NOT_PROPOSED = "Data pengusulan untuk instansi ini belum tersedia"


def error(status: int, code: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": True, "code": code, "message": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


def rate_limit() -> tuple[int, int]:
    """(requests, seconds) per token — setting ``PORTALRB_RATE_LIMIT`` as ``"60/60"``; default 60 per minute."""
    raw = str(getattr(settings, "PORTALRB_RATE_LIMIT", "60/60"))
    count, _, seconds = raw.partition("/")
    return int(count), int(seconds or 60)


def _throttled(key: str) -> int | None:
    """Count one request in a fixed window; seconds to wait when over the limit, else None."""
    limit, window = rate_limit()
    bucket = int(time.time() // window)
    cache_key = f"portalrb:rl:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, int(window - time.time() % window))
    return None


def _client_ip(request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def portalrb_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only, bearer token, rate limit, and the guide's error body for anything that goes wrong."""

    @wraps(view)
    @csrf_exempt  # bearer tokens, no cookies: a POST must reach the 405 below, not Django's HTML CSRF page
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if request.method not in ("GET", "HEAD"):
                return error(405, "METHOD_NOT_ALLOWED", "Hanya metode GET yang didukung.", Allow="GET")
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            token = services.token_authenticate(secret.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                wait = _throttled(f"ip:{_client_ip(request)}:bad")
                if wait:
                    return error(429, "RATE_LIMITED", "Terlalu banyak permintaan.", Retry_After=str(wait))
                return error(
                    401,
                    "UNAUTHORIZED",
                    "Token tidak valid atau tidak dikirimkan.",
                    WWW_Authenticate='Bearer realm="zi"',
                )
            wait = _throttled(f"token:{token.pk}")
            if wait:
                return error(
                    429, "RATE_LIMITED", "Batas permintaan terlampaui; coba lagi nanti.", Retry_After=str(wait)
                )
            return view(request, token, *args, **kwargs)
        except Exception:  # the guide wants JSON for 500 too; the traceback goes to the log
            logger.exception("portalrb endpoint failed")
            return error(500, "INTERNAL_ERROR", "Terjadi kesalahan di sisi instansi.")

    return wrapper


def _serve(token: ApiToken, endpoint: str, payload: dict[str, Any], unit: Unit | None = None) -> HttpResponse:
    snap = services.snapshot_record(token=token, endpoint=endpoint, payload=payload, unit=unit)
    response = HttpResponse(snap.body.encode(), content_type="application/json; charset=utf-8")
    response["X-ZI-Snapshot-SHA256"] = snap.sha256
    response["Cache-Control"] = "no-store"
    return response


def _units(request: HttpRequest, token: ApiToken, categories: tuple[str, ...], endpoint: str) -> HttpResponse:
    if request.GET:
        return error(422, "VALIDATION_ERROR", "Endpoint ini tidak menerima parameter.")
    period = selectors.serving_period()
    if period is None:
        return error(404, "DATA_NOT_FOUND", f"{NOT_PROPOSED} (di luar periode pengusulan).")
    payload = selectors.unit_list_payload(agency=token.agency, period=period, categories=categories)
    return _serve(token, endpoint, payload)


@portalrb_endpoint
def unit_wbk(request: HttpRequest, token: ApiToken) -> HttpResponse:
    return _units(request, token, selectors.CATEGORIES_WBK, "unit-wbk")


@portalrb_endpoint
def unit_wbbm(request: HttpRequest, token: ApiToken) -> HttpResponse:
    return _units(request, token, selectors.CATEGORIES_WBBM, "unit-wbbm")


@portalrb_endpoint
def jawaban_unit(request: HttpRequest, token: ApiToken, unit_id: str) -> HttpResponse:
    if not UNIT_ID.match(unit_id) or int(unit_id) > 2**63 - 1:
        return error(422, "VALIDATION_ERROR", "unit_id tidak valid: gunakan id dari daftar unit yang diusulkan.")
    if request.GET:
        return error(422, "VALIDATION_ERROR", "Endpoint ini tidak menerima parameter.")
    unit = Unit.objects.filter(pk=int(unit_id)).first()
    if unit is None:
        return error(404, "DATA_NOT_FOUND", "Unit tidak ditemukan.")
    if unit.agency_id != token.agency_id:
        return error(403, "FORBIDDEN", "Token ini tidak berhak mengakses unit tersebut.")
    period = selectors.serving_period()
    if period is None:
        return error(404, "DATA_NOT_FOUND", f"{NOT_PROPOSED} (di luar periode pengusulan).")
    if selectors.find_proposed(agency=token.agency, period=period, unit=unit) is None:
        return error(404, "DATA_NOT_FOUND", "Unit ini tidak diusulkan pada periode berjalan.")
    result = selectors.unit_answers_payload(unit=unit, period=period, evidence_base_url=site_url())
    return _serve(token, "jawaban-unit", result.payload, unit=unit)


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Unknown paths under the base URL (and the resolver's 404 there, see zi.api.errors.not_found)."""
    return error(404, "DATA_NOT_FOUND", "Endpoint tidak dikenal.")
