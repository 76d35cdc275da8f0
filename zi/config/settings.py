"""Settings for zona-integritas.

One complete settings module: the environment only switches values. With no environment at all the app runs
on the embedded defaults (SQLite in ``var/``, media on local disk, tasks in-process). Production
(``ZI_ENV=production``) refuses to start without a secret key and allowed hosts.

Environment variables (all optional in development):

- ``ZI_ENV``: ``development`` (default) or ``production``.
- ``DJANGO_SECRET_KEY``: required in production; in development one key is generated once and kept in
  ``var/secret_key`` so sessions survive restarts and are shared by several processes.
- ``DATABASE_URL``: e.g. ``postgres://postgres@127.0.0.1:5432/zi``; default SQLite ``var/zi.sqlite3``.
- ``ZI_VAR_DIR``: where SQLite, media and the dev secret live (default: ``var/`` of the checkout, see
  :func:`default_var_dir`; never the working directory, so ``zi`` works from any directory).
- ``DJANGO_ALLOWED_HOSTS``, ``DJANGO_CSRF_TRUSTED_ORIGINS``: comma separated.
- ``ZI_EVIDENCE_MAX_BYTES``: upload limit for one evidence file (default 20 MiB).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # the ``zi`` package
ZI_ENV = os.environ.get("ZI_ENV", "development").strip().lower()
PRODUCTION = ZI_ENV == "production"


def default_var_dir(package_dir: Path = BASE_DIR, environ: Mapping[str, str] = os.environ) -> Path:
    """Where ``var/`` is when ``ZI_VAR_DIR`` is not set: never the working directory (``zi`` run elsewhere used
    to create a stray ``./var`` with an empty database).

    A development checkout (``pyproject.toml`` next to the ``zi`` package, as with ``pip install -e``) keeps it
    in the checkout, where ``scripts/demo.sh`` always put it; an installed package uses the user's data
    directory (``$XDG_DATA_HOME/zona-integritas``, by default ``~/.local/share/zona-integritas``).
    """
    checkout = package_dir.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "var"
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "zona-integritas"


VAR_DIR = Path(os.environ.get("ZI_VAR_DIR") or default_var_dir()).resolve()


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _dev_secret_key() -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when ZI_ENV=production.")
    SECRET_KEY = _dev_secret_key()

DEBUG = not PRODUCTION and os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when ZI_ENV=production.")
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The site's public address: every generated link (stored evidence links, e-mails, posters, the PortalRB package)
# is built from it by zi.core.links.absolute_url, never from the request's Host or "localhost".
_first_host = next((h for h in ALLOWED_HOSTS if h and h[0] not in ".*"), "")
ZI_SITE_URL = os.environ.get(
    "ZI_SITE_URL", (f"https://{_first_host}" if _first_host else "") if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zi.core",
    "zi.accounts",
    "zi.organisations",
    "zi.lke",
    "zi.predicates",
    "zi.assessments",
    "zi.surveys",
    "zi.integrity",
    "zi.programme",
    "zi.workflow",
    "zi.insights",
    "zi.portalrb",
    "zi.api",
    "zi.demo",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "zi.core.logging.RequestIdMiddleware",
    "zi.core.retry.RetryDroppedConnectionMiddleware",  # a read that met a dropped connection is answered again
    "zi.api.errors.JsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zi.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zi.core.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zi.organisations.second_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zi.config.urls"
WSGI_APPLICATION = "zi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zi.organisations.context_processors.navigation",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'zi.sqlite3'}"
# Persistent connections are checked before each request reuses them (CONN_HEALTH_CHECKS): a connection the
# database dropped (restart, failover, idle timeout) is replaced instead of costing a 503 per worker.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):  # the database file's own folder, not always var/
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids "database is locked" upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zi.accounts.validators.CharacterClassValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# Single sign-on over OpenID Connect (mozilla-django-oidc, zi/accounts/oidc.py): off unless ZI_OIDC_ENABLED=1.
# Endpoints are set one by one or discovered from ZI_OIDC_ISSUER; people are matched by one claim, never created
# unless ZI_OIDC_CREATE_USERS=1 (then without roles). TOTP rules still apply after an SSO login.
ZI_OIDC_ENABLED = os.environ.get("ZI_OIDC_ENABLED", "0") == "1"
ZI_OIDC_ISSUER = os.environ.get("ZI_OIDC_ISSUER", "").strip()
ZI_OIDC_PROVIDER_NAME = os.environ.get("ZI_OIDC_PROVIDER_NAME", "SSO instansi")
ZI_OIDC_CLAIM = os.environ.get("ZI_OIDC_CLAIM", "email").strip()
ZI_OIDC_USER_FIELD = os.environ.get("ZI_OIDC_USER_FIELD", "email").strip().lower()
ZI_OIDC_CREATE_USERS = os.environ.get("ZI_OIDC_CREATE_USERS", "0") == "1"
OIDC_RP_CLIENT_ID = os.environ.get("ZI_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("ZI_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("ZI_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("ZI_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("ZI_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("ZI_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("ZI_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("ZI_OIDC_SCOPES", "openid email profile")
OIDC_CREATE_USER = ZI_OIDC_CREATE_USERS
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
# Logging out of an SSO session also ends it at the provider (RP-initiated logout): its end_session_endpoint from
# discovery, or this URL; "off" keeps logout local. The ID token is kept in the session as the id_token_hint.
ZI_OIDC_END_SESSION_ENDPOINT = os.environ.get("ZI_OIDC_END_SESSION_ENDPOINT", "").strip()
OIDC_STORE_ID_TOKEN = True
OIDC_REDIRECT_REQUIRE_HTTPS = PRODUCTION
if ZI_OIDC_ENABLED:
    _oidc_missing = [name for name in ("ZI_OIDC_CLIENT_ID", "ZI_OIDC_CLIENT_SECRET") if not os.environ.get(name)]
    if not ZI_OIDC_ISSUER:
        _oidc_missing += [
            name
            for name in (
                "ZI_OIDC_AUTHORIZATION_ENDPOINT",
                "ZI_OIDC_TOKEN_ENDPOINT",
                "ZI_OIDC_USERINFO_ENDPOINT",
                "ZI_OIDC_JWKS_ENDPOINT",
            )
            if not os.environ.get(name)
        ]
    if _oidc_missing:
        raise ImproperlyConfigured(f"ZI_OIDC_ENABLED=1 needs: {', '.join(_oidc_missing)} (or ZI_OIDC_ISSUER).")
    if ZI_OIDC_USER_FIELD not in ("email", "nip", "username"):
        raise ImproperlyConfigured("ZI_OIDC_USER_FIELD must be 'email', 'nip' or 'username'.")
    AUTHENTICATION_BACKENDS.append("zi.accounts.oidc.OidcBackend")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (django-axes): 5 failures per username lock that username for 30 minutes, whatever the address;
# the login form answers the same for unknown and known usernames (no enumeration).
AXES_FAILURE_LIMIT = int(os.environ.get("ZI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ZI_LOGIN_COOLOFF_HOURS", "0.5"))
# Failed logins from one address (any usernames) within 15 minutes before that address is refused (429).
ZI_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("ZI_LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "zi.core.clients.axes_client_ip"  # the same client address as every other limit
# Reverse proxies whose X-Forwarded-For is believed (CIDRs, comma separated; zi/core/clients.py): behind nginx the
# client is the right-most X-Forwarded-For address that is not one of these. Empty: REMOTE_ADDR is the client.
ZI_TRUSTED_PROXIES = _env_list("ZI_TRUSTED_PROXIES")
for _proxy in ZI_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"ZI_TRUSTED_PROXIES: not an address or CIDR: {_proxy!r}") from _exc
# Government offices sit behind one NAT address: locking by address would lock a whole office out, so lockout
# is per username (also for unknown usernames, so it reveals nothing); per-address throttling is separate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Health probes answer over plain HTTP even with SECURE_SSL_REDIRECT on: a load balancer or orchestrator probes
# the app process directly inside the network (no proxy, no X-Forwarded-Proto) and treats a 301 as "down".
# They carry no session, cookie or private data (SecurityMiddleware matches the path without its leading "/").
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("ZI_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("ZI_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ZI_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]  # zi/static (vendored pico, htmx, app css/js) is not an app's dir
MEDIA_ROOT = Path(os.environ.get("ZI_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # evidence is only served through permission-checked views
# Evidence storage: local disk by default; ZI_STORAGE=s3 puts it in S3-compatible object storage (SeaweedFS,
# MinIO, Ceph, a cloud) through django-storages. Same code path either way (``default_storage``); with S3 the
# evidence view answers with a short-lived signed URL after its permission check (docs/production.md).
ZI_STORAGE = os.environ.get("ZI_STORAGE", "filesystem").strip().lower()
ZI_S3_URL_EXPIRE_SECONDS = int(os.environ.get("ZI_S3_URL_EXPIRE_SECONDS", "60"))
ZI_S3_PUBLIC_URL = os.environ.get("ZI_S3_PUBLIC_URL", "").rstrip("/")  # same-origin proxy prefix, e.g. …/_s3
_default_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if ZI_STORAGE == "s3":
    _s3_bucket = os.environ.get("ZI_S3_BUCKET", "")
    if not _s3_bucket:
        raise ImproperlyConfigured("ZI_S3_BUCKET must be set when ZI_STORAGE=s3.")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": os.environ.get("ZI_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("ZI_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("ZI_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("ZI_S3_REGION", "us-east-1"),
            "signature_version": "s3v4",
            "addressing_style": "path",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": ZI_S3_URL_EXPIRE_SECONDS,
            "file_overwrite": True,  # names are content hashes: the same name is the same bytes
        },
    }
elif ZI_STORAGE != "filesystem":
    raise ImproperlyConfigured("ZI_STORAGE must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Cache: per-process memory by default; several app processes need a shared one (rate limits, lockout
# counters), e.g. ZI_CACHE_URL=redis://127.0.0.1:6379/1.
if os.environ.get("ZI_CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["ZI_CACHE_URL"]}
    }

# Task queue (Huey): in-process and immediate by default (no broker); ZI_TASKS_REDIS_URL switches to Redis
# with workers started by ``zi run_huey`` (each app's tasks.py holds its tasks).
ZI_TASKS_REDIS_URL = os.environ.get("ZI_TASKS_REDIS_URL", "")
if ZI_TASKS_REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("ZI_TASKS_QUEUE", "zi"),
        "url": ZI_TASKS_REDIS_URL,
        "immediate": False,
        "results": True,
        "utc": True,
        "consumer": {"workers": int(os.environ.get("ZI_TASKS_WORKERS", "2")), "worker_type": "thread"},
    }
else:
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "zi", "immediate": True, "results": True, "utc": True}

# E-mail (complaint notifications, reminders) through Django's backend, sent by the task queue: SMTP once
# ZI_EMAIL_HOST is set, otherwise the console backend (messages go to the log; nothing leaves the machine).
ZI_EMAIL_HOST = os.environ.get("ZI_EMAIL_HOST", "").strip()
if ZI_EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = ZI_EMAIL_HOST
    EMAIL_PORT = int(os.environ.get("ZI_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("ZI_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("ZI_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("ZI_EMAIL_TLS", "1") != "0"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("ZI_EMAIL_FROM", "zona-integritas@localhost")

ZI_EVIDENCE_MAX_BYTES = int(os.environ.get("ZI_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# API writes sent with an Idempotency-Key header are remembered this long (zi/api/idempotency.py, docs/api.md).
ZI_IDEMPOTENCY_KEY_HOURS = float(os.environ.get("ZI_IDEMPOTENCY_KEY_HOURS", "24"))
ZI_IMPORT_MAX_BYTES = int(os.environ.get("ZI_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# A complainant's notification address is erased this many days after the complaint was closed and last changed
# (zi.programme.services.complaints.complainant_emails_erase, docs/programme.md).
ZI_COMPLAINT_EMAIL_RETENTION_DAYS = int(os.environ.get("ZI_COMPLAINT_EMAIL_RETENTION_DAYS", "90"))

# Public survey integrity (docs/surveys.md): fill time, rate flags, statistical stuffing checks, rollup delay.
ZI_SURVEY_MIN_FILL_SECONDS = int(os.environ.get("ZI_SURVEY_MIN_FILL_SECONDS", "5"))
ZI_SURVEY_RATE_WINDOW = int(os.environ.get("ZI_SURVEY_RATE_WINDOW", "600"))
ZI_SURVEY_IP_FLAG_AT = int(os.environ.get("ZI_SURVEY_IP_FLAG_AT", "5"))
ZI_SURVEY_IP_REJECT_AT = int(os.environ.get("ZI_SURVEY_IP_REJECT_AT", "120"))
ZI_SURVEY_DEVICE_FLAG_AT = int(os.environ.get("ZI_SURVEY_DEVICE_FLAG_AT", "10"))
ZI_SURVEY_PATTERN_WINDOW = int(os.environ.get("ZI_SURVEY_PATTERN_WINDOW", "1800"))
ZI_SURVEY_PATTERN_FLAG_AT = int(os.environ.get("ZI_SURVEY_PATTERN_FLAG_AT", "8"))
ZI_SURVEY_PATTERN_MIN_ITEMS = int(os.environ.get("ZI_SURVEY_PATTERN_MIN_ITEMS", "6"))
ZI_SURVEY_STRAIGHTLINE_FLAG_AT = int(os.environ.get("ZI_SURVEY_STRAIGHTLINE_FLAG_AT", "5"))
ZI_SURVEY_NEAR_FLAG_AT = int(os.environ.get("ZI_SURVEY_NEAR_FLAG_AT", "5"))
ZI_SURVEY_NEAR_MAX_DIFF = int(os.environ.get("ZI_SURVEY_NEAR_MAX_DIFF", "1"))
# Each submit's stuffing checks look at the most recent this-many responses per fingerprint and per network (bounded).
ZI_SURVEY_CLUSTER_LOOKBACK = int(os.environ.get("ZI_SURVEY_CLUSTER_LOOKBACK", "100"))
ZI_SURVEY_ROLLUP_DELAY = int(os.environ.get("ZI_SURVEY_ROLLUP_DELAY", "2"))
# Offline devices (zi.surveys.sync): flags for implausible batches and the per-device request limit.
ZI_SURVEY_OFFLINE_PER_MINUTE = int(os.environ.get("ZI_SURVEY_OFFLINE_PER_MINUTE", "4"))
ZI_SURVEY_OFFLINE_IDENTICAL_AT = int(os.environ.get("ZI_SURVEY_OFFLINE_IDENTICAL_AT", "3"))
ZI_SURVEY_OFFLINE_HOURS = os.environ.get("ZI_SURVEY_OFFLINE_HOURS", "06-20")
ZI_SURVEY_OFFLINE_CLOCK_SKEW = int(os.environ.get("ZI_SURVEY_OFFLINE_CLOCK_SKEW", "900"))
ZI_SURVEY_SYNC_PER_MINUTE = int(os.environ.get("ZI_SURVEY_SYNC_PER_MINUTE", "30"))
ZI_SURVEY_SYNC_MAX_BATCH = int(os.environ.get("ZI_SURVEY_SYNC_MAX_BATCH", "100"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zi.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "zi.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "zi.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zona-integritas API",
    "DESCRIPTION": "REST API of zona-integritas: the same scoped permissions as the web pages. See docs/api.md.",
    "VERSION": "0.1.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package, served by zi.api.pages.docs_asset: no CDN.
    "SWAGGER_UI_DIST": "/api/docs/assets",
    "SWAGGER_UI_FAVICON_HREF": "/api/docs/assets/favicon-32x32.png",
    "ENUM_NAME_OVERRIDES": {
        "PredicateEnum": "zi.assessments.models.Predicate",
        "JourneyStateEnum": "zi.workflow.models.State",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "zi.api.schema.add_error_responses",
        "zi.api.schema.tighten_inputs",
    ],
}

# ZI_LOG_FORMAT=json: one JSON object per line with the request id (zi/core/logging.py); plain by default.
ZI_LOG_FORMAT = os.environ.get("ZI_LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "zi.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "zi.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if ZI_LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ZI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# PortalRB (docs/portalrb.md, "Open points of the guide"): numbers in answers as JSON strings ("12", the guide's
# field table: string|null) or bare JSON numbers (12, the README's example); outside the proposal period answer
# 404 DATA_NOT_FOUND ("not_found") or keep serving the latest period that has started ("latest").
PORTALRB_NUMBER_FORMAT = os.environ.get("ZI_PORTALRB_NUMBER_FORMAT", "string").strip().lower()
if PORTALRB_NUMBER_FORMAT not in ("string", "number"):
    raise ImproperlyConfigured("ZI_PORTALRB_NUMBER_FORMAT must be 'string' or 'number'.")
PORTALRB_OUTSIDE_PERIOD = os.environ.get("ZI_PORTALRB_OUTSIDE_PERIOD", "not_found").strip().lower()
if PORTALRB_OUTSIDE_PERIOD not in ("not_found", "latest"):
    raise ImproperlyConfigured("ZI_PORTALRB_OUTSIDE_PERIOD must be 'not_found' or 'latest'.")

# Agency-wide switch for mandatory TOTP is on the Agency; this names the roles it applies to.
ZI_SECOND_FACTOR_ROLES = ("agency_admin", "tpi_evaluator")
