"""Survey intake through the deployed stack, next to ``/healthz`` and a minimal insert view, measured in one run.

The stack is the one an operator runs: the shipped ``deploy/nginx/zi.conf`` (TLS, HTTP/1.1 keep-alive upstream,
``X-Forwarded-For``) in front of ``gunicorn -c deploy/gunicorn.conf.py`` (sync workers) on PostgreSQL, the
production settings (``ZI_ENV=production``: DEBUG off, CSRF enforced, HTTPS behind the proxy), Redis as the shared
cache and task broker and one ``zi run_huey`` worker folding responses into the rollups, as in production.

Each respondent is a person: a fresh address (``X-Forwarded-For`` set by the load generator, which connects from
127.0.0.1 — the trusted proxy of ``deploy/env.example`` — so the app sees 10.x.y.z as the client, as behind a load
balancer), GETs the form (device cookie, CSRF cookie and token, signed stamp), waits the production minimum fill
time and POSTs fresh answers (``random.SystemRandom``: no two runs send the same answers). Only the POSTs are timed
(the forms are fetched first, untimed, then all posted); the minimal view gets the same bodies.

Three measurements, interleaved, ``--rounds`` times: ``/healthz`` (the request path alone), the minimal view
(``intake_urls.minimal_insert``: the same form body → one response + its answers in one transaction; loaded from
``benchmarks/intake_settings.py``, never from the production URLs) and the survey POST. Prints one JSON object:
per round and as medians, requests/s and p50/p95 ms, the ratios survey ÷ minimal and survey ÷ healthz, statements
per submit, and the load average.

    createdb -h 127.0.0.1 -U postgres zi_intakebench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_intakebench .venv/bin/python benchmarks/bench_survey_http.py
    … --rounds 3 --seconds 8 --concurrency 8 --workers 5 --app-root /tmp/main-tree   (serve another tree's zi/)

``--app-root`` serves another checkout's ``zi`` package (e.g. ``git archive main zi | tar -x -C /tmp/before``) with
this benchmark, for before/after figures on the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TAGS = re.compile(rb"(<[^>]+>|\s)+")
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
RNG = random.SystemRandom()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    unpacked = Path(sys.prefix) / "opt" / "nginx" / "usr" / "sbin" / "nginx"  # scripts/_setup.sh unpacks it there
    return shutil.which("nginx") or next((str(p) for p in (Path("/usr/sbin/nginx"), unpacked) if p.exists()), None)


def wait_for(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    context = ssl._create_unverified_context()  # noqa: S323 - the throw-away certificate
    while True:
        try:
            parts = urllib.parse.urlsplit(url)
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            kwargs = {"context": context} if parts.scheme == "https" else {}
            conn = cls(parts.hostname, parts.port, timeout=5, **kwargs)
            conn.request("GET", parts.path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not come up")
        time.sleep(0.3)


@contextmanager
def started(args: list[str], **kwargs):
    process = subprocess.Popen(args, start_new_session=True, **kwargs)  # noqa: S603
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def nginx_conf(tmp: Path, app: str) -> tuple[Path, int]:
    """The shipped zi.conf with its upstreams pointed at ``app``, free ports and a throw-away certificate (as
    tests/production/test_edge.py runs it)."""
    tls = tmp / "tls"
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
    http_port, https_port = free_port(), free_port()
    text = (ROOT / "deploy" / "nginx" / "zi.conf").read_text(encoding="utf-8").replace("/etc/nginx/tls/", f"{tls}/")
    text = re.sub(r"(server\s+)[a-z0-9_-]+:\d+", rf"\g<1>{app}", text)
    text = text.replace("listen 80;", f"listen {http_port};").replace("listen 443 ssl;", f"listen {https_port} ssl;")
    binary = nginx_binary() or ""
    version = re.search(r"nginx/(\d+)\.(\d+)", subprocess.run([binary, "-v"], capture_output=True, text=True).stderr)  # noqa: S603
    if version and tuple(map(int, version.groups())) < (1, 25):
        text = text.replace("    http2 on;\n", "").replace(
            f"listen {https_port} ssl;", f"listen {https_port} ssl http2;"
        )
    (tmp / "zi.conf").write_text(text, encoding="utf-8")
    (tmp / "logs").mkdir()
    temp_paths = " ".join(f"{k}_temp_path {tmp}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(
        f"{user}daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/logs/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; {temp_paths} include {tmp}/zi.conf; }}\n",
        encoding="utf-8",
    )
    return tmp / "nginx.conf", https_port


def setup_campaign() -> tuple[int, str, list[tuple[int, str]], str]:
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from zi.assessments.models import Period
    from zi.lke.models import LkeTemplate
    from zi.lke.services import templates_load_all
    from zi.organisations import services as org_services
    from zi.organisations.models import Agency, Unit, UnitType
    from zi.surveys import services
    from zi.surveys.models import Instrument

    templates_load_all()
    services.instruments_load_all()
    template = LkeTemplate.objects.get(code="permenpanrb-90-2021")
    period, _ = Period.objects.get_or_create(
        year=2098,
        defaults={"name": "Bench 2098", "template": template, "starts_on": "2098-01-01", "ends_on": "2098-12-31"},
    )
    agency, _ = Agency.objects.get_or_create(code="BENCH-HTTP", defaults={"name": "Bench HTTP", "kind": "kementerian"})
    unit_type, _ = UnitType.objects.get_or_create(code="satker", defaults={"name": "Satuan kerja"})
    unit = Unit.objects.filter(agency=agency).first() or org_services.unit_create(
        actor=None, agency=agency, parent=None, code="BH1", name="Unit bench HTTP", unit_type=unit_type
    )
    now = timezone.now()
    campaign = services.campaign_create(
        actor=None,
        unit=unit,
        period=period,
        instruments=list(Instrument.objects.filter(kind__in=["skm", "ipak", "ipkp"], agency=None, is_active=True)),
        title=f"Bench HTTP {now:%H%M%S}",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
        respondent_groups=["pengguna_layanan"],
    )
    items = [(item.pk, item.scale) for item in services.campaign_items(campaign)]
    return campaign.pk, campaign.token, items, campaign.respondent_groups[0]


def statements_per_submit(token: str, items: list[tuple[int, str]], samples: int = 10) -> dict:
    """Statements one survey POST costs through the view (Django's test client, this process's settings)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    url = f"/survei/s/{token}/"
    counts = []
    for n in range(samples):
        client = Client(
            HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=f"10.250.{n // 250}.{n % 250 + 1}"
        )
        fields = dict(HIDDEN.findall(client.get(url).content.decode()))
        fields.update(answers(items))
        fields["kelompok"] = "pengguna_layanan"
        fields["ts"] = _old_stamp(fields["ts"])
        with CaptureQueriesContext(connection) as ctx:
            reply = client.post(url, fields)
        assert reply.status_code == 200, (reply.status_code, reply.content[:300])
        counts.append(len(ctx.captured_queries))
    return {"min": min(counts), "max": max(counts), "items": len(items)}


