"""Reliability under faults and concurrency: what a user or an API client sees, and what is stored afterwards,
when the file storage fails mid-upload, the database goes away during a request, the task broker is down, or
several people save the same answer at once. Every refusal is clear (409 / 503 with a message, no stack trace),
nothing half-written stays behind, nothing acknowledged is lost, and the audit chain still verifies."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import requests
from botocore.exceptions import EndpointConnectionError
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.utils import timezone
from huey import RedisHuey
from rest_framework.test import APIClient

from tests import factories
from tests.api.world import PDF, build
from tests.surveys.conftest import (  # noqa: F401 - fixtures used by the task-queue test (the autouse one clears
    _clear_cache_and_fast_forms,  # the cache around every test of this module, which is harmless here)
    instruments,
    make_campaign,
)
from tests.surveys.test_public_form import _post as survey_post
from zi.api import services as api_services
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Evidence, EvidenceRevision
from zi.core import audit
from zi.core.models import AuditEvent
from zi.lke.models import LkeTemplate
from zi.lke.services import template_spec, templates_load_all
from zi.organisations.models import Role
from zi.surveys import rollups
from zi.surveys import services as survey_services
from zi.surveys import tasks as survey_tasks
from zi.surveys.models import Instrument
from zi.surveys.models import Response as SurveyResponse

ROOT = Path(__file__).resolve().parents[2]


class HalfWritingStorage(FileSystemStorage):
    """The disk fills up in the middle of a write: half the bytes land under the final name, then ENOSPC."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.read()
        path.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")


class UnreachableObjectStorage(FileSystemStorage):
    """Object storage that cannot be reached (what boto raises when the S3 endpoint is down)."""

    def _save(self, name, content):
        raise EndpointConnectionError(endpoint_url="http://s3.internal:8333")


