"""Real servers for the production-path tests: a SeaweedFS S3 server started here, the machine's Redis.

A server that cannot start skips its tests only outside CI; with ``CI`` set it fails them (CI must prove the
production path, not silently skip it).
"""

from __future__ import annotations

import os
import uuid

import pytest

from zi.bench import seaweed


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def s3_server():
    try:
        server = seaweed.start()
    except Exception as exc:  # noqa: BLE001 - any start failure
        unavailable(f"S3 server (SeaweedFS) could not start: {exc}")
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server):
    name = f"zi-test-{uuid.uuid4().hex[:12]}"
    s3_server.create_bucket(name)
    return name


def s3_storages(server: seaweed.S3Server, bucket: str, expire: int = 60) -> dict:
    """The STORAGES the settings module builds from the ZI_S3_* environment (checked in test_storage_s3)."""
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": server.endpoint_url,
                "access_key": server.access_key,
                "secret_key": server.secret_key,
                "region_name": server.region,
                "signature_version": "s3v4",
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": expire,
                "file_overwrite": True,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def s3_settings(settings, s3_server, s3_bucket):
    settings.STORAGES = s3_storages(s3_server, s3_bucket)
    settings.ZI_STORAGE = "s3"
    settings.ZI_S3_URL_EXPIRE_SECONDS = 60
    settings.ZI_S3_PUBLIC_URL = ""
    return settings
