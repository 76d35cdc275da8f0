"""Offline capture (issue #23): registered devices (registration, QR, revocation, permissions, audit) and the
idempotent sync endpoint (per-response acknowledgement, duplicates, refusals, flags, rate limit), and the indices of
a campaign with offline responses recounted from the raw answers."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.surveys import devices, indices, services, sync
from zi.surveys.models import Channel, DeviceResponse, FieldDevice, ItemScale, Response, ResponseItem

pytestmark = pytest.mark.django_db

SYNC = "/survei/luring/kirim/"


@pytest.fixture(autouse=True)
def _hours(settings):
    settings.ZI_SURVEY_OFFLINE_HOURS = "00-24"


def _answers(campaign, value=4, rng=None):
    answers = {}
    for item in services.campaign_items(campaign):
        if item.scale == ItemScale.LIKERT4:
            answers[str(item.pk)] = rng.randint(1, 4) if rng else value
        else:
            answers[str(item.pk)] = 0
    return answers


def _entry(campaign, *, when=None, value=4, rng=None, **over):
    entry = {
        "id": str(uuid.uuid4()),
        "answered_at": (when or timezone.now()).isoformat(),
        "group": "pengunjung",
        "service_type": "",
        "answers": _answers(campaign, value, rng),
    }
    entry.update(over)
    return entry


def _post(client, token, responses, **extra):
    body = {"sent_at": timezone.now().isoformat(), "queue_size": len(responses), "responses": responses, **extra}
    return client.post(SYNC, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def registered(make_campaign):
    campaign = make_campaign(kinds=("skm", "ipak"))
    point = services.service_point_create(actor=None, campaign=campaign, name="Ruang kunjungan")
    return devices.device_register(actor=None, campaign=campaign, name="Tablet 1", service_point=point)


# --- devices ---------------------------------------------------------------------------------------------


def test_team_registers_a_device_sees_its_qr_once_and_revokes_it(client, make_campaign, tree):
    campaign = make_campaign(kinds=("skm",))
    point = services.service_point_create(actor=None, campaign=campaign, name="Loket 1")
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    url = reverse("surveys:device_list", args=[campaign.pk])
    assert client.get(url).status_code == 200
    reply = client.post(url, {"name": "Tablet ruang kunjungan", "kind": "kiosk", "service_point": point.pk})
    html = reply.content.decode()
    assert reply.status_code == 200 and "<svg" in html and "/survei/l/" in html
    device = FieldDevice.objects.get(campaign=campaign)
    token = html.split("/survei/l/")[1].split("/")[0]
    assert device.token_hash == devices.token_hash(token) and token not in device.token_hash
    assert device.service_point == point and device.created_by == member
    event = AuditEvent.objects.filter(action="create", object_type="surveys.fielddevice").latest("seq")
    assert event.after["name"] == "Tablet ruang kunjungan" and "token_hash" not in event.after
    # the list shows it without the QR (the token is not kept)
    listing = client.get(url).content.decode()
    assert "Tablet ruang kunjungan" in listing and "<svg" not in listing and token not in listing
    # the device page opens with the token
    assert Client().get(f"/survei/l/{token}/").status_code == 200
    revoke = client.post(reverse("surveys:device_revoke", args=[campaign.pk, device.pk]), {"reason": "hilang"})
    assert revoke.status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_reason == "hilang" and device.revoked_by == member
    assert AuditEvent.objects.filter(action="revoke", object_type="surveys.fielddevice").exists()
    assert Client().get(f"/survei/l/{token}/").status_code == 403
    # a foreign service point is refused
    other = make_campaign(kinds=("skm",))
    foreign = services.service_point_create(actor=None, campaign=other, name="Loket lain")
    assert client.post(url, {"name": "X", "service_point": foreign.pk}).status_code == 404


def test_device_pages_need_the_management_right_and_scope(client, make_campaign, tree):
    campaign = make_campaign(kinds=("skm",))
    registered = devices.device_register(actor=None, campaign=campaign, name="Ponsel", service_point=None)
    list_url = reverse("surveys:device_list", args=[campaign.pk])
    revoke_url = reverse("surveys:device_revoke", args=[campaign.pk, registered.device.pk])
    assert client.get(list_url).status_code == 302  # anonymous: login
    head = factories.make_user_with_role(Role.UNIT_HEAD, unit=tree["lapas"])  # sees the campaign, may not manage
    client.force_login(head)
    assert client.get(list_url).status_code == 403
    assert client.post(revoke_url).status_code == 403
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(outsider)
    assert client.get(list_url).status_code == 404
    assert client.post(list_url, {"name": "Tablet"}).status_code == 404
    assert client.post(revoke_url).status_code == 404
    registered.device.refresh_from_db()
    assert registered.device.revoked_at is None and FieldDevice.objects.count() == 1


def test_unknown_token_pages_are_404(client):
    for name in ("offline_app", "offline_sw", "offline_manifest"):
        assert client.get(reverse(f"surveys:{name}", args=["nope"])).status_code == 404


def test_worker_and_manifest_are_scoped_to_the_device(client, registered):
    page = f"/survei/l/{registered.token}/"
    worker = client.get(page + "sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == page and page in worker.content.decode()
    manifest = client.get(page + "manifest.webmanifest").json()
    assert manifest["scope"] == page and manifest["start_url"] == page


# --- sync ------------------------------------------------------------------------------------------------


def test_sync_stores_each_response_once_and_acknowledges_each(client, registered):
    campaign, token = registered.device.campaign, registered.token
    batch = [_entry(campaign, value=v) for v in (4, 3, 2)]
    reply = _post(client, token, batch)
    assert reply.status_code == 200, reply.content
    data = reply.json()
    assert [r["status"] for r in data["results"]] == ["stored"] * 3 and data["stored"] == 3
    assert [r["id"] for r in data["results"]] == [e["id"] for e in batch]
    assert Response.objects.filter(campaign=campaign, channel=Channel.OFFLINE).count() == 3
    rows = ResponseItem.objects.count()
    # the same batch again (a lost reply): nothing more stored, every response acknowledged as duplicate
    again = _post(client, token, batch).json()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3 and again["stored"] == 0
    assert Response.objects.count() == 3 and ResponseItem.objects.count() == rows
    stored = DeviceResponse.objects.select_related("response").get(client_id=batch[0]["id"])
    assert stored.response.service_point == registered.device.service_point
    assert abs((stored.device_time - dt.datetime.fromisoformat(batch[0]["answered_at"])).total_seconds()) < 1
    assert stored.response.submitted_at == stored.received_at
    device = FieldDevice.objects.get(pk=registered.device.pk)
    assert device.last_sync_at is not None and device.last_queue_size == 0


def test_one_bad_response_is_refused_and_the_others_stored(client, registered):
    campaign, token = registered.device.campaign, registered.token
    good1, good2 = _entry(campaign), _entry(campaign, value=3)
    missing = _entry(campaign)
    missing["answers"].pop(next(iter(missing["answers"])))
    batch = [
        good1,
        _entry(campaign, id="not-a-uuid"),
        missing,
        _entry(campaign, group="pns"),  # not a group of this campaign
        _entry(campaign, answered_at="kemarin"),
        good2,
    ]
    data = _post(client, token, batch, queue_size=10).json()
    statuses = [r["status"] for r in data["results"]]
    assert statuses == ["stored", "refused", "refused", "refused", "refused", "stored"]
    assert all(r.get("reason") for r in data["results"] if r["status"] == "refused")
    assert Response.objects.count() == 2
    assert FieldDevice.objects.get(pk=registered.device.pk).last_queue_size == 8


def test_revoked_device_and_closed_campaign_are_refused_and_nothing_is_stored(client, registered, make_campaign):
    campaign, token = registered.device.campaign, registered.token
    devices.device_revoke(actor=None, device=registered.device)
    reply = _post(client, token, [_entry(campaign)])
    assert reply.status_code == 403 and reply.json()["error"] == "revoked" and "dicabut" in reply.json()["message"]
    other = devices.device_register(actor=None, campaign=campaign, name="Tablet 2", service_point=None)
    services.campaign_close(actor=None, campaign=campaign)
    reply = _post(client, other.token, [_entry(campaign)])
    assert reply.status_code == 409 and reply.json()["error"] == "closed" and "ditutup" in reply.json()["message"]
    assert _post(client, "tidak-dikenal", [_entry(campaign)]).status_code == 403
    assert client.post(SYNC, "{}", content_type="application/json").status_code == 403  # no token
    assert Response.objects.count() == 0


def test_malformed_and_oversized_batches_and_the_rate_limit(client, registered, settings):
    campaign, token = registered.device.campaign, registered.token
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.post(SYNC, "not json", content_type="application/json", **auth).status_code == 400
    assert client.post(SYNC, '{"responses": 3}', content_type="application/json", **auth).status_code == 400
    assert client.get(SYNC, **auth).status_code == 405
    settings.ZI_SURVEY_SYNC_MAX_BATCH = 2
    assert _post(client, token, [_entry(campaign) for _ in range(3)]).status_code == 413
    settings.ZI_SURVEY_SYNC_PER_MINUTE = 6
    codes = [_post(client, token, []).status_code for _ in range(4)]
    assert codes[:2] == [200, 200] and codes[-1] == 429
    assert Response.objects.count() == 0


def test_implausible_batches_are_flagged_not_dropped(client, registered, settings):
    settings.ZI_SURVEY_OFFLINE_HOURS = "07-17"
    campaign, token = registered.device.campaign, registered.token
    base = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=7))).replace(hour=10, minute=0, second=0)
    rng = random.Random(4)
    burst = [_entry(campaign, when=base + dt.timedelta(seconds=10 * i), rng=rng) for i in range(4)]
    data = _post(client, token, burst).json()
    assert data["stored"] == 4
    flags = [r.flags for r in Response.objects.order_by("pk")]
    assert "offline_burst" not in flags[2] and flags[3]["offline_burst"] == 4
    # identical answer vectors from one device, spaced out in time
    same = [_entry(campaign, when=base + dt.timedelta(minutes=10 * (i + 1)), value=3) for i in range(3)]
    _post(client, token, same)
    last = Response.objects.order_by("-pk").first()
    assert last.flags["offline_identical"] == 3 and last.is_flagged
    # answered at 22:00 local (outside 07–17) and a device clock two hours fast
    night = base.replace(hour=22)
    body = {
        "sent_at": (timezone.now() + dt.timedelta(hours=2)).isoformat(),
        "responses": [_entry(campaign, when=night, rng=rng)],
    }
    client.post(SYNC, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    late = Response.objects.order_by("-pk").first()
    assert late.flags["offline_hours"] == "22:00" and abs(late.flags["offline_clock"] - 7200) < 60
    assert FieldDevice.objects.get(pk=registered.device.pk).last_clock_offset > 7000
    assert Response.objects.filter(excluded=False).count() == 8  # flagged, all counted
    assert {"offline_burst", "offline_identical", "offline_hours", "offline_clock"} <= set(services.FLAG_REASONS)


def test_indices_with_offline_responses_equal_a_recount_from_raw_answers(client, registered):
    campaign, token = registered.device.campaign, registered.token
    rng = random.Random(23)
    start = timezone.now() - dt.timedelta(hours=5)
    batch = [_entry(campaign, when=start + dt.timedelta(minutes=7 * i), rng=rng) for i in range(30)]
    for entry in batch[:5]:  # some blanks are allowed only on optional items; keep them full
        entry["group"] = "pengguna_layanan"
    assert _post(client, token, batch[:20]).json()["stored"] == 20
    assert _post(client, token, batch[10:]).json()["stored"] == 10  # overlap: 10 duplicates
    assert Response.objects.filter(campaign=campaign).count() == 30
    results = {s.instrument.kind: s for s in services.campaign_results(campaign).overall}
    # recount from the raw answers
    raw: dict[int, dict[str, int]] = {}
    for response_id, code, value in ResponseItem.objects.filter(response__campaign=campaign).values_list(
        "response_id", "item__code", "value"
    ):
        raw.setdefault(response_id, {})[code] = value
    assert results["skm"].ikm.ikm == indices.ikm_from_rows(raw.values()).ikm
    ipak_items = [
        item
        for item in services.campaign_items(campaign)
        if item.instrument.kind == "ipak" and item.scale == ItemScale.LIKERT4
    ]
    item_stats = {
        item.code: (sum(1 for r in raw.values() if item.code in r), sum(r.get(item.code, 0) for r in raw.values()))
        for item in ipak_items
    }
    means = [sum(r[i.code] for i in ipak_items) / len(ipak_items) for r in raw.values()]
    moments = indices.MomentStats(len(means), float(sum(means)), float(sum(m * m for m in means)))
    assert results["ipak"].index.value == indices.perception_index("ipak", item_stats, moments).value


def test_sync_service_refuses_before_storing(registered):
    device = registered.device
    with pytest.raises(sync.SyncRefused) as refused:
        sync.sync_batch(device, {"responses": "x"})
    assert refused.value.status == 400


def test_device_page_before_opening_and_after_closing(client, make_campaign):
    later = make_campaign(
        kinds=("skm",), opens_at=timezone.now() + dt.timedelta(days=2), closes_at=timezone.now() + dt.timedelta(days=9)
    )
    early = devices.device_register(actor=None, campaign=later, name="Tablet", service_point=None)
    page = client.get(f"/survei/l/{early.token}/")
    assert page.status_code == 200 and "Simpan jawaban" in page.content.decode()  # cached before the opening
    reply = _post(client, early.token, [_entry(later)])
    assert reply.status_code == 409 and reply.json()["error"] == "not_yet"
    services.campaign_close(actor=None, campaign=later)
    assert client.get(f"/survei/l/{early.token}/").status_code == 409
    assert Response.objects.count() == 0


def test_team_imports_an_exported_file_each_response_once(client, registered, tree, make_campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign, token = registered.device.campaign, registered.token
    synced, offline_only = _entry(campaign), _entry(campaign, value=3)
    assert _post(client, token, [synced]).json()["stored"] == 1
    exported = {"format": "zi-survei-luring/1", "device": "Tablet 1", "responses": [synced, offline_only]}
    url = reverse("surveys:device_import", args=[campaign.pk, registered.device.pk])

    def upload(body: bytes):
        return client.post(url, {"file": SimpleUploadedFile("survei-luring.json", body, "application/json")})

    head = factories.make_user_with_role(Role.UNIT_HEAD, unit=tree["lapas"])
    client.force_login(head)
    assert upload(json.dumps(exported).encode()).status_code == 403
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(outsider)
    assert upload(json.dumps(exported).encode()).status_code == 404
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    reply = upload(json.dumps(exported).encode())
    assert reply.status_code == 302
    assert "1 disimpan, 1 sudah ada, 0 ditolak" in client.get(reply["Location"]).content.decode()
    assert Response.objects.count() == 2
    assert upload(json.dumps(exported).encode()).status_code == 302 and Response.objects.count() == 2  # again: none
    event = AuditEvent.objects.filter(action="import", object_type="surveys.fielddevice").order_by("seq")
    assert [e.extra["stored"] for e in event] == [1, 0]
    assert "bukan hasil Ekspor" in client.get(upload(b"[1,2").url).content.decode()
    devices.device_revoke(actor=None, device=registered.device)
    refused = client.get(upload(json.dumps(exported).encode()).url).content.decode()
    assert "dicabut" in refused and Response.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_syncs_of_the_same_batch_store_each_response_once(make_campaign):
    """Two tabs (or a retry racing the first try) send the same batch at once: each response is stored by exactly
    one of them and acknowledged as duplicate by the others (PostgreSQL: real concurrent transactions)."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    campaign = make_campaign(kinds=("skm",))
    registered = devices.device_register(actor=None, campaign=campaign, name="Tablet", service_point=None)
    rng = random.Random(7)
    batch = [_entry(campaign, rng=rng) for _ in range(15)]
    barrier = threading.Barrier(3)
    results: list[list[sync.Ack]] = []

    def send() -> None:
        try:
            device = FieldDevice.objects.select_related("campaign__unit").get(pk=registered.device.pk)
            barrier.wait()
            results.append(sync.sync_batch(device, {"responses": batch}))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    for index, entry in enumerate(batch):
        statuses = sorted(acks[index].status for acks in results)
        assert statuses == ["duplicate", "duplicate", "stored"], (entry["id"], statuses)
    assert Response.objects.filter(campaign=campaign).count() == 15 == DeviceResponse.objects.count()


def test_no_device_is_registered_on_a_closed_campaign(make_campaign):
    campaign = services.campaign_close(actor=None, campaign=make_campaign(kinds=("skm",)))
    with pytest.raises(services.SurveyError) as refused:
        devices.device_register(actor=None, campaign=campaign, name="Tablet", service_point=None)
    assert refused.value.code == "closed" and not FieldDevice.objects.exists()