def _old_stamp(stamp: str) -> str:
    """The same stamp issued two minutes ago (for the in-process count only: the HTTP runs wait the fill time)."""
    from django.core import signing

    from zi.surveys import integrity

    data = signing.loads(stamp, salt=integrity.STAMP_SALT)
    data["t"] -= 120
    return signing.dumps(data, salt=integrity.STAMP_SALT)


def answers(items: list[tuple[int, str]]) -> dict[str, str]:
    return {f"q{pk}": str(RNG.randint(1, 4) if scale == "likert4" else RNG.randint(0, 1)) for pk, scale in items}


def new_address() -> str:
    return f"10.{RNG.randint(0, 255)}.{RNG.randint(0, 255)}.{RNG.randint(1, 254)}"


class CpuMeter:
    """CPU seconds (user + system, from ``/proc``) of the stack's processes by part: the gunicorn workers, the
    rollup worker, Redis, nginx (process groups of the processes this script started), this database's
    PostgreSQL backends and this process (the load generator)."""

    def __init__(self, groups: dict[str, int], database: str):
        self.groups, self.database = groups, database
        self.tick = os.sysconf("SC_CLK_TCK")

    def _stat(self, pid: str) -> tuple[int, float] | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[2]), (int(fields[11]) + int(fields[12])) / self.tick

    def snapshot(self) -> dict[str, dict[str, float]]:
        """CPU seconds so far per part and process id."""
        from django.db import connection

        totals: dict[str, dict[str, float]] = {name: {} for name in [*self.groups, "postgres", "loadgen"]}
        by_group = {pgid: name for name, pgid in self.groups.items()}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.database]
            )
            backends = {str(row[0]) for row in cursor.fetchall()}
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            stat = self._stat(pid)
            if stat is None:
                continue
            if stat[0] in by_group:
                totals[by_group[stat[0]]][pid] = stat[1]
            elif pid in backends:
                totals["postgres"][pid] = stat[1]
        totals["loadgen"]["self"] = time.process_time()
        return totals

    def per_request(
        self, before: dict[str, dict[str, float]], after: dict[str, dict[str, float]], requests: int
    ) -> dict[str, float]:
        """CPU milliseconds per request by part: per process, what it used between the two snapshots (a process
        started in between counts whole). A process that ended in between (a database connection reaching its
        ``CONN_MAX_AGE`` closes its backend) takes its last seconds with it: the figure is a lower bound, never a
        negative one."""
        parts = {
            part: round(sum(cpu - before[part].get(pid, 0.0) for pid, cpu in pids.items()) / max(requests, 1) * 1000, 2)
            for part, pids in after.items()
        }
        parts["total"] = round(sum(parts.values()), 2)
        return parts


