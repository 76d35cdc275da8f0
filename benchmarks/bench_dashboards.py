"""Dashboard pages at national scale: p50/p95 of the national, Kanwil and unit dashboards vs one SQL aggregate.

Builds a synthetic tree (agencies → Eselon I root → Kanwil per province → satker) and its ``UnitPeriodRollup``
rows for ``--years`` periods directly (the dashboards read only the rollup; filling it from raw answers is
``zi insights refresh``'s job; the tree and the ``COPY`` are ``zi bench``'s ``synthetic_tree`` and ``copy_rows``),
then requests the pages through Django's test client as a national viewer and as leaders whose role sits at the
Eselon I root and at the Kanwil — the whole view, template and middleware path, no HTTP server — and times, side by
side in one run, one hand-written SQL aggregate over the same rollup rows. Prints one JSON report.

    # SQLite in a fresh temporary directory
    .venv/bin/python benchmarks/bench_dashboards.py --units 10000 --years 3
    # PostgreSQL (a scratch database: the script refuses a database that already has units)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_h4_bench .venv/bin/python benchmarks/bench_dashboards.py \
        --units 100000 --years 10
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ.setdefault("ZI_VAR_DIR", tempfile.mkdtemp(prefix="zi-bench-dash-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _stats(times: list[float]) -> dict[str, float]:
    ms = [t * 1000 for t in times]
    return {
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(_percentile(ms, 0.95), 1),
        "min_ms": round(min(ms), 1),
    }


ROLLUP_COLUMNS = [
    "unit_id",
    "period_id",
    "path",
    "depth",
    "agency_id",
    "unit_type_id",
    "builds_zi",
    "participates",
    "status",
    "total",
    "pengungkit",
    "hasil",
    "area1",
    "area2",
    "area3",
    "area4",
    "area5",
    "area6",
    "eligible_wbk",
    "eligible_wbbm",
    "ikm",
    "ipak",
    "ipkp",
    "respondents",
    "complaints",
    "complaints_resolved",
    "complaints_overdue",
    "activities",
    "innovations",
    "stage",
    "stage_rank",
    "predicate",
    "warnings",
    "warning_count",
    "refreshed_at",
]
STAGES = ["declared", "building", "self_submitted", "reviewed", "tpi_meets", "proposed", "awarded"]


def generate(units_total: int, agencies_n: int, years: int, first_year: int, seed: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from zi.assessments.models import Period
    from zi.bench.management.commands.bench import copy_rows, synthetic_tree
    from zi.insights.models import UnitPeriodRollup
    from zi.lke.services import templates_load_all
    from zi.organisations.models import Agency, Unit, UnitType

    if Unit.objects.exists():
        raise SystemExit("the database already has units: use a scratch database")
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    template = templates_load_all()[0].template
    types = {}
    for code, name, builds in (
        ("eselon1", "Eselon I", False),
        ("kanwil", "Kantor Wilayah", True),
        ("satker", "Satuan kerja", True),
    ):
        types[code], _ = UnitType.objects.get_or_create(code=code, defaults={"name": name, "builds_zi": builds})
    agencies = Agency.objects.bulk_create(
        [Agency(code=f"BD{i:04d}", name=f"Instansi {i}", kind="kementerian") for i in range(agencies_n)]
    )
    next_pk = 1
    units = synthetic_tree(agencies, units_total, types, next_pk)
    next_pk += len(units)
    started = time.perf_counter()
    with transaction.atomic():
        Unit.objects.bulk_create(units, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('organisations_unit', 'id'), %s)", [next_pk])
    unit_seconds = time.perf_counter() - started
    now = timezone.now()
    codes = ["rushed", "no_stakeholders", "paperwork", "few_people", "innovation_need", "reward_chasing"]
    started = time.perf_counter()
    rows_written = 0
    for year in range(first_year, first_year + years):
        period = Period.objects.create(
            year=year,
            name=f"Periode {year}",
            template=template,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
        )
        rows: list[tuple] = []
        for u in units:
            builds = u.unit_type_id != types["eselon1"].pk
            participates = builds and rng.random() < 0.35
            total = round(rng.uniform(50, 95), 2) if participates else None
            warnings = rng.sample(codes, rng.choice([0, 0, 0, 1, 2])) if participates else []
            areas = [round(rng.uniform(0, 10), 2) if participates else None for _ in range(6)]
            stage = rng.choices(STAGES, weights=[10, 50, 20, 8, 5, 4, 3])[0] if participates else ""
            rows.append(
                (
                    u.pk,
                    period.pk,
                    u.path,
                    u.depth,
                    u.agency_id,
                    u.unit_type_id,
                    builds,
                    participates,
                    rng.choice(["draft", "submitted"]) if participates else "",
                    total,
                    total * 0.6 if total else None,
                    total * 0.4 if total else None,
                    *areas,
                    bool(total and total >= 75),
                    bool(total and total >= 85),
                    round(rng.uniform(70, 95), 2) if participates and rng.random() < 0.5 else None,
                    round(rng.uniform(2.5, 4), 2) if participates and rng.random() < 0.5 else None,
                    round(rng.uniform(2.5, 4), 2) if participates and rng.random() < 0.5 else None,
                    rng.randrange(0, 400) if participates else 0,
                    rng.randrange(0, 20),
                    0,
                    0,
                    0,
                    0,
                    stage,
                    STAGES.index(stage) + 1 if stage else 0,
                    rng.choice(["WBK", "WBK", "WBBM"]) if stage == "awarded" else "",
                    json.dumps(warnings),
                    len(warnings),
                    now,
                )
            )
        with transaction.atomic():
            copy_rows(UnitPeriodRollup._meta.db_table, ROLLUP_COLUMNS, rows)
        rows_written += len(rows)
        print(f"rollup {year}: {rows_written:,} rows", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "agencies": agencies_n,
        "units": len(units),
        "years": years,
        "rollup_rows": rows_written,
        "generate_units_s": round(unit_seconds, 1),
        "generate_rollup_s": round(time.perf_counter() - started, 1),
    }


SQL = (
    "SELECT COUNT(*) FILTER (WHERE builds_zi), COUNT(*) FILTER (WHERE builds_zi AND participates), "
    "COUNT(*) FILTER (WHERE eligible_wbk), COUNT(*) FILTER (WHERE eligible_wbbm), AVG(total), AVG(ikm) "
    "FROM insights_unitperiodrollup WHERE period_id = %s AND path LIKE %s"
)
SQL_SQLITE = (
    "SELECT SUM(builds_zi), SUM(builds_zi AND participates), SUM(eligible_wbk), SUM(eligible_wbbm), AVG(total), "
    "AVG(ikm) FROM insights_unitperiodrollup WHERE period_id = %s AND path LIKE %s"
)


def measure(repeat: int, warmup: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from zi.assessments.models import Period
    from zi.organisations import services as org_services
    from zi.organisations.models import Role, Unit

    user, _ = get_user_model().objects.get_or_create(username="bench-nasional", defaults={"full_name": "Bench"})
    if not user.role_assignments.exists():
        org_services.role_assign(actor=None, user=user, role=Role.NATIONAL_VIEWER)
    client = Client()
    client.force_login(user)
    period = Period.objects.order_by("-year").first()
    root = Unit.objects.filter(depth=0).order_by("pk").first()
    kanwil = Unit.objects.filter(depth=1, parent=root).order_by("pk").first()
    satker = Unit.objects.filter(depth=2, path__startswith=kanwil.path).order_by("pk").first()
    year = f"?periode={period.year}"
    leaders = {}  # scoped viewers: a leader whose role sits at the Eselon I root, one at the Kanwil
    for key, node in (("eselon1", root), ("kanwil", kanwil)):
        leaders[key], created = get_user_model().objects.get_or_create(
            username=f"bench-pimpinan-{key}", defaults={"full_name": "Bench"}
        )
        if created:
            org_services.role_assign(actor=None, user=leaders[key], role=Role.LEADER, unit=node)
    pages = {
        "national": ("/wawasan/" + year, "", user),
        "eselon1": (f"/wawasan/unit/{root.pk}/" + year, root.path, user),
        "kanwil": (f"/wawasan/unit/{kanwil.pk}/" + year, kanwil.path, user),
        "unit": (f"/wawasan/unit/{satker.pk}/" + year, satker.path, user),
        "eselon1_leader": (f"/wawasan/unit/{root.pk}/" + year, root.path, leaders["eselon1"]),
        "kanwil_leader": (f"/wawasan/unit/{kanwil.pk}/" + year, kanwil.path, leaders["kanwil"]),
    }
    sql = SQL if connection.vendor == "postgresql" else SQL_SQLITE
    report: dict[str, Any] = {}
    for name, (url, prefix, viewer) in pages.items():
        client.force_login(viewer)
        report[name] = {"url": url}
        for mode, cache_seconds in (("cold", 0), ("cached", 600)):
            # cold: the dashboard computed on every request (ZI_INSIGHTS_CACHE_SECONDS=0); cached: served from the
            # cache keyed by the rollup version (what a leader gets between two refreshes).
            settings.ZI_INSIGHTS_CACHE_SECONDS = cache_seconds
            for _ in range(warmup):
                assert client.get(url).status_code == 200, url
            statements: list[str] = []
            with connection.execute_wrapper(
                lambda execute, sql, *a, seen=statements: seen.append(sql) or execute(sql, *a)
            ):
                client.get(url)  # request_started resets connection.queries, so count with a wrapper
            page_times, sql_times = [], []
            for _ in range(repeat):  # interleaved, so load on the shared machine hits both alike
                started = time.perf_counter()
                response = client.get(url)
                page_times.append(time.perf_counter() - started)
                assert response.status_code == 200
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(sql, [period.pk, prefix + "%"])
                    cursor.fetchall()
                sql_times.append(time.perf_counter() - started)
            page, agg = _stats(page_times), _stats(sql_times)
            report[name][mode] = {
                "queries": len(statements),
                "page": page,
                "sql_aggregate": agg,
                "ratio_p50": round(page["p50_ms"] / max(agg["p50_ms"], 0.1), 1),
            }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--first-year", type=int, default=2026 - 9)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="measure the data already in the database")
    parser.add_argument(
        "--no-summaries", action="store_true", help="delete the per-period summaries: measure the rollup aggregates"
    )
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from zi.assessments.models import Period
    from zi.insights.models import PeriodSummary
    from zi.insights.services import summaries_refresh

    report: dict[str, Any] = {"database": connection.vendor}
    if not args.reuse:
        report["data"] = generate(args.units, args.agencies, args.years, args.first_year, args.seed)
    if args.no_summaries:
        PeriodSummary.objects.all().delete()
    elif args.reuse is False or not PeriodSummary.objects.exists():
        # what the refresh does after writing a period's rollup (the generator writes the rollup with COPY)
        started = time.perf_counter()
        for period in Period.objects.all():
            summaries_refresh(period=period)
        report["summaries_s_all_periods"] = round(time.perf_counter() - started, 2)
    report["pages"] = measure(args.repeat, args.warmup)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
