"""Production settings refuse to start half-configured and pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUP = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "zi.config.settings", "ZI_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def secret_key() -> str:
    return secrets.token_urlsafe(64)


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = run(["-c", SETUP], tmp_path, ZI_ENV="production", DJANGO_ALLOWED_HOSTS="zi.example.go.id")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists(), "production must not invent a key"


def test_production_without_allowed_hosts_refuses_to_start(tmp_path, secret_key):
    result = run(["-c", SETUP], tmp_path, ZI_ENV="production", DJANGO_SECRET_KEY=secret_key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deploy_check(tmp_path, secret_key):
    result = run(
        ["-m", "zi.cli", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        ZI_ENV="production",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS="zi.example.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_debug_off_whatever_the_environment_says(tmp_path, secret_key):
    result = run(
        ["-c", SETUP],
        tmp_path,
        ZI_ENV="production",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS="zi.example.go.id",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_development_runs_with_no_environment_and_keeps_its_key(tmp_path):
    first = run(["-c", SETUP], tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0, "the dev key is private to its owner"
    key = key_file.read_text()
    assert run(["-c", SETUP], tmp_path).returncode == 0
    assert key_file.read_text() == key


def test_every_environment_variable_is_documented():
    import re

    settings_source = (ROOT / "zi" / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'environ\.get\("([A-Z][A-Z0-9_]+)"', settings_source))
    names |= set(re.findall(r'_env_list\("([A-Z][A-Z0-9_]+)"', settings_source))
    assert "DATABASE_URL" in names
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    undocumented = sorted(name for name in names if f"`{name}`" not in operations)
    assert not undocumented, f"add these to the table in docs/operations.md: {undocumented}"