class Load:
    """Threads over keep-alive HTTPS connections to nginx (from 127.0.0.1, the trusted proxy)."""

    def __init__(self, port: int, concurrency: int):
        self.port, self.concurrency = port, concurrency
        self.context = ssl._create_unverified_context()  # noqa: S323 - the throw-away certificate
        self.origin = f"https://127.0.0.1:{port}"

    def connect(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=60, context=self.context)

    def run(self, jobs, send) -> dict:
        """``send(conn, job) -> (ok, detail)`` for every job (an iterator shared by the threads; an ``int`` is a
        duration in seconds: send until it is over). Returns throughput and latencies of the sends."""
        lock = threading.Lock()
        latencies: list[float] = []
        state = {"ok": 0, "errors": 0, "first_error": None}
        deadline = time.perf_counter() + jobs if isinstance(jobs, (int, float)) else None
        queue = None if deadline else iter(jobs)

        def worker() -> None:
            conn = self.connect()
            while True:
                with lock:
                    if deadline is not None:
                        if time.perf_counter() > deadline:
                            break
                        job = None
                    else:
                        job = next(queue, StopIteration)
                        if job is StopIteration:
                            break
                start = time.perf_counter()
                try:
                    ok, detail = send(conn, job)
                except (OSError, http.client.HTTPException) as exc:
                    ok, detail = False, repr(exc)
                    conn.close()
                    conn = self.connect()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    state["ok" if ok else "errors"] += 1
                    if not ok and state["first_error"] is None:
                        state["first_error"] = detail
            conn.close()

        started_at = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(self.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started_at
        latencies.sort()
        return {
            "ok": state["ok"],
            "errors": state["errors"],
            "seconds": round(seconds, 2),
            "requests_per_s": round(state["ok"] / seconds, 1) if seconds else 0.0,
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1) if latencies else None,
            "first_error": state["first_error"],
        }


def _read(conn: http.client.HTTPSConnection) -> tuple[int, list[str], bytes]:
    response = conn.getresponse()
    return response.status, response.headers.get_all("Set-Cookie") or [], response.read()


