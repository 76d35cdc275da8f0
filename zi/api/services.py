"""Writes of the API app: personal tokens (create shows the secret once; revoke). Audited like every write."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.accounts.models import User
from zi.api.models import ApiToken
from zi.core import audit
from zi.core.actors import Actor

TOKEN_PREFIX = "zi_"  # noqa: S105 - a public marker, not a secret
TOKEN_FIELDS = ("user", "name", "prefix", "expires_at", "revoked_at")
MAX_ACTIVE_TOKENS = 20


def hash_key(raw: str) -> str:
    """Tokens are 256-bit random, so a plain SHA-256 (no salt, no stretching) is enough and allows lookup."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _may_manage(actor: Actor, user: User) -> bool:
    return actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "pk", None) == user.pk


@transaction.atomic
def token_create(*, actor: Actor, user: User, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` (only the user themself, a superuser or the command line may create it).

    Returns the token row and the secret; the secret is not stored and cannot be shown again.
    """
    if not _may_manage(actor, user):
        raise PermissionDenied(_("Anda hanya dapat membuat token untuk akun Anda sendiri."))
    if not user.is_active:
        raise ValidationError(_("Akun tidak aktif."))
    name = " ".join((name or "").split())[:100] or "token"
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("Waktu kedaluwarsa harus di masa depan."))
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("Paling banyak %(limit)s token aktif per orang; cabut yang tidak dipakai.") % {"limit": MAX_ACTIVE_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:10], key_hash=hash_key(raw), expires_at=expires_at)
    audit.save_and_record(actor, token, TOKEN_FIELDS)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    # Lock only the token row: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to the unit.
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user", "user__unit").get(pk=token.pk)
    if not _may_manage(actor, token.user):
        raise PermissionDenied(_("Anda tidak berwenang mencabut token ini."))
    if token.revoked_at is not None:
        return token
    before = audit.snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit.record(actor, "revoke", token, before=before, after=audit.snapshot(token, TOKEN_FIELDS))
    return token


def token_touch(token: ApiToken) -> None:
    """Remember roughly when a token was last used (at most once a minute; not audited: it is not a change)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
