"""Evidence in S3-compatible object storage (a real SeaweedFS server started by the tests).

Upload through the service → the object exists under its content-hash key with the same bytes; the download
view checks permissions first and only then redirects to a short-lived signed URL that really serves the
bytes with the right type and disposition.
"""

from __future__ import annotations

import hashlib
import runpy
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.production.conftest import s3_storages
from tests.test_answer_services import build_world
from zi.assessments import services
from zi.assessments.models import EvidenceRevision

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "zi" / "config" / "settings.py"
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n" + b"x" * 2048


def _settings_from_env(monkeypatch, tmp_path, **env: str) -> dict:
    for key in ("ZI_STORAGE", "ZI_S3_ENDPOINT_URL", "ZI_S3_BUCKET", "ZI_S3_ACCESS_KEY", "ZI_S3_SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ZI_VAR_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_default_storage_is_the_local_disk(monkeypatch, tmp_path):
    namespace = _settings_from_env(monkeypatch, tmp_path)
    assert namespace["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_is_switched_on_by_the_environment_alone(monkeypatch, tmp_path):
    class Server:  # only the attributes s3_storages reads
        endpoint_url, access_key, secret_key, region = "http://127.0.0.1:9", "ak", "sk", "ap-southeast-3"

    env = {
        "ZI_STORAGE": "s3",
        "ZI_S3_ENDPOINT_URL": Server.endpoint_url,
        "ZI_S3_BUCKET": "zi-evidence",
        "ZI_S3_ACCESS_KEY": "ak",
        "ZI_S3_SECRET_KEY": "sk",
        "ZI_S3_REGION": "ap-southeast-3",
        "ZI_S3_URL_EXPIRE_SECONDS": "45",
    }
    namespace = _settings_from_env(monkeypatch, tmp_path, **env)
    assert namespace["STORAGES"] == s3_storages(Server, "zi-evidence", expire=45)
    with pytest.raises(ImproperlyConfigured):
        _settings_from_env(monkeypatch, tmp_path, ZI_STORAGE="s3")  # no bucket
    with pytest.raises(ImproperlyConfigured):
        _settings_from_env(monkeypatch, tmp_path, ZI_STORAGE="ftp")


@pytest.fixture
def world(tree):
    return build_world(tree)


def _upload(world, content: bytes = PDF, name: str = "laporan.pdf"):
    return services.evidence_add_file(
        actor=world["member"],
        assessment=world["assessment"],
        question_code=world["codes"]["abc"],
        title="SK Tim ZI",
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


def test_upload_stores_the_object_under_its_content_hash(s3_settings, s3_server, s3_bucket, world):
    evidence = _upload(world)
    revision = EvidenceRevision.objects.get(evidence=evidence, number=1)
    digest = hashlib.sha256(PDF).hexdigest()
    assert revision.sha256 == digest
    assert revision.file.name == f"evidence/{world['assessment'].pk}/{digest[:2]}/{digest}"
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    obj = s3_server.client().get_object(Bucket=s3_bucket, Key=revision.file.name)
    assert obj["Body"].read() == PDF
    assert obj["ContentLength"] == len(PDF)
    # the same bytes again are not uploaded twice: the second evidence points at the same object
    second = _upload(world, name="salinan.pdf")
    assert EvidenceRevision.objects.get(evidence=second, number=1).file.name == revision.file.name
    listed = s3_server.client().list_objects_v2(Bucket=s3_bucket, Prefix="evidence/")
    assert [item["Key"] for item in listed["Contents"]] == [revision.file.name]


def test_download_redirects_to_a_signed_short_lived_url_after_the_permission_check(
    s3_settings, s3_server, client, world
):
    evidence = _upload(world)
    url = reverse("assessments:evidence_file", args=[evidence.pk, 1])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/akun/masuk/" in anonymous["Location"]
    assert s3_server.endpoint_url not in anonymous["Location"]

    client.force_login(world["other"])  # a team member of another unit: out of scope
    refused = client.get(url)
    assert refused.status_code == 404
    assert "Location" not in refused

    client.force_login(world["member"])
    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(s3_server.endpoint_url + "/")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    assert "no-store" in response["Cache-Control"]

    with urllib.request.urlopen(location, timeout=10) as served:  # noqa: S310 - our loopback server
        assert served.read() == PDF
        assert served.headers["Content-Type"] == "application/pdf"
        assert served.headers["Content-Disposition"].startswith("inline")
        assert "laporan.pdf" in served.headers["Content-Disposition"]

    tampered = location.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(tampered, timeout=10)  # noqa: S310
    assert denied.value.code == 403
    unsigned = location.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(unsigned, timeout=10)  # noqa: S310
    assert denied.value.code in (401, 403)


def test_public_url_prefix_keeps_the_browser_on_the_app_origin(s3_settings, s3_server, client, world):
    s3_settings.ZI_S3_PUBLIC_URL = "https://zi.example.go.id/_s3"
    evidence = _upload(world)
    client.force_login(world["member"])
    location = client.get(reverse("assessments:evidence_file", args=[evidence.pk, 1]))["Location"]
    assert location.startswith("https://zi.example.go.id/_s3/")
    # what the proxy does: strip the prefix, forward to the store with its Host: the signature still holds
    direct = s3_server.endpoint_url + location[len("https://zi.example.go.id/_s3") :]
    with urllib.request.urlopen(direct, timeout=10) as served:  # noqa: S310
        assert served.read() == PDF


def test_readyz_checks_the_object_storage(db, s3_settings, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["storage"]["status"] == "ok"


def test_readyz_fails_when_the_object_storage_refuses(db, settings, s3_server, client):
    broken = s3_storages(s3_server, "zi-no-such-bucket")
    broken["default"]["OPTIONS"]["secret_key"] = "wrong"
    settings.STORAGES = broken
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["storage"]
    assert "wrong" not in response.content.decode()
