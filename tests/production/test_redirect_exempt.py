"""Health probes answer over plain HTTP although production redirects everything else to HTTPS.

A load balancer probes app processes directly inside the network (no proxy, no ``X-Forwarded-Proto``); a 301
would read as "down". Checked in-process with the redirect switched on, and in a real production-configured
process (``ZI_ENV=production``), where ``SECURE_SSL_REDIRECT`` comes from the environment.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
out = {"redirect_on": settings.SECURE_SSL_REDIRECT}
for path in ("/healthz", "/readyz", "/akun/masuk/", "/wawasan/publik/"):
    response = client.get(path)
    out[path] = [response.status_code, response.get("Location", "")]
secure = client.get("/akun/masuk/", secure=True)
out["https_login"] = secure.status_code
print(json.dumps(out))
"""


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_not_redirected_when_ssl_redirect_is_on(db, client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(path)
    assert response.status_code in (200, 503), response.status_code  # an answer, never a redirect
    assert response.json()["status"] in ("ok", "fail")
    assert not response.cookies  # nothing to protect: no session or CSRF cookie goes out over plain HTTP


@pytest.mark.parametrize("path", ["/akun/masuk/", "/wawasan/publik/", "/healthz/", "/healthzx", "/x/healthz"])
def test_everything_else_still_redirects(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_exemption_is_anchored_to_the_two_probe_paths():
    assert django_settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$", r"^readyz$"]


def test_production_process_answers_probes_over_http_and_redirects_pages(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zi.config.settings",
        ZI_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="testserver",
        ZI_VAR_DIR=str(tmp_path / "var"),
        ZI_MEDIA_ROOT=str(tmp_path / "media"),
    )
    (tmp_path / "var").mkdir()
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["redirect_on"] is True
    assert out["/healthz"] == [200, ""]
    assert out["/readyz"][0] == 200 and out["/readyz"][1] == ""
    for page in ("/akun/masuk/", "/wawasan/publik/"):
        status, location = out[page]
        assert status == 301 and location == f"https://testserver{page}"
    assert out["https_login"] == 200
