"""Dashboard pages at national scale: p50/p95 of the national, Kanwil and unit dashboards vs one SQL aggregate.

Builds a synthetic tree (agencies → Eselon I root → Kanwil per province → satker) and its ``UnitPeriodRollup``
rows for ``--years`` periods directly (the dashboards read only the rollup; filling it from raw answers is
``zi insights refresh``'s job; the tree and the ``COPY`` are ``zi bench``'s ``synthetic_tree`` and ``copy_rows``),
then requests the pages through Django's test client as a national viewer and as leaders whose role sits at the
Eselon I root and at the Kanwil — the whole view, template and middleware path, no HTTP server — and times, side by
side in one run, one hand-written SQL aggregate over the same rollup rows. Prints one JSON report.

``--events N`` (issue #21): measures the pages, then fires N incremental refreshes of the newest period the way the
app does after a submission or a decision (``rollup_refresh_units`` for one random unit, what the events handler
runs), timing each, compares the touched rollup rows and every summary row of the period with a full rebuild of
the same rows (any difference beyond the last bits of a float average is a bug), and measures the pages again.

    # SQLite in a fresh temporary directory
    .venv/bin/python benchmarks/bench_dashboards.py --units 10000 --years 3
    # PostgreSQL (a scratch database: the script refuses a database that already has units)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_h4_bench .venv/bin/python benchmarks/bench_dashboards.py \
        --units 100000 --years 10
    # the same, with 200 incremental refreshes between a "before" and an "after" measurement
    … benchmarks/bench_dashboards.py --units 10000 --years 3 --events 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
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


SUMMARY_VOLATILE = {"refreshed_at"}  # when the rows were written, not what they say


def _snapshot(period_id: int, unit_ids: list[int]) -> tuple[dict, dict]:
    """The rollup rows of ``unit_ids`` and every summary row of the period, keyed, without their write times."""
    from zi.insights.models import PeriodSummary, UnitPeriodRollup

    fields = [c for c in ROLLUP_COLUMNS if c != "refreshed_at"]
    rollup = {
        row["unit_id"]: row
        for row in UnitPeriodRollup.objects.filter(period_id=period_id, unit_id__in=unit_ids).values(*fields)
    }
    summaries: dict[tuple, Any] = {}
    for s in PeriodSummary.objects.filter(period_id=period_id):
        data = {k: v for k, v in s.data.items() if k not in SUMMARY_VOLATILE}
        key = (s.level, s.agency_id, s.unit_type_id, s.path, data.get("child"))
        assert key not in summaries, key
        summaries[key] = (s.units, json.loads(json.dumps(data, sort_keys=True, default=str)))
    return rollup, summaries


def _same(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative: ``AVG`` over the same rows summed in another order (a prefix filter vs a
    ``GROUP BY``) may differ in the last bits, which no dashboard shows."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _differences(before: dict, after: dict, limit: int = 10) -> dict[str, Any]:
    keys = sorted(set(before) | set(after), key=repr)
    bits = [k for k in keys if before.get(k) != after.get(k)]
    diff = [k for k in bits if not _same(before.get(k), after.get(k))]
    return {
        "rows": len(after),
        "different": len(diff),
        "last_bits_only": len(bits) - len(diff),
        "examples": [{"key": repr(k), "incremental": before.get(k), "rebuild": after.get(k)} for k in diff[:limit]],
    }


def fire_events(n: int, seed: int) -> dict[str, Any]:
    """Fire ``n`` incremental refreshes the way the app does after a submission or a decision: the events handler
    (:func:`zi.insights.tasks.insights_units_changed`, inline or on a worker) calls ``rollup_refresh_units`` for the
    changed unit in its period; here for ``n`` random units of the newest period, one event each, timed each. Then
    compares the touched units' rollup rows and all the period's summaries with a full rebuild of the same rows
    (``rollup_refresh(units=…)``: the set-based path, and ``summaries_refresh`` over the whole period)."""
    from django.db import connection

    from zi.assessments.models import Period
    from zi.insights.models import UnitPeriodRollup
    from zi.insights.services import rollup_refresh, rollup_refresh_units

    rng = random.Random(seed + 1)  # noqa: S311 - synthetic choice, not security
    period = Period.objects.order_by("-year").first()
    pks = sorted(UnitPeriodRollup.objects.filter(period=period, depth__gt=0).values_list("unit_id", flat=True))
    chosen = [rng.choice(pks) for _ in range(n)]
    times, queries = [], []
    for uid in chosen:
        statements: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *a, seen=statements: seen.append(sql) or execute(sql, *a)):
            started = time.perf_counter()
            rollup_refresh_units(unit_ids=[uid], period_id=period.pk)
            times.append(time.perf_counter() - started)
        queries.append(len(statements))
    touched = sorted(set(chosen))
    incremental = _snapshot(period.pk, touched)
    started = time.perf_counter()
    rollup_refresh(period=period, units=touched, actor="bench")  # the set-based rows, then every summary
    rebuild_s = time.perf_counter() - started
    rebuilt = _snapshot(period.pk, touched)
    return {
        "period": period.year,
        "events": n,
        "units_touched": len(touched),
        "per_event": _stats(times),
        "max_ms": round(max(times) * 1000, 1),
        "queries_per_event_p50": statistics.median(queries),
        "rebuild_touched_units_and_summaries_s": round(rebuild_s, 2),
        "rollup_vs_rebuild": _differences(incremental[0], rebuilt[0]),
        "summaries_vs_rebuild": _differences(incremental[1], rebuilt[1]),
    }


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
    parser.add_argument(
        "--events",
        type=int,
        default=0,
        help="measure, fire N incremental refreshes (one random unit each), compare with a rebuild, measure again",
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
    if args.events:
        report["load_before"] = os.getloadavg()
        report["pages_before"] = measure(args.repeat, args.warmup)
        report["events"] = fire_events(args.events, args.seed)
        report["load_after_events"] = os.getloadavg()
    report["pages"] = measure(args.repeat, args.warmup)
    report["load_end"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
