"""Single sign-on with the agency's identity provider over OpenID Connect (mozilla-django-oidc).

Off unless ``ZI_OIDC_ENABLED=1`` (docs/security.md, docs/operations.md). The authorization-code flow with PKCE
and a nonce; the ID token must be signed (RS256 by default, key from the provider's JWKS), name the configured
issuer and this client as audience. The provider's endpoints are set one by one or discovered from
``<issuer>/.well-known/openid-configuration``.

An identity is mapped to an existing person by one claim (``ZI_OIDC_CLAIM``, e.g. ``email`` or ``nip``) compared
with one user field (``ZI_OIDC_USER_FIELD``). Nobody is created unless ``ZI_OIDC_CREATE_USERS=1``, and then
without any role (an admin assigns roles as for any person). Signing in through the provider is the first factor
only: the second-factor middleware still asks for TOTP where the agency requires it.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from zi.core import audit

logger = logging.getLogger(__name__)

USER_LOOKUPS = {"email": "email__iexact", "nip": "nip", "username": "username"}
# mozilla-django-oidc setting → key of the discovery document
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_TTL = 3600
_discovery: dict[str, Any] = {}

# Why a login failed, for the message on the login page (set on the request by the backend).
FAILURE_UNKNOWN_USER = "unknown_user"
FAILURE_PROVIDER = "provider"
FAILURE_TOKEN = "token"  # noqa: S105 - a reason code, not a secret


def enabled() -> bool:
    return bool(getattr(settings, "ZI_OIDC_ENABLED", False))


def discovery() -> dict[str, Any]:
    """The provider's discovery document (cached for an hour; empty when no issuer is set or it cannot be read)."""
    issuer = getattr(settings, "ZI_OIDC_ISSUER", "")
    if not issuer:
        return {}
    cached = _discovery.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=getattr(settings, "OIDC_TIMEOUT", 10))
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC discovery at %s failed: %r", url, exc)
        return {}
    if document.get("issuer") != issuer:
        logger.warning("OIDC discovery at %s names another issuer: %r", url, document.get("issuer"))
        return {}
    _discovery[issuer] = (time.monotonic() + DISCOVERY_TTL, document)
    return document


def clear_discovery_cache() -> None:
    _discovery.clear()


def setting(attr: str, *args: Any) -> Any:
    """mozilla-django-oidc's settings lookup, with empty provider endpoints filled from discovery."""
    value = import_from_settings(attr, *args)
    if not value and attr in DISCOVERED:
        value = discovery().get(DISCOVERED[attr]) or value
    return value


# Where mozilla-django-oidc keeps the ID token in the session (OIDC_STORE_ID_TOKEN): the id_token_hint of logout.
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 - a session key name, not a secret


def end_session_endpoint() -> str:
    """The provider's logout URL: ``ZI_OIDC_END_SESSION_ENDPOINT``, else ``end_session_endpoint`` from discovery;
    empty when logout is to stay local (``off``, or the provider publishes none)."""
    configured = getattr(settings, "ZI_OIDC_END_SESSION_ENDPOINT", "")
    if configured.lower() == "off":
        return ""
    return configured or str(discovery().get("end_session_endpoint") or "")


def provider_logout_url(id_token: str, post_logout_redirect_uri: str) -> str:
    """RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the provider ends its session for the person
    the ID token names and sends the browser back to ``post_logout_redirect_uri`` (registered at the provider).
    Empty when SSO is off, there is no ID token (a password login) or no endpoint is known."""
    endpoint = end_session_endpoint() if enabled() and id_token else ""
    if not endpoint:
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": getattr(settings, "OIDC_RP_CLIENT_ID", ""),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _fail(request: Any, reason: str) -> None:
    if request is not None:
        request.zi_sso_failure = reason


class OidcBackend(OIDCAuthenticationBackend):
    """Maps a verified identity to one active person by one claim; creates nobody unless allowed."""

    get_settings = staticmethod(setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every login: password logins must never wait for the provider, so the
        # provider settings (and discovery) are read only when a provider callback is being handled.
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not enabled() or request is None or "password" in kwargs or "code" not in request.GET:
            return None
        super().__init__()
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            logger.warning("OIDC provider request failed: %r", exc)
            _fail(request, FAILURE_PROVIDER)
        except (SuspiciousOperation, jwt.PyJWTError) as exc:  # the library lets e.g. an expired token through
            logger.warning("OIDC token refused: %r", exc)
            _fail(request, FAILURE_TOKEN)
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        issuer = getattr(settings, "ZI_OIDC_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client.")
        return payload

    def _claim(self, claims: dict[str, Any]) -> str:
        value = claims.get(settings.ZI_OIDC_CLAIM)
        return value.strip() if isinstance(value, str) else ""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not self._claim(claims):
            return False
        if settings.ZI_OIDC_CLAIM == "email" and claims.get("email_verified") is False:
            return False  # the provider says the address is not the person's: never match on it
        return True

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"{settings.ZI_OIDC_CLAIM} {self._claim(claims)!r}"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet:
        value = self._claim(claims)
        if not value:
            return self.UserModel.objects.none()
        lookup = USER_LOOKUPS[settings.ZI_OIDC_USER_FIELD]
        return self.UserModel.objects.filter(**{lookup: value}, is_active=True)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            _fail(self.request, FAILURE_UNKNOWN_USER)
        return user

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> Any:
        """Only with ``ZI_OIDC_CREATE_USERS=1``: a person without any role and without a local password."""
        value = self._claim(claims)
        field = settings.ZI_OIDC_USER_FIELD
        username = value if field == "username" else str(claims.get("preferred_username") or "").strip()
        if not username or self.UserModel.objects.filter(username=username).exists():
            username = self.get_username({**claims, "email": value})
        user = self.UserModel(
            username=username[:150],
            full_name=str(claims.get("name") or value)[:255],
            email=value if field == "email" else str(claims.get("email") or "")[:254],
        )
        if field == "nip":
            user.nip = value[:32]
        user.set_unusable_password()
        fields = ("username", "full_name", "email", "nip", "is_active")
        audit.save_and_record("oidc", user, fields, extra={"via": "oidc"})
        return user
