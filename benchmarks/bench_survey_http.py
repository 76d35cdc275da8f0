"""Survey submissions through the real HTTP stack (gunicorn, sync workers) next to ``/healthz``, and the number of
SQL statements one submit costs.

Usage (PostgreSQL recommended; the database is migrated and a bench campaign is created in it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_h2 .venv/bin/python benchmarks/bench_survey_http.py
    … --workers 4 --concurrency 8 --requests 3000 --mode inline|worker|both

Modes: ``inline`` — no task broker, each submit folds itself into the rollups right after its transaction (the
default deployment without Redis); ``worker`` — ``ZI_TASKS_REDIS_URL`` set, a ``zi run_huey`` consumer folds
pending responses in batches (a private ``redis-server`` on a free port is started for the run). Each mode also
reports the rollup lag: seconds after the load until no response is pending.

Prints one JSON object: statements per submit (measured with ``CaptureQueriesContext`` through the view),
``healthz`` and ``survey_submit`` throughput (requests/s, p50/p95 ms) and their ratio per mode.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings_bench")


def setup_campaign() -> int:
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from zi.assessments.models import Period
    from zi.lke.models import LkeTemplate
    from zi.lke.services import templates_load_all
    from zi.organisations import services as org_services
    from zi.organisations.models import Agency, Unit, UnitType
    from zi.surveys import services
    from zi.surveys.models import Campaign, Instrument

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
        instruments=list(Instrument.objects.filter(kind__in=["skm", "ipak", "ipkp"])),
        title=f"Bench HTTP {now:%H%M%S}",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
        respondent_groups=["pengguna_layanan"],
    )
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    return campaign.pk


def statements_per_submit(campaign_id: int, samples: int = 20) -> dict:
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zi.surveys import integrity, services
    from zi.surveys.models import Campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    items = services.campaign_items(campaign)
    url = f"/survei/s/{campaign.token}/"
    counts = []
    for n in range(samples):
        client = Client(REMOTE_ADDR=f"10.9.{n // 250}.{n % 250 + 1}")
        page = client.get(url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = {"ts": integrity.make_stamp(campaign.pk, time.time() - 60), "kelompok": "pengguna_layanan"}
        if token:
            data["csrfmiddlewaretoken"] = token.group(1)
        for i, item in enumerate(items):
            data[f"q{item.pk}"] = str(1 + (i + n) % 4 if item.scale == "likert4" else 0)
        with CaptureQueriesContext(connection) as ctx:
            reply = client.post(url, data)
        assert reply.status_code == 200, reply.status_code
        counts.append(len(ctx.captured_queries))
    return {"min": min(counts), "max": max(counts), "items": len(items)}


def run_mode(mode: str, campaign_id: int, args: argparse.Namespace) -> dict:
    from zi.bench.management.commands.bench import free_port, gunicorn_server, loadgen
    from zi.surveys.models import Campaign, Response

    campaign = Campaign.objects.get(pk=campaign_id)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zi.config.settings_bench", "ZI_LOG_LEVEL": "WARNING"}
    helpers: list[subprocess.Popen] = []
    tmp = tempfile.mkdtemp(prefix="zi-bench-http-")
    if mode == "worker":
        redis_port = free_port()
        helpers.append(
            subprocess.Popen(  # noqa: S603
                ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--dir", tmp],  # noqa: S607
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        time.sleep(0.5)
        env["ZI_TASKS_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        env["ZI_CACHE_URL"] = f"redis://127.0.0.1:{redis_port}/1"
        helpers.append(
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "zi.cli", "run_huey", "--workers", "1"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    load = {"requests": args.requests, "concurrency": args.concurrency, "seconds": args.seconds}
    try:
        with gunicorn_server(env, args.workers) as base:
            health = loadgen(base + "/healthz", env, extra=[], **load)
            survey = loadgen(f"{base}/survei/s/{campaign.token}/", env, extra=["--survey", str(campaign.pk)], **load)
            deferred = any(f.name == "rolled_up" for f in Response._meta.get_fields())  # absent before deferral
            pending = Response.objects.filter(campaign=campaign, rolled_up=False, excluded=False) if deferred else None
            t0 = time.perf_counter()
            while pending is not None and pending.exists():
                if time.perf_counter() - t0 > 120:
                    break
                time.sleep(0.1)
            lag = round(time.perf_counter() - t0, 2)
            return {
                "healthz": health,
                "survey_submit": survey,
                "ratio_survey_to_healthz": round(survey["requests_per_s"] / health["requests_per_s"], 3)
                if health["requests_per_s"]
                else None,
                "rollup_lag_after_load_s": lag,
                "pending_left": pending.count() if pending is not None else 0,
            }
    finally:
        for proc in helpers:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--mode", choices=["inline", "worker", "both"], default="both")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    campaign_id = setup_campaign()
    result: dict = {"database": connection.vendor, "gunicorn_workers": args.workers, "concurrency": args.concurrency}
    result["statements_per_submit_inline"] = statements_per_submit(campaign_id)
    modes = ["inline", "worker"] if args.mode == "both" else [args.mode]
    for mode in modes:
        connection.close()
        result[mode] = run_mode(mode, campaign_id, args)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
