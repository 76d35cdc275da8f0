"""The task queue (Huey): in-process immediate mode by default; a real Redis-backed consumer in production.

The consumer test starts ``zi run_huey`` in a subprocess with ``ZI_TASKS_REDIS_URL`` and a unique queue name,
enqueues onto that queue from here and waits for the results the worker stores in Redis. On PostgreSQL the
worker also rescores a period in the test database (committed data, ``transactional_db``); SQLite test
databases live in memory, so there only the round trip is checked.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from huey import RedisHuey

from tests.production.conftest import unavailable
from tests.test_answer_services import build_world
from zi.assessments import services
from zi.assessments import tasks as assessment_tasks
from zi.assessments.models import LaneScore
from zi.core import tasks
from zi.insights import tasks as insights_tasks

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("ZI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_immediate_mode_is_the_embedded_default():
    assert tasks.huey.immediate is True
    assert tasks.ping("x")() == {"pong": "x", "pid": os.getpid()}
    assert tasks.queue_reachable()


def test_rescore_task_runs_inline_by_default(tree):
    world = build_world(tree)
    code = world["codes"]["ya_tidak"]
    services.answer_save(actor=world["member"], assessment=world["assessment"], question_code=code, raw="Ya")
    assert assessment_tasks.rescore_period(world["period"].pk, "self")() == 1
    assert LaneScore.objects.filter(assessment=world["assessment"], lane="self").exists()
    assert insights_tasks.insights_refresh() is not None


def test_email_task_sends_through_the_configured_backend(settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_email("Pengingat", "Isi", ["a@example.go.id"])() == 1
    assert mail.outbox[-1].subject == "Pengingat"


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"Redis at {REDIS_URL} is not reachable: {exc}")


def _database_url_for_worker(tmp_path: Path) -> str:
    data = connection.settings_dict
    if connection.vendor == "postgresql":
        user = data.get("USER") or "postgres"
        password = f":{data['PASSWORD']}" if data.get("PASSWORD") else ""
        host = f"{data.get('HOST') or '127.0.0.1'}:{data.get('PORT') or 5432}"
        return f"postgres://{user}{password}@{host}/{data['NAME']}"
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"  # not migrated: only DB-free tasks run there


@pytest.fixture
def consumer(tmp_path, transactional_db):
    _redis_or_skip()
    queue = f"zi-test-{uuid.uuid4().hex[:10]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "zi.config.settings",
            "ZI_VAR_DIR": str(tmp_path / "var"),
            "ZI_TASKS_REDIS_URL": REDIS_URL,
            "ZI_TASKS_QUEUE": queue,
            "DATABASE_URL": _database_url_for_worker(tmp_path),
        }
    )
    log = (tmp_path / "consumer.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "zi.cli", "run_huey", "--workers", "2", "--worker-type", "thread"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    producer = RedisHuey(name=queue, url=REDIS_URL)
    producer._registry = tasks.huey._registry  # the same task classes the worker registered
    yield producer, process
    process.send_signal(signal.SIGINT)  # graceful: finish running tasks, then exit
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    log.close()
    producer.flush()


def _log(tmp_path: Path) -> str:
    path = tmp_path / "consumer.log"
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def test_a_real_redis_consumer_runs_the_tasks(consumer, tmp_path):
    producer, process = consumer
    result = producer.enqueue(tasks.ping.s("halo"))
    try:
        value = result.get(blocking=True, timeout=60)
    except Exception:
        pytest.fail(f"no result from the worker; its log:\n{_log(tmp_path)}")
    assert value["pong"] == "halo"
    assert value["pid"] != os.getpid()
    assert process.poll() is None

    if connection.vendor != "postgresql":
        return
    world = build_world_committed()
    result = producer.enqueue(assessment_tasks.rescore_period.s(world["period"].pk, "self"))
    assert result.get(blocking=True, timeout=120) == 1, _log(tmp_path)
    assert LaneScore.objects.filter(assessment=world["assessment"], lane="self").exists()


def build_world_committed() -> dict:
    from tests import factories

    agency = factories.AgencyFactory(code="KEMENKUMHAM", name="Kementerian Hukum dan HAM")
    ditjen = factories.make_unit(agency=agency, name="Ditjen Pemasyarakatan", code="DITJENPAS")
    sumsel = factories.make_unit(parent=ditjen, name="Kanwil Sumatera Selatan", code="KANWIL-SUMSEL")
    lapas = factories.make_unit(parent=sumsel, name="Lapas Kelas I Palembang", code="LAPAS-PLG")
    rutan = factories.make_unit(parent=sumsel, name="Rutan Kelas IIB Prabumulih", code="RUTAN-PBM")
    world = build_world({"ditjen": ditjen, "sumsel": sumsel, "lapas": lapas, "rutan": rutan})
    code = world["codes"]["ya_tidak"]
    services.answer_save(actor=world["member"], assessment=world["assessment"], question_code=code, raw="Ya")
    LaneScore.objects.filter(assessment=world["assessment"]).delete()
    return world
