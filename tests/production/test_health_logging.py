"""Readiness (/readyz) names the failed dependency; structured JSON logs carry the request id."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from huey import RedisHuey

from zi.core import logging as zi_logging
from zi.core import tasks

ROOT = Path(__file__).resolve().parents[2]


def test_readyz_ok_on_the_embedded_defaults(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "storage": "ok",
        "cache": "ok",
        "tasks": "immediate",
    }
    assert "no-cache" in response["Cache-Control"]


def test_readyz_503_names_the_unwritable_storage(client, db, settings, tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_directory)},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    assert str(tmp_path) not in response.content.decode()  # no paths or addresses in the public answer


def test_readyz_503_when_the_task_broker_is_down(client, db, monkeypatch):
    monkeypatch.setattr(tasks, "huey", RedisHuey(name="zi-down", url="redis://127.0.0.1:1/0"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["tasks"]


def test_readyz_with_a_shared_redis_cache(client, db, settings):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        from tests.production.conftest import unavailable

        unavailable(f"Redis is not reachable: {exc}")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["status"] == "ok"


def test_request_id_is_echoed_or_made(client, db):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123.x")["X-Request-ID"] == "abc-123.x"
    bad = client.get("/healthz", HTTP_X_REQUEST_ID="evil\nvalue<script>")["X-Request-ID"]
    assert bad != "evil\nvalue<script>" and len(bad) == 32


def test_json_formatter_writes_one_object_per_line():
    record = logging.LogRecord("zi.test", logging.ERROR, __file__, 1, "gagal %s", ("x",), None)
    record.unit_id = 7
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    zi_logging.RequestIdFilter().filter(record)
    line = zi_logging.JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "gagal x"
    assert data["level"] == "ERROR"
    assert data["unit_id"] == 7
    assert data["request_id"] == "-"
    assert "ValueError: boom" in data["exc_info"]


@pytest.mark.parametrize("fmt", ["json", "plain"])
def test_log_format_is_chosen_by_the_environment(tmp_path, fmt):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "zi.config.settings", "ZI_VAR_DIR": str(tmp_path), "ZI_LOG_FORMAT": fmt})
    code = "import django, logging; django.setup(); logging.getLogger('zi.x').warning('halo', extra={'n': 3})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    line = result.stderr.strip().splitlines()[-1]
    if fmt == "json":
        data = json.loads(line)
        assert data["message"] == "halo" and data["n"] == 3 and data["logger"] == "zi.x"
    else:
        assert line.endswith("WARNING zi.x [-] halo")