def _storages(backend: str, location: Path) -> dict:
    return {
        "default": {"BACKEND": backend, "OPTIONS": {"location": str(location)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _token_client(user, **kwargs) -> APIClient:
    client = APIClient(**kwargs)
    _token, raw = api_services.token_create(actor=None, user=user, name="faults")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def world(tree):
    return build(tree)


def _upload(client, world, name="sk-baru.pdf", data=PDF + b"% revisi 2\n"):
    return client.post(
        f"/api/assessments/{world['draft'].pk}/evidence/",
        {"question": world["choice_code"], "title": "SK revisi", "file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


# --- storage -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", [HalfWritingStorage, UnreachableObjectStorage], ids=["disk-full", "s3-down"])
def test_storage_failure_during_upload_is_503_and_leaves_nothing_half_written(world, settings, tmp_path, backend):
    member = world["member"]
    client = _token_client(member)
    saved = client.post(
        f"/api/assessments/{world['draft'].pk}/answers/", {"question": world["choice_code"], "choice": "Ya"}
    )
    assert saved.status_code == 200
    answer_before = Answer.objects.get(pk=saved.json()["id"])
    counts = (Evidence.objects.count(), EvidenceRevision.objects.count(), AuditEvent.objects.count())

    settings.STORAGES = _storages(f"{__name__}.{backend.__name__}", tmp_path / "media")
    failed = _upload(client, world)
    assert failed.status_code == 503, failed.content
    assert failed["Retry-After"]
    body = failed.json()
    assert body["code"] == "unavailable" and "Penyimpanan berkas" in body["detail"]
    assert "Traceback" not in failed.content.decode()
    assert (Evidence.objects.count(), EvidenceRevision.objects.count(), AuditEvent.objects.count()) == counts
    answer_after = Answer.objects.get(pk=answer_before.pk)
    assert (answer_after.choice, answer_after.value) == (answer_before.choice, answer_before.value)

    # the storage recovers: the same upload now stores the whole file (a partial one left behind is replaced)
    settings.STORAGES = _storages("django.core.files.storage.FileSystemStorage", tmp_path / "media")
    stored = _upload(client, world)
    assert stored.status_code == 201, stored.content
    revision = EvidenceRevision.objects.get(evidence_id=stored.json()["id"])
    with default_storage.open(revision.file.name, "rb") as handle:
        content = handle.read()
    assert content == PDF + b"% revisi 2\n"
    assert hashlib.sha256(content).hexdigest() == revision.sha256
    web = Client()
    web.force_login(member)
    download = web.get(stored.json()["revisions"][0]["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert audit.verify().ok


# --- database ----------------------------------------------------------------------------------------------------


def test_database_lost_during_an_api_write_is_503_and_rolled_back(world, monkeypatch):
    client = _token_client(world["member"])
    url = f"/api/assessments/{world['draft'].pk}/answers/"
    assert client.post(url, {"question": world["choice_code"], "choice": "Ya", "note": "awal"}).status_code == 200
    events = AuditEvent.objects.count()

    def connection_dropped(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("zi.assessments.services.audit.record", connection_dropped)
    response = client.post(url, {"question": world["choice_code"], "choice": "Tidak", "note": "hilang"})
    assert response.status_code == 503
    assert response["Retry-After"] and response.json()["code"] == "unavailable"
    assert "Basis data" in response.json()["detail"] and "Traceback" not in response.content.decode()
    monkeypatch.undo()
    answer = Answer.objects.get(assessment=world["draft"], lane="self")
    assert (answer.choice, answer.note) == ("Ya", "awal")  # the half-done save was rolled back
    assert AuditEvent.objects.count() == events and audit.verify().ok


def test_database_lost_on_a_page_is_a_503_page_not_a_trace(world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(world["member"])

    def connection_dropped(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", connection_dropped)
    page = client.get("/unit/")
    api = client.get("/api/units/")
    monkeypatch.undo()
    assert page.status_code == 503 and page["Retry-After"]
    html = page.content.decode()
    assert "Layanan sementara tidak tersedia" in html and "Traceback" not in html and "OperationalError" not in html
    assert "Content-Security-Policy" in page.headers  # the security headers still wrap the error page
    assert api.status_code == 503 and api.json()["code"] == "unavailable"
    assert client.get("/unit/").status_code == 200  # and the next request, with the database back, works


def test_other_server_errors_stay_500_without_a_trace(world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(world["member"])
    monkeypatch.setattr("zi.organisations.views_home.grants_for", lambda user: 1 / 0)
    page = client.get("/")
    assert page.status_code == 500 and "Retry-After" not in page
    assert "Kesalahan server" in page.content.decode() and "ZeroDivisionError" not in page.content.decode()


def _kill_sessions(monkeypatch, *, after_statements: int = 0):
    """Arm a real drop: PostgreSQL terminates the server thread's session when it sends its next statement (after
    ``after_statements`` more), as an administrator or a failover would. Returns the arming function."""
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    original = CursorWrapper.execute
    armed = {"kills": 0, "skip": 0}

    def execute(self, sql, params_=None):
        if armed["kills"] and threading.current_thread() is not threading.main_thread():
            if armed["skip"]:
                armed["skip"] -= 1
            else:
                armed["kills"] -= 1
                with psycopg.connect(**params, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", [self.db.connection.info.backend_pid])
        return original(self, sql, params_)

    monkeypatch.setattr(CursorWrapper, "execute", execute)

    def arm(kills: int = 1, skip: int = after_statements) -> None:
        armed["kills"], armed["skip"] = kills, skip

    return arm


@pytest.mark.django_db(transaction=True)
def test_postgres_session_killed_during_a_read_is_answered_again(live_server, monkeypatch, caplog):
    """A real drop in the middle of a request that has written nothing: the request is answered again on a new
    connection (once) and the user sees the page; killed on the retry too, it answers 503 (JSON or page)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: an in-memory SQLite database cannot be taken away from one thread")
    arm = _kill_sessions(monkeypatch)
    url = f"{live_server.url}/healthz"
    assert requests.get(url, timeout=60).status_code == 200
    arm(kills=1)
    again = requests.get(url, timeout=60, headers={"Accept": "application/json"})
    assert again.status_code == 200 and again.json() == {"status": "ok"}, again.text[:300]
    assert any("answering again" in r.getMessage() for r in caplog.records)
    arm(kills=2)  # the retry meets a dropped connection too: no second retry
    dropped = requests.get(url, timeout=60, headers={"Accept": "application/json"})
    assert dropped.status_code == 503 and dropped.json()["code"] == "unavailable", dropped.text[:300]
    assert dropped.headers["Retry-After"]
    arm(kills=2)
    page = requests.get(url, timeout=60)
    assert page.status_code == 503 and "Layanan sementara tidak tersedia" in page.text
    assert requests.get(url, timeout=60).json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_postgres_session_killed_after_a_write_is_not_answered_again(live_server, monkeypatch, tree):
    """A request that already sent a write when its session was killed is not replayed (the write's outcome is
    unknown): 503, and the answer is as it was before or as written once — never twice."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: an in-memory SQLite database cannot be taken away from one thread")
    world = build(tree)
    _token, raw = api_services.token_create(actor=None, user=world["member"], name="faults")
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"{live_server.url}/api/assessments/{world['draft'].pk}/answers/"
    first = requests.post(
        url, json={"question": world["choice_code"], "choice": "Ya", "note": "awal"}, headers=headers, timeout=60
    )
    assert first.status_code == 200, first.text[:300]
    events = AuditEvent.objects.count()
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    original = CursorWrapper.execute
    writes: list[str] = []
    killed: list[int] = []

    def execute(self, sql, params_=None):
        if threading.current_thread() is not threading.main_thread():
            if writes and not killed:  # the statement after the first write: the session is terminated
                killed.append(self.db.connection.info.backend_pid)
                with psycopg.connect(**params, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", killed)
            if sql.lstrip().upper().startswith(("UPDATE", "INSERT")):
                writes.append(sql)
        return original(self, sql, params_)

    monkeypatch.setattr(CursorWrapper, "execute", execute)
    second = requests.post(
        url, json={"question": world["choice_code"], "choice": "Tidak", "note": "ubah"}, headers=headers, timeout=60
    )
    monkeypatch.undo()
    assert second.status_code == 503 and second.json()["code"] == "unavailable", second.text[:300]
    assert killed and len(writes) == 1  # the write was sent once and not replayed
    answer = Answer.objects.get(assessment=world["draft"], lane="self")
    assert (answer.choice, answer.note) == ("Ya", "awal")  # the transaction died with the session
    assert AuditEvent.objects.count() == events and audit.verify().ok


# --- task queue --------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_survey_submission_survives_a_task_broker_outage(client, settings, monkeypatch, make_campaign, caplog):  # noqa: F811
    """Broker down after a submit committed: the respondent still gets the thank-you page (their response is
    stored), the failed enqueue is logged, and the periodic roll-up folds the response in later."""
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 0
    settings.HUEY = {**settings.HUEY, "immediate": False}
    down = RedisHuey(name="zi-down", url="redis://127.0.0.1:1/0")
    down._registry = survey_tasks.surveys_apply_rollups.huey._registry  # the same task classes
    monkeypatch.setattr(survey_tasks.surveys_apply_rollups, "huey", down)
    campaign = make_campaign(kinds=("skm",))
    response = survey_post(client, campaign, value=4)
    assert response.status_code == 200 and "Terima kasih" in response.content.decode()
    stored = SurveyResponse.objects.get(campaign=campaign)
    assert not stored.rolled_up  # pending: the worker could not be asked
    assert any("on_commit" in r.getMessage() or "ConnectionError" in str(r.exc_info) for r in caplog.records)
    assert rollups.apply_pending(campaign.pk) == 1  # what the every-minute task does once the broker is back
    stored.refresh_from_db()
    assert stored.rolled_up


# --- concurrency -------------------------------------------------------------------------------------------------


def _concurrently(count: int, call) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        barrier.wait(timeout=60)
        results[index] = call(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_answer_one_wins_the_rest_get_409(live_server, tree):
    """Eight people save the same answer at the same moment, all from the same version: exactly one save is
    stored, seven are told it is stale and get the winner's answer back; nothing is half-written."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database takes no concurrent writers")
    world = build(tree)
    url = f"{live_server.url}/api/assessments/{world['draft'].pk}/answers/"
    tokens = [api_services.token_create(actor=None, user=world["member"], name=f"t{i}")[1] for i in range(8)]
    headers = [{"Authorization": f"Bearer {token}"} for token in tokens]
    before_first = AuditEvent.objects.count()
    first = requests.post(url, json={"question": world["choice_code"], "choice": "Ya"}, headers=headers[0], timeout=60)
    version = first.json()["version"]
    events = AuditEvent.objects.count()
    per_save = events - before_first  # the answer's event and the lane rescore's

    def save(index: int):
        body = {"question": world["choice_code"], "choice": "Tidak", "note": f"orang {index}", "version": version}
        return requests.post(url, json=body, headers=headers[index], timeout=120)

    results = _concurrently(8, save)
    codes = sorted(r.status_code for r in results)
    assert codes == [200] + [409] * 7, [(r.status_code, r.text[:200]) for r in results]
    winner = next(r for r in results if r.status_code == 200).json()
    for loser in (r for r in results if r.status_code == 409):
        assert loser.json()["current"]["note"] == winner["note"]
        assert loser.json()["current"]["version"] == winner["version"]
    answer = Answer.objects.get(assessment=world["draft"], lane="self")
    assert (answer.note, answer.choice) == (winner["note"], "Tidak")
    assert AuditEvent.objects.count() == events + per_save  # only the winner's save was recorded
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_without_version_make_one_row(live_server, tree):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database takes no concurrent writers")
    world = build(tree)
    url = f"{live_server.url}/api/assessments/{world['draft'].pk}/answers/"
    tokens = [api_services.token_create(actor=None, user=world["member"], name=f"t{i}")[1] for i in range(6)]

    def save(index: int):
        body = {"question": world["choice_code"], "choice": "Ya" if index % 2 else "Tidak", "note": f"n{index}"}
        return requests.post(url, json=body, headers={"Authorization": f"Bearer {tokens[index]}"}, timeout=120)

    results = _concurrently(6, save)
    assert all(r.status_code == 200 for r in results), [(r.status_code, r.text[:200]) for r in results]
    answers = Answer.objects.filter(assessment=world["draft"], lane="self")
    assert answers.count() == 1
    assert answers.get().note in {f"n{i}" for i in range(6)}
    assert audit.verify().ok


# --- load while the app process is killed ----------------------------------------------------------------------


def _burst_setup() -> dict:
    """A unit with a draft assessment, an open campaign and a team member's API token (committed: the app
    processes read it from the same database)."""
    templates_load_all()
    survey_services.instruments_load_all()
    agency = factories.AgencyFactory(code="KEMENKUMHAM", name="Kementerian Hukum dan HAM")
    unit = factories.make_unit(agency=agency, name="Lapas Kelas I Palembang", code="LAPAS-PLG")
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=unit, username="anggota")
    template = LkeTemplate.objects.order_by("pk").first()
    lke_period = assessment_services.period_create(
        actor=None,
        year=2026,
        name="Periode 2026",
        template=template,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    assessment = assessment_services.assessment_start(actor=member, unit=unit, period=lke_period)
    now = timezone.now()
    campaign = survey_services.campaign_create(
        actor=None,
        unit=unit,
        period=lke_period,
        instruments=[Instrument.objects.filter(kind="skm").first()],
        title="Survei Layanan 2026",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        respondent_groups=["pengguna_layanan"],
    )
    _token, raw = api_services.token_create(actor=None, user=member, name="beban")
    question = next(iter(template_spec(template).questions))
    return {"campaign": campaign.token, "assessment": assessment.pk, "token": raw, "question": question}


def _burst_state(media: Path) -> dict:
    """What the database and the app's media directory hold after the burst."""
    devices = Counter(SurveyResponse.objects.values_list("device_hash", flat=True))
    files_ok = all(
        hashlib.sha256((media / revision.file.name).read_bytes()).hexdigest() == revision.sha256
        for revision in EvidenceRevision.objects.exclude(file="")
    )
    return {
        "responses": sum(devices.values()),
        "max_per_device": max(devices.values(), default=0),
        "evidence_titles": list(Evidence.objects.values_list("title", flat=True)),
        "evidence_ids": list(Evidence.objects.values_list("pk", flat=True)),
        "files_ok": files_ok,
    }


def _database_url() -> str:
    """The test database this process uses, as a URL for the app processes."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class App:
    """``gunicorn`` serving the app on loopback from the test's PostgreSQL database and its own media directory;
    ``kill`` is a SIGKILL of the whole process group (master and workers, mid-request), ``start`` brings it back
    on the same port."""

    def __init__(self, var: Path, database_url: str) -> None:
        import socket

        self.var = var
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        self.env.update(
            DATABASE_URL=database_url,
            DJANGO_SECRET_KEY=django_settings.SECRET_KEY,  # the same keyed hashes as this process
            ZI_VAR_DIR=str(var),
            DJANGO_DEBUG="0",
            ZI_SURVEY_MIN_FILL_SECONDS="0",
            ZI_SURVEY_IP_REJECT_AT="1000000",
            ZI_SURVEY_IP_FLAG_AT="1000000",
        )
        self.process: subprocess.Popen | None = None
        var.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "zi.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.var / "gunicorn.log").open("ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise AssertionError("the app did not come up: " + (self.var / "gunicorn.log").read_text()[-2000:])

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _survey_client(app: App, token: str, index: int, outcome: dict) -> None:
    """A respondent who retries until the server acknowledges; a retry after a lost answer is told 409
    ("already sent"), which acknowledges the first attempt."""
    import re

    session = requests.Session()
    url = f"{app.url}/survei/s/{token}/"
    for _attempt in range(60):
        try:
            page = session.get(url, timeout=30)
            if page.status_code != 200:
                time.sleep(0.3)
                continue
            html = page.text
            data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))  # stamp, CSRF
            data["kelompok"] = "pengguna_layanan"
            for name in set(re.findall(r'name="(q\d+)"', html)):
                data[name] = "4"
            answer = session.post(url, data=data, timeout=30)
        except requests.RequestException:
            outcome.setdefault("connection_errors", []).append(index)
            time.sleep(0.3)
            continue
        if answer.status_code == 200 and "Terima kasih" in answer.text:
            outcome[index] = "stored"
            return
        if answer.status_code == 409 and "sudah mengirim" in answer.text:
            outcome[index] = "stored-before"
            return
        time.sleep(0.3)
    outcome[index] = "gave-up"


def _upload_client(app: App, setup: dict, index: int, outcome: dict, start_when: Callable[[], bool]) -> None:
    """An API client that sends each upload with an ``Idempotency-Key`` and retries with the same key until it
    gets an answer: a retry after a lost answer returns the first upload (same id) instead of a second copy.
    It starts when ``start_when()`` says so (just before a kill), with a file large enough to be in flight."""
    deadline = time.monotonic() + 120
    while not start_when() and time.monotonic() < deadline:
        time.sleep(0.02)
    data = PDF + f"% unggahan {index}\n".encode() + b"%" + b"0" * 1_500_000 + b"\n"
    headers = {"Authorization": f"Bearer {setup['token']}", "Idempotency-Key": f"beban-{index}-{os.getpid()}"}
    for _attempt in range(60):
        try:
            response = requests.post(
                f"{app.url}/api/assessments/{setup['assessment']}/evidence/",
                headers=headers,
                data={"question": setup["question"], "title": f"Unggahan {index}"},
                files={"file": (f"u{index}.pdf", data, "application/pdf")},
                timeout=60,
            )
        except requests.RequestException:
            outcome.setdefault("connection_errors", []).append(index)
            time.sleep(0.3)
            continue
        if response.status_code in (201, 409, 503):  # 409: the first try is still running; 503: retry later
            if response.status_code == 201:
                replayed = response.headers.get("Idempotent-Replayed") == "true"
                outcome[index] = ("acked-replayed" if replayed else "acked", response.json()["id"])
                return
            time.sleep(0.3)
            continue
        outcome[index] = (f"refused-{response.status_code}", None)
        return
    outcome[index] = ("gave-up", None)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_burst_of_writes_while_the_app_is_killed_and_restarted(tmp_path):
    """40 survey submissions and 12 evidence uploads from 14 respondents and 12 API clients at once while every
    app process is SIGKILLed twice and restarted: every client retries until acknowledged (uploads with an
    Idempotency-Key), so every write is stored exactly once, every stored file matches its hash and the audit
    chain verifies."""
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: the app processes share the (already migrated) test database")
    setup = _burst_setup()
    app = App(tmp_path / "var", _database_url())
    app.start()
    surveys: dict = {}
    uploads: dict = {}
    try:

        def acked_at_least(count: int) -> Callable[[], bool]:
            return lambda: sum(1 for key in list(surveys) if isinstance(key, int)) >= count  # a copy: threads add keys

        # 12 upload clients (half start just before each kill, so some are cut off mid-request) + 14 respondents
        with ThreadPoolExecutor(max_workers=26) as pool:
            jobs = [
                pool.submit(_upload_client, app, setup, i, uploads, acked_at_least(7 + 16 * (i % 2))) for i in range(12)
            ]
            jobs += [pool.submit(_survey_client, app, setup["campaign"], i, surveys) for i in range(40)]
            for done_at in (8, 24):  # kill mid-burst: after 8 and after 24 acknowledged submissions
                deadline = time.monotonic() + 120
                while sum(1 for key in list(surveys) if isinstance(key, int)) < done_at and time.monotonic() < deadline:
                    time.sleep(0.05)
                app.kill()
                time.sleep(0.5)
                app.start()
            for job in jobs:
                job.result(timeout=600)
    finally:
        app.stop()
    errors = surveys.pop("connection_errors", [])
    assert errors, "the kills did not hit the burst"
    assert set(surveys.values()) <= {"stored", "stored-before"}, surveys
    upload_errors = uploads.pop("connection_errors", [])
    print(
        f"connection errors seen: {len(errors)} surveys, {len(upload_errors)} uploads; told 'already sent' after a "
        f"lost answer: {sum(v == 'stored-before' for v in surveys.values())}; uploads replayed by key: "
        f"{sum(result == 'acked-replayed' for result, _id in uploads.values())}"
    )
    assert {result for result, _id in uploads.values()} <= {"acked", "acked-replayed"}, uploads
    assert len(uploads) == 12
    state = _burst_state(app.var / "media")
    assert state["responses"] == 40 and state["max_per_device"] == 1  # none lost, none twice
    assert sorted(state["evidence_titles"]) == sorted(f"Unggahan {i}" for i in range(12))  # each exactly once
    assert sorted(state["evidence_ids"]) == sorted(evidence_id for _result, evidence_id in uploads.values())
    assert state["files_ok"]
    assert audit.verify().ok
