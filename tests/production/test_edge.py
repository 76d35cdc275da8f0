"""The edge as an operator deploys it: the shipped nginx configuration in front of the app.

Clients connect from their own loopback addresses (127.0.0.2, 127.0.0.3 …: the socket is bound to them), so the
only X-Forwarded-For the app can believe is the one nginx builds with ``$proxy_add_x_forwarded_for``. Two people
are counted apart (complaint limit, survey address flags), a header a client forges changes nothing, and a
respondent whose first try crashed mid-way is not flagged when the same form is sent again: in front of the live
server (any database), and on PostgreSQL in front of gunicorn (``deploy/gunicorn.conf.py``, shared Redis cache)
whose worker really dies inside the submit transaction (:mod:`tests.production.crash_wsgi`).

Also here: retries are never suspicious through the view (a crash inside the transaction, a replay of the same
form, a refused one-time code), database connection health checks, and task retries on a dropped connection.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import urllib3
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from requests.adapters import HTTPAdapter

from tests.production.conftest import unavailable
from tests.production.test_deploy_files import NGINX_CONF, _nginx_version
from tests.surveys.conftest import answers_for, instruments, make_campaign, stamp_from  # noqa: F401
from zi.core import tasks as core_tasks
from zi.programme.models import Complaint
from zi.surveys import integrity, services
from zi.surveys import tasks as survey_tasks
from zi.surveys.models import Response
from zi.surveys.services import submissions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    cache.clear()
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 0
    for name in ("ZI_SURVEY_PATTERN_FLAG_AT", "ZI_SURVEY_STRAIGHTLINE_FLAG_AT", "ZI_SURVEY_NEAR_FLAG_AT"):
        setattr(settings, name, 0)  # identical answers from several test respondents are not the point here
    yield
    cache.clear()


class CrashOnce:
    """Stands in for the stuffing check inside the submit transaction: the first call dies (the worker "crashes"
    after the response row was written but before the commit), later calls do the real work."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("worker died mid-transaction")
        return self.real(*args, **kwargs)


def _form_data(html: str, campaign) -> dict[str, str]:
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))  # stamp, CSRF token
    return {**data, "ts": stamp_from(html), "kelompok": "pengguna_layanan", **answers_for(campaign)}


# --- retries through the view ----------------------------------------------------------------------------------


def test_retry_after_a_crash_inside_the_transaction_is_not_flagged(make_campaign, monkeypatch):  # noqa: F811
    """Before: the device counter was raised before the transaction, so the retry was ``device_burst``."""
    campaign = make_campaign()
    monkeypatch.setattr(submissions, "_cluster_flags", CrashOnce(submissions._cluster_flags))
    client = Client(raise_request_exception=False)
    url = reverse("surveys:public", args=[campaign.token])
    data = _form_data(client.get(url).content.decode(), campaign)
    assert client.post(url, data).status_code == 500
    assert not Response.objects.exists()  # rolled back
    retry = client.post(url, data)
    assert retry.status_code == 200 and "Terima kasih" in retry.content.decode()
    stored = Response.objects.get()
    assert stored.flags == {} and not stored.is_flagged


def test_a_replay_of_the_same_form_counts_once(make_campaign, settings):  # noqa: F811
    settings.ZI_SURVEY_IP_FLAG_AT = 1
    campaign = make_campaign(kiosk_enabled=True)
    client = Client()
    url = reverse("surveys:kiosk", args=[campaign.token])
    data = _form_data(client.get(url).content.decode(), campaign)
    assert client.post(url, data).status_code == 200
    assert client.post(url, data).status_code == 200  # the answer was lost; the same form is sent again
    assert Response.objects.count() == 1
    ip_hash = integrity.keyed_hash("ip", campaign.pk, "127.0.0.1")
    assert integrity.peek("ip", campaign.pk, ip_hash, integrity.ip_limits()) == 1
    other = Client()  # a second respondent from the same address is the second, not the third
    assert other.post(url, _form_data(other.get(url).content.decode(), campaign)).status_code == 200
    assert Response.objects.order_by("pk").last().flags.get("ip_burst") == 2


