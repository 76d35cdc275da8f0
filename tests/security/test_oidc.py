"""Single sign-on over OpenID Connect against a real (small) provider started here on loopback: discovery, JWKS,
authorization with PKCE, token and userinfo endpoints, RS256 ID tokens signed with a key generated per run.

The browser's hops are played by Django's test client (our side) and ``requests`` (the provider's side); our
backend talks to the provider over real HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from zi.accounts import oidc
from zi.accounts.models import User
from zi.core import audit
from zi.core.models import AuditEvent
from zi.organisations.models import Role

CLIENT_ID = "zona-integritas"
CLIENT_SECRET = "rahasia-klien-uji"
CALLBACK = "http://testserver/akun/sso/kembali/"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """A minimal OpenID provider: one pending identity (``claims``) is "logged in" at the authorize endpoint."""

    def __init__(self) -> None:
        self.key = _key()
        self.kid = "k-" + secrets.token_hex(4)
        self.sign_key = self.key  # tests swap this to sign with a key the JWKS does not publish
        self.claims: dict = {}
        self.id_token_overrides: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.token_requests = 0
        self.issued_id_tokens: list[str] = []
        self.ended_sessions: list[dict] = []  # the ID token claims of each session ended at the end-session endpoint
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/realms/instansi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/certs",
            "end_session_endpoint": f"{self.issuer}/logout",
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                path = url.path.removeprefix(urlsplit(provider.issuer).path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if path == "/certs":
                    return self._json(200, provider.jwks())
                if path == "/auth":
                    return self._authorize(query)
                if path == "/logout":
                    return self._end_session(query)
                if path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, provider.tokens[token])
                return self._json(404, {"error": "not_found"})

            def _authorize(self, query: dict) -> None:
                ok = (
                    query.get("client_id") == CLIENT_ID
                    and query.get("response_type") == "code"
                    and "openid" in query.get("scope", "").split()
                    and query.get("code_challenge_method") == "S256"
                )
                if not ok:
                    return self._json(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {
                    "nonce": query.get("nonce"),
                    "challenge": query["code_challenge"],
                    "redirect_uri": query["redirect_uri"],
                    "claims": dict(provider.claims),
                }
                self.send_response(302)
                self.send_header(
                    "Location", f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                )
                self.end_headers()

            def _end_session(self, query: dict) -> None:
                """RP-initiated logout: only for an ID token this provider issued to this client."""
                hint = query.get("id_token_hint", "")
                if hint not in provider.issued_id_tokens or query.get("client_id") != CLIENT_ID:
                    return self._json(400, {"error": "invalid_request"})
                claims = jwt.decode(hint, provider.key.public_key(), algorithms=["RS256"], audience=CLIENT_ID)
                provider.ended_sessions.append(claims)
                self.send_response(302)
                self.send_header("Location", query["post_logout_redirect_uri"])
                self.end_headers()

            def do_POST(self):
                provider.token_requests += 1
                if not self.path.endswith("/token"):
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)  # one use only
                if grant is None:
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if (
                    form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("grant_type") != "authorization_code"
                    or form.get("redirect_uri") != grant["redirect_uri"]
                    or challenge != grant["challenge"]
                ):
                    return self._json(400, {"error": "invalid_grant"})
                now = int(time.time())
                claims = grant["claims"]
                id_token = jwt.encode(
                    {
                        "iss": provider.issuer,
                        "aud": CLIENT_ID,
                        "sub": claims.get("sub", "subject"),
                        "iat": now,
                        "exp": now + 300,
                        "nonce": grant["nonce"],
                        **provider.id_token_overrides,
                    },
                    provider.sign_key,
                    algorithm="RS256",
                    headers={"kid": provider.kid},
                )
                provider.issued_id_tokens.append(id_token)
                access = secrets.token_urlsafe(24)
                provider.tokens[access] = claims
                return self._json(200, {"access_token": access, "token_type": "Bearer", "id_token": id_token})

        return Handler


@pytest.fixture
def provider():
    server = Provider()
    oidc.clear_discovery_cache()
    yield server
    server.stop()
    oidc.clear_discovery_cache()


@pytest.fixture
def sso(settings, provider):
    """SSO switched on the way the environment does it: only the issuer is given, the rest is discovered."""
    settings.ZI_OIDC_ENABLED = True
    settings.ZI_OIDC_ISSUER = provider.issuer
    settings.ZI_OIDC_CLAIM = "email"
    settings.ZI_OIDC_USER_FIELD = "email"
    settings.ZI_OIDC_CREATE_USERS = False
    settings.OIDC_CREATE_USER = False
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "zi.accounts.oidc.OidcBackend"]
    return settings


def sso_login(client, provider, claims: dict, next_url: str = ""):
    """Play the browser: our start page → the provider → our callback. Returns the callback's response."""
    provider.claims = claims
    start = client.get("/akun/sso/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content[:300]
    assert start["Location"].startswith(provider.issuer + "/auth?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = at_provider.headers["Location"]
    assert back.startswith(CALLBACK)
    return client.get(back.removeprefix("http://testserver"))


def _logged_in_user(client):
    return client.get("/akun/masuk/").wsgi_request.user


def test_off_by_default(client, db):
    page = client.get("/akun/masuk/").content.decode()
    assert "/akun/sso/" not in page
    assert client.get("/akun/sso/").status_code == 404
    assert client.get("/akun/sso/kembali/?code=x&state=y").status_code == 404


def test_login_page_shows_the_button_when_on(client, sso):
    sso.ZI_OIDC_PROVIDER_NAME = "SSO Kemenkumham"
    page = client.get("/akun/masuk/?next=/unit/").content.decode()
    assert 'href="/akun/sso/?next=/unit/"' in page and "Masuk dengan SSO Kemenkumham" in page


def test_matching_person_is_signed_in(client, sso, provider, tree):
    person = factories.make_user_with_role(
        Role.UNIT_TEAM_MEMBER, unit=tree["lapas"], username="sari", email="Sari@Lapas.go.id"
    )
    response = sso_login(client, provider, {"sub": "abc", "email": "sari@lapas.go.id"}, next_url="/unit/")
    assert response.status_code == 302 and response["Location"] == "/unit/"
    assert _logged_in_user(client) == person
    assert client.get("/unit/").status_code == 200
    assert provider.codes == {}  # the code was redeemed exactly once
    assert client.get("/akun/sso/kembali/?code=again&state=replayed").status_code == 400  # unknown state


def test_match_by_nip_claim(client, sso, provider, tree):
    sso.ZI_OIDC_CLAIM = "nip"
    sso.ZI_OIDC_USER_FIELD = "nip"
    person = factories.UserFactory(username="budi", nip="198001012005011001", unit=tree["lapas"])
    factories.UserFactory(username="budi2", email="budi@lapas.go.id")  # e-mail is not what matches here
    response = sso_login(client, provider, {"email": "budi@lapas.go.id", "nip": "198001012005011001"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert _logged_in_user(client) == person


def test_unknown_person_is_refused_clearly_and_not_created(client, sso, provider, db):
    users = User.objects.count()
    response = sso_login(client, provider, {"sub": "x", "email": "orang.asing@example.org"})
    assert response.status_code == 302 and response["Location"] == "/akun/masuk/"
    page = client.get("/akun/masuk/").content.decode()
    assert "belum terhubung dengan pengguna" in page
    assert not _logged_in_user(client).is_authenticated
    assert User.objects.count() == users


def test_unverified_email_and_inactive_people_do_not_match(client, sso, provider, tree):
    factories.UserFactory(username="tini", email="tini@lapas.go.id")
    factories.UserFactory(username="lama", email="lama@lapas.go.id", is_active=False)
    sso_login(client, provider, {"email": "tini@lapas.go.id", "email_verified": False})
    assert not _logged_in_user(client).is_authenticated
    sso_login(client, provider, {"email": "lama@lapas.go.id"})
    assert not _logged_in_user(client).is_authenticated


@pytest.mark.parametrize(
    "forgery",
    [
        {"sign_with_other_key": True},
        {"aud": "another-client"},
        {"iss": "http://127.0.0.1:1/evil"},
        {"exp": int(time.time()) - 60},
        {"nonce": "not-the-one-we-sent"},
    ],
    ids=["signature", "audience", "issuer", "expired", "nonce"],
)
def test_forged_or_stale_id_tokens_are_refused(client, sso, provider, tree, forgery):
    factories.UserFactory(username="sari", email="sari@lapas.go.id")
    forgery = dict(forgery)
    if forgery.pop("sign_with_other_key", False):
        provider.sign_key = _key()
    provider.id_token_overrides = forgery
    response = sso_login(client, provider, {"email": "sari@lapas.go.id"})
    assert response.status_code == 302 and response["Location"] == "/akun/masuk/"
    assert "tidak sah" in client.get("/akun/masuk/").content.decode()
    assert not _logged_in_user(client).is_authenticated


def test_provider_down_fails_clearly(client, sso, provider, tree):
    factories.UserFactory(username="sari", email="sari@lapas.go.id")
    provider.claims = {"email": "sari@lapas.go.id"}
    start = client.get("/akun/sso/")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    provider.stop()
    response = client.get(back.removeprefix("http://testserver"))
    assert response.status_code == 302 and response["Location"] == "/akun/masuk/"
    assert "tidak dapat dihubungi" in client.get("/akun/masuk/").content.decode()
    assert not _logged_in_user(client).is_authenticated


def test_creation_when_allowed_gives_no_role_and_no_password(client, sso, provider, db):
    sso.ZI_OIDC_CREATE_USERS = True
    sso.OIDC_CREATE_USER = True
    claims = {"email": "baru@lapas.go.id", "name": "Pegawai Baru", "preferred_username": "pegawai.baru"}
    response = sso_login(client, provider, claims)
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="baru@lapas.go.id")
    assert (user.username, user.full_name) == ("pegawai.baru", "Pegawai Baru")
    assert not user.has_usable_password() and not user.role_assignments.exists() and not user.is_staff
    assert _logged_in_user(client) == user
    event = AuditEvent.objects.filter(action="create", object_id=str(user.pk), actor_label="oidc").get()
    assert event.after["email"] == "baru@lapas.go.id"
    assert audit.verify().ok


def test_second_factor_still_required_after_sso(client, sso, provider, agency, tree):
    agency.require_second_factor = True
    agency.save()
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency, username="admin", email="admin@x.go.id")
    sso_login(client, provider, {"email": "admin@x.go.id"})
    assert _logged_in_user(client) == admin
    assert client.get("/unit/")["Location"] == "/akun/dua-langkah/"  # must set up TOTP first

    client.logout()
    member = factories.UserFactory(username="dengan-totp", email="totp@x.go.id")
    TOTPDevice.objects.create(user=member, name="authenticator", confirmed=True)
    sso_login(client, provider, {"email": "totp@x.go.id"})
    assert client.get("/unit/")["Location"].startswith("/akun/verifikasi/")


def test_password_login_unaffected_when_sso_on(client, sso, provider, tree):
    user = factories.UserFactory(username="lokal", email="lokal@x.go.id")
    stopped_requests = provider.token_requests
    provider.stop()  # a local login must not need the provider at all
    response = client.post("/akun/masuk/", {"username": "lokal", "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user(client) == user
    assert provider.token_requests == stopped_requests


def test_settings_refuse_half_configured_sso(tmp_path):
    import subprocess
    import sys

    env = {"ZI_VAR_DIR": str(tmp_path), "ZI_OIDC_ENABLED": "1", "ZI_OIDC_CLIENT_ID": "zi", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='zi.config.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ZI_OIDC_CLIENT_SECRET" in result.stderr and "ZI_OIDC_ISSUER" in result.stderr


def test_logout_after_sso_also_ends_the_provider_session(client, sso, provider, tree):
    user = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"], email="siti@instansi.go.id")
    sso_login(client, provider, {"sub": "s-1", "email": "siti@instansi.go.id", "email_verified": True})
    assert _logged_in_user(client) == user
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.issuer + "/logout"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["id_token_hint"] == provider.issued_id_tokens[-1]
    assert query["post_logout_redirect_uri"] == "http://testserver/akun/masuk/"
    assert query["client_id"] == CLIENT_ID
    assert not _logged_in_user(client).is_authenticated  # logged out here before going to the provider
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302 and at_provider.headers["Location"] == "http://testserver/akun/masuk/"
    assert [claims["sub"] for claims in provider.ended_sessions] == ["s-1"]


def test_logout_stays_local_for_password_logins_and_when_switched_off(client, sso, provider, tree):
    user = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"], email="siti@instansi.go.id")
    client.force_login(user)
    response = client.post("/akun/keluar/")
    assert response.status_code == 302 and response["Location"] == "/akun/masuk/"
    sso.ZI_OIDC_END_SESSION_ENDPOINT = "off"
    sso_login(client, provider, {"sub": "s-1", "email": "siti@instansi.go.id", "email_verified": True})
    assert _logged_in_user(client) == user
    response = client.post("/akun/keluar/")
    assert response["Location"] == "/akun/masuk/"
    assert not _logged_in_user(client).is_authenticated
    assert provider.ended_sessions == []
