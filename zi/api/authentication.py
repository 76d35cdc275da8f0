"""``Authorization: Bearer zi_…`` (or ``Token zi_…``) with a personal API token."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from zi.api.models import ApiToken
from zi.api.services import hash_key, token_touch

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Header Authorization tidak valid."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Token tidak valid.")) from exc
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(raw), revoked_at__isnull=True).first()
        if token is None or (token.expires_at is not None and token.expires_at <= timezone.now()):
            raise exceptions.AuthenticationFailed(_("Token tidak valid, kedaluwarsa atau sudah dicabut."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token tidak valid, kedaluwarsa atau sudah dicabut."))
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "zi.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token API pribadi (zi_…), dari /api/token/."}
