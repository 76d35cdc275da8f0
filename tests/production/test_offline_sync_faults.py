"""Offline sync when the server dies mid-batch (issue #23): a device sends its queue in slices; the app process is
SIGKILLed while a slice is being stored. The device drops only what was acknowledged and sends the rest again
after the restart: every acknowledged response is stored once, the ones stored but not acknowledged (the reply was
lost) come back as ``duplicate``, and no response is lost or doubled."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import requests
from django.db import connection
from django.utils import timezone

from tests.production.test_faults import App, _database_url
from tests.surveys.conftest import (  # noqa: F401 - fixtures
    _clear_cache_and_fast_forms,
    instruments,
    make_campaign,
)
from zi.surveys import devices, services
from zi.surveys.models import DeviceResponse, ItemScale, Response


def _queue(campaign, count: int) -> list[dict]:
    items = services.campaign_items(campaign)
    now = timezone.now()
    return [
        {
            "id": str(uuid.uuid4()),
            "answered_at": now.isoformat(),
            "group": "pengunjung",
            "answers": {str(i.pk): (1 + (n + i.pk) % 4 if i.scale == ItemScale.LIKERT4 else 0) for i in items},
        }
        for n in range(count)
    ]


def _device(app: App, token: str, queue: list[dict], log: dict) -> None:
    """What offline.js does: send slices of 20, drop what was acknowledged, retry the rest until none is left."""
    while queue:
        batch = queue[:20]
        try:
            reply = requests.post(
                f"{app.url}/survei/luring/kirim/",
                json={"sent_at": timezone.now().isoformat(), "queue_size": len(queue), "responses": batch},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
        except requests.RequestException:
            log["connection_errors"] += 1
            time.sleep(0.3)
            continue
        if reply.status_code != 200:
            time.sleep(0.3)
            continue
        done = set()
        for ack in reply.json()["results"]:
            assert ack["status"] in ("stored", "duplicate"), ack
            log[ack["status"]].append(ack["id"])
            done.add(ack["id"])
        queue[:] = [entry for entry in queue if entry["id"] not in done]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_server_killed_during_a_sync_loses_and_doubles_nothing(tmp_path, make_campaign):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: the app processes share the (already migrated) test database")
    campaign = make_campaign(kinds=("skm", "ipak", "ipkp"))
    device = devices.device_register(actor=None, campaign=campaign, name="Tablet", service_point=None)
    queue = _queue(campaign, 120)
    ids = [entry["id"] for entry in queue]
    app = App(tmp_path / "var", _database_url())
    app.env.update(ZI_SURVEY_OFFLINE_HOURS="00-24", ZI_SURVEY_SYNC_PER_MINUTE="1000")
    app.start()
    log: dict = {"stored": [], "duplicate": [], "connection_errors": 0}
    try:
        sender = threading.Thread(target=_device, args=(app, device.token, queue, log))
        sender.start()
        deadline = time.monotonic() + 120
        while Response.objects.filter(campaign=campaign).count() < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        app.kill()  # mid-slice: some of the slice committed, its reply never sent
        acked_before_kill = list(log["stored"])
        time.sleep(0.5)
        app.start()
        sender.join(timeout=300)
        assert not sender.is_alive()
    finally:
        app.stop()
    assert log["connection_errors"] >= 1, "the kill did not hit a sync"
    assert not queue  # everything acknowledged in the end
    stored_ids = [
        str(value) for value in DeviceResponse.objects.filter(device=device.device).values_list("client_id", flat=True)
    ]
    assert sorted(stored_ids) == sorted(ids)  # none lost, none twice
    assert Response.objects.filter(campaign=campaign).count() == 120
    assert set(acked_before_kill) <= set(stored_ids)
    assert not set(acked_before_kill) & set(log["duplicate"])  # acknowledged ones were never sent again
    assert log["duplicate"], "the lost reply's responses were sent again and recognised"
    print(f"acknowledged before the kill {len(acked_before_kill)}, sent again and duplicate {len(log['duplicate'])}")