def test_a_refused_code_then_the_right_one_is_not_a_device_burst(make_campaign):  # noqa: F811
    campaign = make_campaign(require_code=True)
    codes = services.codes_generate(actor=None, campaign=campaign, count=1)
    client = Client()
    url = reverse("surveys:public", args=[campaign.token])
    wrong = client.post(url, {**_form_data(client.get(url).content.decode(), campaign), "kode": "ZZZZZZZZ"})
    assert wrong.status_code == 400
    right = client.post(url, {**_form_data(wrong.content.decode(), campaign), "kode": codes[0]})
    assert right.status_code == 200
    assert Response.objects.get().flags == {}


# --- database connections ----------------------------------------------------------------------------------------


def test_connection_health_checks_are_on_for_persistent_connections(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zi.config.settings",
        ZI_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://zi:x@db.internal:5432/zi",
    )
    code = (
        "import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.split() == ["60", "True"], result.stderr


def test_a_task_that_meets_a_dropped_connection_runs_again(monkeypatch):
    """The worker's task body (what huey runs, ``call_local``) retries on a connection error, and only then."""
    monkeypatch.setattr(core_tasks, "DB_RETRY_DELAYS", (0, 0))
    calls = []

    def flaky(campaign_id=None):
        calls.append(campaign_id)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return 7

    monkeypatch.setattr("zi.surveys.rollups.apply_pending", flaky)
    assert survey_tasks.surveys_apply_rollups.call_local(5) == 7 and calls == [5, 5, 5]
    calls.clear()

    def always_down(campaign_id=None):
        calls.append(campaign_id)
        raise OperationalError("connection refused")

    monkeypatch.setattr("zi.surveys.rollups.apply_pending", always_down)
    with pytest.raises(OperationalError):
        survey_tasks.surveys_apply_rollups.call_local(5)
    assert len(calls) == 3  # the first try and two retries
    calls.clear()

    def broken(campaign_id=None):
        calls.append(campaign_id)
        raise ValueError("a bug, not a connection")

    monkeypatch.setattr("zi.surveys.rollups.apply_pending", broken)
    with pytest.raises(ValueError):
        survey_tasks.surveys_apply_rollups.call_local(5)
    assert calls == [5]


# --- the shipped nginx in front of the app ---------------------------------------------------------------------


def _nginx_binary() -> str | None:
    unpacked = Path(sys.prefix) / "opt" / "nginx" / "usr" / "sbin" / "nginx"  # scripts/_setup.sh puts it there
    return shutil.which("nginx") or next((str(p) for p in (Path("/usr/sbin/nginx"), unpacked) if p.exists()), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SourceAddressAdapter(HTTPAdapter):
    """Connections from one loopback address (the client's own address, as nginx sees it)."""

    def __init__(self, source: str, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def _person(source: str, origin: str = "") -> requests.Session:
    session = requests.Session()
    session.mount("https://", SourceAddressAdapter(source))
    session.trust_env = False  # no proxy or CA bundle from the environment
    session.verify = False  # the throw-away certificate
    if origin:  # what a browser sends to an HTTPS site on port 443 (nginx passes $host without the test's port)
        session.headers["Origin"] = origin
    return session


@contextmanager
def shipped_nginx(app: str, tmp_path: Path):
    """The shipped ``deploy/nginx/zi.conf`` with its upstreams pointed at ``app`` (host:port), free ports and a
    throw-away certificate; yields the HTTPS base URL."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    binary = _nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (scripts/_setup.sh unpacks Debian's nginx for the tests)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed for a throw-away certificate")
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            *f"req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=zi.test -keyout {tls}/privkey.pem".split(),
            "-out",
            f"{tls}/fullchain.pem",
        ],
        capture_output=True,
        check=True,
    )
    http_port, https_port = _free_port(), _free_port()
    text = NGINX_CONF.read_text(encoding="utf-8").replace("/etc/nginx/tls/", f"{tls}/")
    text = re.sub(r"(server\s+)[a-z0-9_-]+:\d+", rf"\g<1>{app}", text)  # every upstream: the live server
    text = text.replace("listen 80;", f"listen {http_port};")
    ssl_listen = f"listen {https_port} ssl"
    text = text.replace("listen 443 ssl;", f"{ssl_listen};")
    if _nginx_version(binary) < (1, 25, 1):  # Debian 12's 1.22: the older spelling of `http2 on;`
        text = text.replace("    http2 on;\n", "").replace(f"{ssl_listen};", f"{ssl_listen} http2;")
    assert f"server {app}" in text and "$proxy_add_x_forwarded_for" in text
    (tmp_path / "zi.conf").write_text(text, encoding="utf-8")
    (tmp_path / "logs").mkdir()
    temp_paths = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the pytest tmp directory (0700)
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off; worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; {temp_paths} include {tmp_path}/zi.conf; }}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(  # noqa: S603
        [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"https://127.0.0.1:{https_port}"
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    try:
        deadline, last = time.monotonic() + 30, ""
        while True:
            try:
                probe = _person("127.0.0.1").get(f"{base}/healthz", timeout=5)
                if probe.status_code == 200:
                    break
                last = f"{probe.status_code} {probe.text[:300]}"
            except requests.RequestException as exc:
                last = repr(exc)
            if process.poll() is not None or time.monotonic() > deadline:
                error_log = tmp_path / "logs" / "error.log"
                pytest.fail(f"nginx did not come up: {last} {error_log.read_text() if error_log.exists() else ''}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def nginx(live_server, tmp_path):
    with shipped_nginx(live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1"), tmp_path) as base:
        yield base


def _complain(session: requests.Session, base: str, unit, **headers) -> int:
    url = f"{base}{reverse('programme:complaint_public', args=[unit.pk])}"
    page = session.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = {"csrfmiddlewaretoken": token, "category": "pelayanan", "subject": "Antrean", "description": "Dua jam"}
    return session.post(url, data=data, headers=headers, allow_redirects=False, timeout=30).status_code


def _answer_survey(session: requests.Session, base: str, campaign, data: dict | None = None) -> tuple[int, dict]:
    url = f"{base}{reverse('surveys:public', args=[campaign.token])}"
    if data is None:
        data = _form_data(session.get(url, timeout=30).text, campaign)
    return session.post(url, data=data, timeout=30).status_code, data


def test_through_the_shipped_nginx_two_clients_are_two_and_a_retry_is_not_flagged(
    nginx,
    settings,
    tree,
    make_campaign,  # noqa: F811
    monkeypatch,
):
    settings.ZI_TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128"]  # = deploy/env.example
    settings.ZI_PROGRAMME_RATE_LIMITS = {"submit": (1, 3600)}
    settings.ZI_SURVEY_IP_FLAG_AT = 1
    alice, bob = _person("127.0.0.2"), _person("127.0.0.3")

    # complaints: one per address per hour here; before, everyone behind nginx was 127.0.0.1 and shared it
    assert _complain(alice, nginx, tree["lapas"]) == 302
    assert _complain(alice, nginx, tree["lapas"]) == 429
    assert _complain(alice, nginx, tree["lapas"], **{"X-Forwarded-For": "127.0.0.9"}) == 429  # forged: ignored
    assert _complain(bob, nginx, tree["lapas"]) == 302
    assert Complaint.objects.count() == 2

    # survey: each respondent its own address hash; one of them flagged only for a second response of its own
    campaign = make_campaign()
    assert _answer_survey(alice, nginx, campaign)[0] == 200
    assert _answer_survey(bob, nginx, campaign)[0] == 200
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    assert [r.ip_hash for r in responses] == [
        integrity.keyed_hash("ip", campaign.pk, "127.0.0.2"),
        integrity.keyed_hash("ip", campaign.pk, "127.0.0.3"),
    ]
    assert not any(r.is_flagged for r in responses)

    # a respondent whose first try died inside the transaction sends the same form again: stored once, unflagged
    carol = _person("127.0.0.4")
    monkeypatch.setattr(submissions, "_cluster_flags", CrashOnce(submissions._cluster_flags))
    status, data = _answer_survey(carol, nginx, campaign)
    assert status == 500 and Response.objects.filter(campaign=campaign).count() == 2
    status, _data = _answer_survey(carol, nginx, campaign, data)
    assert status == 200
    retried = Response.objects.filter(campaign=campaign).order_by("pk").last()
    assert retried.ip_hash == integrity.keyed_hash("ip", campaign.pk, "127.0.0.4")
    assert retried.flags == {} and not retried.is_flagged
    assert Response.objects.filter(campaign=campaign).count() == 3
    assert django_settings.ZI_TRUSTED_PROXIES == ["127.0.0.1/32", "::1/128"]


# --- nginx → gunicorn (deploy/gunicorn.conf.py) on PostgreSQL and Redis: a worker really dies -----------------------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def shipped_gunicorn(tmp_path: Path, crash_marker: Path, cache_url: str):
    """``gunicorn -c deploy/gunicorn.conf.py`` (2 workers) serving :mod:`tests.production.crash_wsgi` from the
    test's PostgreSQL database, with the shared Redis cache and the trusted proxy of ``deploy/env.example``."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zi.config.settings",
        DATABASE_URL=_database_url(),
        DJANGO_SECRET_KEY=django_settings.SECRET_KEY,  # the same keyed hashes as this process
        ZI_VAR_DIR=str(tmp_path / "var"),
        DJANGO_DEBUG="0",
        ZI_CACHE_URL=cache_url,
        ZI_TRUSTED_PROXIES="127.0.0.1/32,::1/128",
        ZI_BIND=f"127.0.0.1:{port}",
        ZI_WEB_WORKERS="2",
        ZI_SURVEY_MIN_FILL_SECONDS="0",
        ZI_SURVEY_PATTERN_FLAG_AT="0",
        ZI_SURVEY_STRAIGHTLINE_FLAG_AT="0",
        ZI_SURVEY_NEAR_FLAG_AT="0",
        ZI_TEST_CRASH_ONCE=str(crash_marker),
    )
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "tests.production.crash_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not come up: " + log.read_text()[-2000:])
            time.sleep(0.3)
        yield f"127.0.0.1:{port}", log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.django_db(transaction=True)
def test_a_retry_after_a_killed_worker_behind_nginx_is_not_flagged(tmp_path, tree, make_campaign):  # noqa: F811
    """The respondent's first POST kills the gunicorn worker inside the submit transaction (nginx answers 502);
    the same form sent again is stored once and not flagged, and a second respondent from another address is not
    counted with the first. Before: ``device_burst`` (the counter in the shared cache was raised before the crash)."""
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: the app processes share the (already migrated) test database")
    import redis

    cache_url = os.environ.get("ZI_TEST_CACHE_URL", "redis://127.0.0.1:6379/13")
    try:
        redis.Redis.from_url(cache_url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {cache_url} (the shared cache) is not reachable: {exc}")
    campaign = make_campaign()
    marker = tmp_path / "crash-once"
    with shipped_gunicorn(tmp_path, marker, cache_url) as (app, log), shipped_nginx(app, tmp_path / "nginx") as base:
        # gunicorn believes nginx's X-Forwarded-Proto (forwarded_allow_ips), so CSRF checks the HTTPS origin
        dina, eko = _person("127.0.0.5", "https://127.0.0.1"), _person("127.0.0.6", "https://127.0.0.1")
        url = f"{base}{reverse('surveys:public', args=[campaign.token])}"
        data = _form_data(dina.get(url, timeout=30).text, campaign)
        marker.touch()
        first = dina.post(url, data=data, timeout=30)
        assert first.status_code == 502 and not marker.exists()  # the worker died on this request
        assert not Response.objects.filter(campaign=campaign).exists()
        retry = dina.post(url, data=data, timeout=30)
        assert retry.status_code == 200 and "Terima kasih" in retry.text, log.read_text()[-2000:]
        assert _answer_survey(eko, base, campaign)[0] == 200
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    assert [r.ip_hash for r in responses] == [
        integrity.keyed_hash("ip", campaign.pk, "127.0.0.5"),
        integrity.keyed_hash("ip", campaign.pk, "127.0.0.6"),
    ]
    assert [r.flags for r in responses] == [{}, {}]
