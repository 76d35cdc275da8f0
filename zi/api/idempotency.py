"""``Idempotency-Key`` for API writes: a retry of the same request returns the first result, nothing new is stored.

A client that sent a write and lost the answer (connection dropped, app process restarted) cannot know whether it
was stored. With a key it simply sends the same request again: the first result comes back (same status, same
body, same id, header ``Idempotent-Replayed: true``). The same key with a different request answers 422; the
same key while the first request is still running answers 409. Keys belong to one user and are forgotten after
``ZI_IDEMPOTENCY_KEY_HOURS``.

The key row is written in the same transaction as the write it remembers, so either both are stored or neither:
a write rolled back by an error (or a process killed mid-request) leaves no key behind and the retry does the
work. Only successful (2xx) results are remembered; refusals are not, so a retry after fixing the cause works.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from zi.api.models import IdempotencyKey
from zi.core.actors import ActingUser

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255

PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[!-~]{1,255}$",
    description=(
        "Optional, 1–255 visible ASCII characters (e.g. a UUID), unique per intended write. A retry with the same "
        "key and the same request returns the first result and stores nothing new; the same key with another "
        "request answers 422. Keys are kept for `ZI_IDEMPOTENCY_KEY_HOURS` (default 24 h)."
    ),
)


class IdempotencyErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="`idempotency_key_reused` (422) or `idempotency_key_in_progress` (409)")


RESPONSES = {
    422: OpenApiResponse(
        response=IdempotencyErrorSerializer, description="The Idempotency-Key was used for a different request."
    ),
}
IN_PROGRESS = OpenApiResponse(
    response=IdempotencyErrorSerializer,
    description="A request with this Idempotency-Key is still being handled, or someone changed it since (stale).",
)


class _NotRemembered(Exception):
    """Carries a non-2xx answer out of the transaction so the reserved key is rolled back with it."""

    def __init__(self, response: Response) -> None:
        self.response = response


def key_of(request: Request) -> str | None:
    """The request's key, or None without the header; 400 for an empty, too long or non-ASCII key."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw  # as sent: surrounding spaces are outside the documented pattern, not trimmed away
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(ch) <= 126 for ch in key):
        raise ValidationError({HEADER: [_("Idempotency-Key harus 1–255 karakter ASCII yang terlihat.")]})
    return key


def fingerprint(scope: str, fields: dict[str, Any], files: Iterable[Any] = ()) -> str:
    """A hash of what the request asks for: the endpoint, its fields and the bytes of its files."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"scope": scope, "fields": fields}, sort_keys=True, default=str).encode())
    for upload in files:
        if upload is None:
            continue
        digest.update(b"\0file\0" + str(getattr(upload, "name", "")).encode() + b"\0")
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def _ttl() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "ZI_IDEMPOTENCY_KEY_HOURS", 24)))


def _replay(user: ActingUser, key: str, print_: str) -> Response | None:
    cutoff = timezone.now() - _ttl()
    stored = IdempotencyKey.objects.filter(user_id=user.pk, key=key, created_at__gt=cutoff).first()
    if stored is None:
        return None
    if stored.fingerprint != print_:
        body = {
            "detail": _("Idempotency-Key ini sudah dipakai untuk permintaan lain; gunakan kunci baru."),
            "code": "idempotency_key_reused",
        }
        return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    return Response(stored.response, status=stored.status_code, headers={REPLAYED_HEADER: "true"})


def run(request: Request, scope: str, print_: str, perform: Callable[[], Response]) -> Response:
    """``perform`` (which writes, inside one transaction) once per key: a repeat returns the first result.

    Without the header this is just ``perform()`` in a transaction."""
    key = key_of(request)
    user = request.user
    if key is None:
        with transaction.atomic():
            return perform()
    replayed = _replay(user, key, print_)
    if replayed is not None:
        return replayed
    try:
        with transaction.atomic():
            # An expired row of the same key gives way; the (user, key) unique constraint makes a concurrent
            # first request with the same key wait here and then fail, instead of writing a second copy.
            IdempotencyKey.objects.filter(user=user, key=key, created_at__lte=timezone.now() - _ttl()).delete()  # type: ignore[misc]  # authenticated API user
            record = IdempotencyKey.objects.create(  # type: ignore[misc]  # authenticated API user
                user=user, key=key, fingerprint=print_, status_code=0, response={}, created_at=timezone.now()
            )
            response = perform()
            if not 200 <= response.status_code < 300:
                raise _NotRemembered(response)
            IdempotencyKey.objects.filter(pk=record.pk).update(
                status_code=response.status_code, response=_json(response.data)
            )
    except _NotRemembered as refused:
        return refused.response
    except IntegrityError:
        replayed = _replay(user, key, print_)
        if replayed is not None:
            return replayed
        body = {
            "detail": _("Permintaan dengan Idempotency-Key ini masih diproses; coba lagi sebentar."),
            "code": "idempotency_key_in_progress",
        }
        return Response(body, status=status.HTTP_409_CONFLICT, headers={"Retry-After": "1"})
    return response


def _json(data: Any) -> Any:
    """Serializer data (ReturnDict, datetimes already as strings) as plain JSON for the JSON field."""
    return json.loads(json.dumps(data, default=str))


def purge_expired() -> int:
    """Remove keys older than the setting (also done per key on reuse); returns how many were removed."""
    deleted, _details = IdempotencyKey.objects.filter(created_at__lte=timezone.now() - _ttl()).delete()
    return deleted