def _post_headers(load: Load, address: str, cookie: str) -> dict[str, str]:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": load.origin,
        "X-Forwarded-For": address,
    }
    if cookie:
        headers["Cookie"] = cookie
    return headers


def measure_round(
    load: Load, meter: CpuMeter, token: str, campaign_id: int, items, group: str, seconds: float, fill: float
) -> dict:
    survey_path = f"/survei/s/{token}/"

    def healthz(conn, _job):
        conn.request("GET", "/healthz")
        status, _c, _b = _read(conn)
        return status == 200, status

    def minimal(conn, _job):
        body = urllib.parse.urlencode({"kelompok": group, **answers(items)})
        conn.request(
            "POST", f"/bench/minimal/{campaign_id}/", body=body, headers=_post_headers(load, new_address(), "")
        )
        status, _c, text = _read(conn)
        return status == 200, f"{status}: {text[:200]!r}"

    forms: list[tuple[str, str, dict]] = []

    def fetch(conn, _job):  # one respondent opens the form: cookies, CSRF token, stamp
        address = new_address()
        conn.request("GET", survey_path, headers={"X-Forwarded-For": address})
        status, cookies, text = _read(conn)
        cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
        fields = dict(HIDDEN.findall(text.decode()))
        forms.append((address, cookie, fields))
        return status == 200 and "csrftoken=" in cookie and "zi_survei=" in cookie, status

    def submit(conn, form):
        address, cookie, fields = form
        body = urllib.parse.urlencode({**fields, "kelompok": group, **answers(items)})
        conn.request("POST", survey_path, body=body, headers=_post_headers(load, address, cookie))
        status, _c, text = _read(conn)
        ok = status == 200 and b"Terima kasih" in text
        return ok, f"{status}: {TAGS.sub(b' ', text)[:300]!r}"

    def metered(jobs, send) -> dict:
        before = meter.snapshot()
        out = load.run(jobs, send)
        out["cpu_ms_per_request"] = meter.per_request(before, meter.snapshot(), out["ok"])
        return out

    result = {"healthz": metered(seconds, healthz), "minimal": metered(seconds, minimal)}
    wanted = max(50, int(result["minimal"]["requests_per_s"] * seconds))  # about as long as the minimal view ran
    result["form_get"] = metered(range(wanted), fetch)
    time.sleep(fill + 0.5)  # the production minimum fill time since the last form was opened
    result["survey"] = metered(forms, submit)  # the rollup worker folds these in meanwhile (its CPU counts here)
    for kind in ("minimal", "healthz"):
        base = result[kind]["requests_per_s"]
        result[f"survey_to_{kind}"] = round(result["survey"]["requests_per_s"] / base, 3) if base else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--seconds",
        type=float,
        default=8,
        help="per measurement (healthz, minimal); the survey posts as many forms as the minimal view took in that time",
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=5, help="ZI_WEB_WORKERS (deploy/env.example: 5)")
    parser.add_argument("--app-root", default=str(ROOT), help="the checkout whose zi/ package is served")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a scratch PostgreSQL database")
    binary = nginx_binary()
    if binary is None or shutil.which("redis-server") is None or shutil.which("openssl") is None:
        raise SystemExit("needs nginx (scripts/_setup.sh unpacks it into the venv), redis-server and openssl")
    app_root = str(Path(args.app_root).resolve())
    tmp = Path(tempfile.mkdtemp(prefix="zi-intake-bench-"))
    redis_port, app_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([app_root, str(BENCH)]),
        DJANGO_SETTINGS_MODULE="intake_settings",
        ZI_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        ZI_VAR_DIR=str(tmp / "var"),
        ZI_STATIC_ROOT=str(tmp / "static"),
        ZI_CACHE_URL=f"redis://127.0.0.1:{redis_port}/1",
        ZI_TASKS_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        ZI_TRUSTED_PROXIES="127.0.0.1/32,::1/128",
        ZI_BIND=f"127.0.0.1:{app_port}",
        ZI_WEB_WORKERS=str(args.workers),
        ZI_LOG_LEVEL="WARNING",
    )
    conf, https_port = nginx_conf(tmp, f"127.0.0.1:{app_port}")
    env["DJANGO_CSRF_TRUSTED_ORIGINS"] = f"https://127.0.0.1:{https_port}"
    os.environ.update(env)
    sys.path[:0] = [app_root, str(BENCH)]

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from zi.surveys.models import Response

    fill = float(settings.ZI_SURVEY_MIN_FILL_SECONDS)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    with ExitStack() as stack:
        redis_args = ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--dir", str(tmp)]
        redis = stack.enter_context(started(redis_args, **quiet))
        time.sleep(0.5)
        campaign_id, token, items, group = setup_campaign()
        result: dict = {
            "app_root": app_root,
            "database": connection.vendor,
            "gunicorn_workers": args.workers,
            "concurrency": args.concurrency,
            "items_per_response": len(items),
            "statements_per_submit": statements_per_submit(token, items),
            "load_average_before": os.getloadavg(),
        }
        connection.close()
        # the shipped configuration, but workers are not recycled during the run: a worker restarting after its
        # ``max_requests`` spends a second of CPU importing the app in whichever slot it falls (it once made the
        # minimal view "slower" than the survey), and its CPU counters leave the meter with it
        gunicorn = [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--max-requests",
            "0",
        ]
        server = stack.enter_context(started([*gunicorn, "zi.config.wsgi:application"], cwd=app_root, env=env, **quiet))
        consumer = stack.enter_context(
            started([sys.executable, "-m", "zi.cli", "run_huey", "--workers", "1"], cwd=app_root, env=env, **quiet)
        )
        wait_for(f"http://127.0.0.1:{app_port}/healthz", server)
        proxy = stack.enter_context(started([binary, "-p", str(tmp), "-c", str(conf)], **quiet))
        wait_for(f"https://127.0.0.1:{https_port}/healthz", proxy)
        load = Load(https_port, args.concurrency)
        groups = {"gunicorn": server.pid, "rollup_worker": consumer.pid, "redis": redis.pid, "nginx": proxy.pid}
        meter = CpuMeter(groups, connection.settings_dict["NAME"])
        load.run(2, lambda conn, _j: (conn.request("GET", "/healthz"), (_read(conn)[0] == 200, ""))[1])  # warm-up
        before = Response.objects.filter(campaign_id=campaign_id).count()
        rounds = [
            measure_round(load, meter, token, campaign_id, items, group, args.seconds, fill) for _ in range(args.rounds)
        ]
        stored = Response.objects.filter(campaign_id=campaign_id)
        posted = sum(r["survey"]["ok"] + r["minimal"]["ok"] for r in rounds)
        deadline = time.monotonic() + 60
        pending = Response.objects.filter(campaign_id=campaign_id, rolled_up=False, excluded=False)
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        result["rounds"] = rounds
        result["stored_responses"] = stored.count() - before
        result["posted_ok"] = posted
        result["flagged_survey_responses"] = Response.objects.filter(campaign_id=campaign_id, is_flagged=True).count()
        result["rollup_pending_after_60s"] = pending.count()
        result["load_average_after"] = os.getloadavg()
        result["median"] = {
            key: statistics.median(r[key] for r in rounds) for key in ("survey_to_minimal", "survey_to_healthz")
        } | {
            f"{kind}_requests_per_s": statistics.median(r[kind]["requests_per_s"] for r in rounds)
            for kind in ("healthz", "minimal", "survey", "form_get")
        }
        result["median_cpu_ms_per_request"] = {
            kind: {
                part: statistics.median(r[kind]["cpu_ms_per_request"][part] for r in rounds)
                for part in rounds[0][kind]["cpu_ms_per_request"]
            }
            for kind in ("healthz", "minimal", "survey", "form_get")
        }
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
