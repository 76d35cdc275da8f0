"""Writes of the PortalRB integration: tokens (create/revoke) and frozen fetch snapshots; every one audited."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.access import Action, may
from zi.organisations.models import Agency, Unit
from zi.portalrb.models import ApiToken, FetchSnapshot

TOKEN_PREFIX = "zirb_"  # noqa: S105 - a public marker, not a secret
TOKEN_FIELDS = ("agency", "name", "prefix", "revoked_at")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def canonical_json(payload: Any) -> str:
    """The one serialisation used for serving, storing and hashing: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _check(actor: Actor, agency: Agency) -> None:
    """People need the action on the agency; the system (None) and the CLI (a label string) may always."""
    if actor is not None and not isinstance(actor, str) and not may(actor, Action.PORTALRB_MANAGE, agency):
        raise PermissionDenied(_("Anda tidak berwenang mengelola token PortalRB instansi ini."))


@transaction.atomic
def token_create(*, actor: Actor, agency: Agency, name: str) -> tuple[ApiToken, str]:
    """A new token; returns it and the secret, which is shown once and never stored (only its SHA-256)."""
    _check(actor, agency)
    name = (name or "").strip() or "PortalRB"
    if len(name) > 100:
        raise ValidationError(_("Nama token terlalu panjang (maksimal 100 karakter)."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        agency=agency,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_secret(secret),
        created_by=actor_user(actor),
    )
    audit.save_and_record(actor, token, TOKEN_FIELDS)
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("agency").get(pk=token.pk)
    _check(actor, token.agency)
    if token.revoked_at is not None:
        return token
    before = audit.snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.revoked_by = actor_user(actor)
    token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit.record(actor, "revoke", token, before=before, after=audit.snapshot(token, TOKEN_FIELDS))
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, or None (constant-time compare on the hash)."""
    if not secret or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    token = ApiToken.objects.select_related("agency").filter(token_hash=digest).first()
    if token is None or not secrets.compare_digest(token.token_hash, digest) or token.revoked_at is not None:
        return None
    return token


@transaction.atomic
def snapshot_record(
    *, token: ApiToken, endpoint: str, payload: dict[str, Any], unit: Unit | None = None
) -> FetchSnapshot:
    """Freeze what is about to be served; the caller serves ``snapshot.body`` byte for byte."""
    body = canonical_json(payload)
    snap = FetchSnapshot.objects.create(
        token=token,
        agency_id=token.agency_id,
        endpoint=endpoint,
        unit=unit,
        payload=payload,
        body=body,
        sha256=hashlib.sha256(body.encode()).hexdigest(),
    )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=snap.created_at)
    audit.record(
        f"portalrb:{token.prefix}",
        "portalrb.fetch",
        snap,
        after={"endpoint": endpoint, "unit": unit.pk if unit else None, "sha256": snap.sha256, "snapshot": snap.pk},
    )
    return snap
