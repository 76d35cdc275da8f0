"""``Idempotency-Key`` on the API's writes: a retry returns the first result and stores nothing new; the same key
with another request is refused; keys belong to one person and expire."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.api.world import PDF
from zi.api.models import IdempotencyKey
from zi.assessments.models import Answer, Evidence, EvidenceRevision
from zi.core.models import AuditEvent


def _upload(client, world, key: str | None, data: bytes = PDF, title: str = "SK Tim ZI 2025"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        f"/api/assessments/{world['draft'].pk}/evidence/",
        {"question": world["choice_code"], "title": title, "file": SimpleUploadedFile("sk.pdf", data)},
        format="multipart",
        **headers,
    )


def _counts():
    return Evidence.objects.count(), EvidenceRevision.objects.count(), AuditEvent.objects.count()


def test_retry_with_the_same_key_returns_the_first_upload_and_stores_nothing(world, api_client_for):
    client = api_client_for(world["member"])
    first = _upload(client, world, "3f1c-unggah-1")
    assert first.status_code == 201, first.content
    counts = _counts()
    again = _upload(client, world, "3f1c-unggah-1")
    assert again.status_code == 201
    assert again.json() == first.json()  # same id, same revision, same hash
    assert again["Idempotent-Replayed"] == "true"
    assert _counts() == counts
    assert "Idempotent-Replayed" not in first
    without_key = _upload(client, world, None)  # no key: a second copy, as before
    assert without_key.status_code == 201 and without_key.json()["id"] != first.json()["id"]


def test_same_key_with_another_body_is_refused_clearly(world, api_client_for):
    client = api_client_for(world["member"])
    assert _upload(client, world, "kunci-a").status_code == 201
    counts = _counts()
    other_file = _upload(client, world, "kunci-a", data=PDF + b"% lain\n")
    other_title = _upload(client, world, "kunci-a", title="Judul lain")
    for response in (other_file, other_title):
        assert response.status_code == 422, response.content
        assert response.json()["code"] == "idempotency_key_reused"
        assert "Idempotency-Key" in response.json()["detail"]
    assert _counts() == counts


def test_keys_belong_to_one_person(world, api_client_for):
    member = api_client_for(world["member"])
    leader = api_client_for(world["leader"])
    mine = _upload(member, world, "kunci-bersama")
    theirs = _upload(leader, world, "kunci-bersama")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_keys_expire(world, api_client_for, settings):
    settings.ZI_IDEMPOTENCY_KEY_HOURS = 1
    client = api_client_for(world["member"])
    first = _upload(client, world, "kunci-lama")
    IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.get().created_at - dt.timedelta(hours=2))
    again = _upload(client, world, "kunci-lama")
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.count() == 1  # the expired row gave way to the new one
    IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.get().created_at - dt.timedelta(hours=2))
    out = io.StringIO()
    call_command("api", "idempotency", "purge", stdout=out)
    assert out.getvalue().strip() == "1 kunci idempotensi kedaluwarsa dihapus" and not IdempotencyKey.objects.exists()


def test_refusals_are_not_remembered(world, api_client_for):
    """A refused request (here: a file refused by content) stores no key, so the fixed retry goes through."""
    client = api_client_for(world["member"])
    refused = client.post(
        f"/api/assessments/{world['draft'].pk}/evidence/",
        {"question": world["choice_code"], "title": "x", "file": SimpleUploadedFile("a.pdf", b"<svg onload=1>")},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="kunci-ulang",
    )
    assert refused.status_code == 409
    assert not IdempotencyKey.objects.exists()
    assert _upload(client, world, "kunci-ulang").status_code == 201


def test_malformed_keys_answer_400(world, api_client_for):
    client = api_client_for(world["member"])
    counts = _counts()
    for key in ("", " ", "x" * 256, "kunci dengan spasi", "kunci-\u00e9"):
        response = _upload(client, world, key)
        assert response.status_code == 400, key
        assert "Idempotency-Key" in response.json()
    assert _counts() == counts


def test_answer_saves_take_a_key_too(world, api_client_for):
    client = api_client_for(world["member"])
    url = f"/api/assessments/{world['draft'].pk}/answers/"
    body = {"question": world["choice_code"], "choice": "Ya", "version": None}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="jawab-1")
    assert first.status_code == 200
    events = AuditEvent.objects.count()
    # Without the key this retry would be 409 stale (the answer exists now); with it, the first result returns.
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="jawab-1")
    assert again.status_code == 200 and again.json() == first.json()
    assert AuditEvent.objects.count() == events
    assert client.post(url, body, format="json").status_code == 409
    other = client.post(url, {**body, "choice": "Tidak"}, format="json", HTTP_IDEMPOTENCY_KEY="jawab-1")
    assert other.status_code == 422
    assert Answer.objects.get(pk=first.json()["id"]).choice == "Ya"
