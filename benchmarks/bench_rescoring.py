"""Benchmark: set-based rescoring of a period versus just reading its answers.

    .venv/bin/python benchmarks/bench_rescoring.py --assessments 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_h1 \\
        .venv/bin/python benchmarks/bench_rescoring.py --assessments 10000

Without DATABASE_URL a fresh SQLite database in a temporary directory is used (``--sqlite PATH`` keeps it). With
DATABASE_URL the database is FLUSHED first (use a scratch database). ``--reuse`` skips generating when the database
already holds the benchmark period with ``--assessments`` assessments (from an earlier run with the same seed).
Each round reads, then rescores (every assessment recomputed and its row rewritten; ``--fresh``: the stored scores
are deleted first, untimed, so every row is inserted); prints one JSON line: ``{"assessments", "answers", "read_s",
"rescore_s", "ratio", "median_ratio", "median_cpu_ratio", ...}``: ``ratio`` from the best times, ``median_ratio``
the median of the per-round wall-time ratios, ``median_cpu_ratio`` the same for CPU time (this process plus its
PostgreSQL backend), plus every round's figures. ``--sql-generate`` (PostgreSQL) generates inside the server
(:func:`generate_sql`, for 100,000 assessments); ``--generate-only`` stops after generating.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite", help="SQLite database file to use (kept) instead of a temporary one")
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark data set")
    parser.add_argument("--fresh", action="store_true", help="delete the stored scores before each rescore (inserts)")
    parser.add_argument(
        "--sql-generate",
        action="store_true",
        help="PostgreSQL: generate set-based in the server (INSERT … SELECT generate_series; for 100,000 assessments)",
    )
    parser.add_argument("--generate-only", action="store_true", help="generate (or reuse) the data, measure nothing")
    args = parser.parse_args()

    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = args.sqlite or f"{tempfile.mkdtemp(prefix='zi-bench-')}/bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings")
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max, Min

    from zi.assessments.models import Answer, Assessment, LaneScore, Period
    from zi.assessments.scoring import _sums_sql, rescore_period
    from zi.organisations.models import Agency

    call_command("migrate", verbosity=0)
    existing = Period.objects.filter(name="Benchmark").first()
    if args.reuse and existing and Assessment.objects.filter(period=existing).count() == args.assessments:
        period = existing
        generate_s = 0.0
    else:
        if Agency.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
        period, generate_s = generate_sql(args) if args.sql_generate else generate(args)
    table = Answer._meta.db_table
    if args.generate_only:
        print(json.dumps({"assessments": args.assessments, "generate_s": round(generate_s, 1)}))
        return

    def read() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT assessment_id, question_id, value FROM {table}")  # noqa: S608
            return len(cursor.fetchall())

    def index_read() -> int:
        """The rescore's own read, alone: every assessment's question ids and values from the covering index
        ``answer_scoring`` (one ``array_agg`` / ``group_concat`` row per assessment; binary on PostgreSQL), in one
        statement, fetched and nothing else: the fastest read of the same answers found."""
        bounds = Assessment.objects.filter(period=period).aggregate(first=Min("pk"), last=Max("pk"))
        params = ["self", bounds["first"], bounds["last"]]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with psycopg.Cursor(cursor.cursor.connection) as raw:
                    raw.execute(_sums_sql(), params, binary=True)
                    return sum(len(units) for _pk, _questions, units in raw.fetchall())
            cursor.execute(_sums_sql(), params)
            return sum(units.count(",") + 1 for _pk, _questions, units in cursor.fetchall())

    def cpu() -> float:
        """CPU seconds of this process plus, on PostgreSQL, of its server backend (same machine): a figure that
        other jobs on a shared machine disturb much less than wall time."""
        seconds = time.process_time()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return seconds

    read_times, rescore_times, read_cpu, rescore_cpu = [], [], [], []
    index_times, index_cpu = [], []
    answers = 0
    for _ in range(args.repeat):
        c0, t0 = cpu(), time.perf_counter()
        answers = read()
        read_times.append(time.perf_counter() - t0)
        read_cpu.append(cpu() - c0)
        c0, t0 = cpu(), time.perf_counter()
        indexed = index_read()
        index_times.append(time.perf_counter() - t0)
        index_cpu.append(cpu() - c0)
        if args.fresh:
            LaneScore.objects.filter(assessment__period=period, lane="self").delete()
        c0, t0 = cpu(), time.perf_counter()
        with transaction.atomic():
            rescore_period(period=period, lane="self", batch_size=args.batch_size)
        rescore_times.append(time.perf_counter() - t0)
        rescore_cpu.append(cpu() - c0)
    assert LaneScore.objects.filter(lane="self").count() == args.assessments
    read_s, rescore_s, index_s = min(read_times), min(rescore_times), min(index_times)
    ratios = [r / s for r, s in zip(rescore_times, read_times, strict=True)]
    cpu_ratios = [r / s for r, s in zip(rescore_cpu, read_cpu, strict=True)]
    fastest = [min(a, b) for a, b in zip(read_times, index_times, strict=True)]
    fastest_ratios = [r / s for r, s in zip(rescore_times, fastest, strict=True)]
    fastest_cpu = [min(a, b) for a, b in zip(read_cpu, index_cpu, strict=True)]
    fastest_cpu_ratios = [r / s for r, s in zip(rescore_cpu, fastest_cpu, strict=True)]
    print(
        json.dumps(
            {
                "assessments": args.assessments,
                "answers": answers,
                "read_s": round(read_s, 3),
                "rescore_s": round(rescore_s, 3),
                "ratio": round(rescore_s / read_s, 2),
                "median_ratio": round(statistics.median(ratios), 2),
                "database": connection.vendor,
                "generate_s": round(generate_s, 1),
                "read_runs": [round(t, 3) for t in read_times],
                "rescore_runs": [round(t, 3) for t in rescore_times],
                "ratio_runs": [round(r, 2) for r in ratios],
                "median_cpu_ratio": round(statistics.median(cpu_ratios), 2),
                "cpu_ratio_runs": [round(r, 2) for r in cpu_ratios],
                "index_read_s": round(index_s, 3),
                "index_read_answers": indexed,
                "index_read_runs": [round(t, 3) for t in index_times],
                "median_ratio_to_fastest_read": round(statistics.median(fastest_ratios), 2),
                "median_cpu_ratio_to_fastest_read": round(statistics.median(fastest_cpu_ratios), 2),
                "fresh": args.fresh,
            }
        )
    )


def generate(args: argparse.Namespace) -> tuple[Any, float]:
    """The benchmark period: ``args.assessments`` units and assessments with 113 random answers each."""
    from django.db import connection, transaction
    from django.utils import timezone

    from zi.assessments.models import Answer, Assessment, Period
    from zi.lke.models import LkeQuestion
    from zi.lke.services import templates_load_all
    from zi.organisations.models import Agency, Unit, UnitType

    rng = random.Random(args.seed)  # noqa: S311 - synthetic data
    started = time.perf_counter()
    template = templates_load_all()[0].template
    questions = list(LkeQuestion.objects.filter(template=template).order_by("order"))
    choice_values = {
        "ya_tidak": [0, 1],
        "abc": [0, 0.5, 1],
        "abcd": [0, 0.33, 0.67, 1],
        "abcde": [0, 0.25, 0.5, 0.75, 1],
    }
    with transaction.atomic():
        agency = Agency.objects.create(code="BENCH", name="Instansi Benchmark", kind="kementerian")
        unit_type, _ = UnitType.objects.get_or_create(code="satker", defaults={"name": "Satuan kerja"})
        period = Period.objects.create(
            year=2026, name="Benchmark", template=template, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
        )
        units = Unit.objects.bulk_create(
            [
                Unit(agency=agency, code=f"S{i:06d}", name=f"Satker {i}", unit_type=unit_type)
                for i in range(args.assessments)
            ],
            batch_size=5000,
        )
        for unit in units:
            unit.path = f"{unit.pk}/"
        Unit.objects.bulk_update(units, ["path"], batch_size=5000)
        assessments = Assessment.objects.bulk_create(
            [Assessment(unit=u, period=period, current_predicate=rng.choice(["", "WBK"])) for u in units],
            batch_size=5000,
        )
    now = timezone.now()
    table = Answer._meta.db_table
    columns = ["assessment_id", "lane", "question_id", "choice", "value", "note", "source", "updated_at"]
    rows = []
    for a in assessments:
        for q in questions:
            if q.answer_type in choice_values:
                value = float(rng.choice(choice_values[q.answer_type]))
            else:
                value = rng.randrange(0, 1_000_001) / 1_000_000
            rows.append((a.pk, "self", q.pk, "", value, "", "", now))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            for start in range(0, len(rows), 50_000):
                cursor.executemany(sql, rows[start : start + 50_000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return period, time.perf_counter() - started


def generate_sql(args: argparse.Namespace) -> tuple[Any, float]:
    """The benchmark period built inside PostgreSQL: units and assessments by ``INSERT … SELECT`` over
    ``generate_series``, answers by :func:`zi.bench.answers.insert_answers` in chunks of 10,000 assessments (in
    assessment/question order like :func:`generate`), random values from ``setseed(seed)``: the same value
    distribution as :func:`generate`, not the same values, and no answer rows held in Python (the Python path
    builds every row in memory first). 100,000 assessments (11.3 M answers) took 7.8 min on the loaded 2-core
    machine (the Python path: 73 s per 10,000)."""
    from django.db import connection, transaction

    from zi.assessments.models import Assessment, Period
    from zi.bench.answers import insert_answers
    from zi.lke.services import templates_load_all
    from zi.organisations.models import Agency, Unit, UnitType

    if connection.vendor != "postgresql":
        raise SystemExit("--sql-generate needs PostgreSQL")
    started = time.perf_counter()
    template = templates_load_all()[0].template
    unit_t, assessment_t = Unit._meta.db_table, Assessment._meta.db_table
    n = args.assessments
    with transaction.atomic():
        agency = Agency.objects.create(code="BENCH", name="Instansi Benchmark", kind="kementerian")
        unit_type, _ = UnitType.objects.get_or_create(code="satker", defaults={"name": "Satuan kerja"})
        period = Period.objects.create(
            year=2026, name="Benchmark", template=template, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [1 / (args.seed + 1)])
            cursor.execute(
                f"INSERT INTO {unit_t} (created_at, updated_at, code, name, serves_public, province, is_active, "  # noqa: S608
                "path, depth, agency_id, unit_type_id) "
                "SELECT now(), now(), 'S' || lpad(i::text, 6, '0'), 'Satker ' || i, true, '', true, '', 0, %s, %s "
                "FROM generate_series(0, %s - 1) AS i",
                [agency.pk, unit_type.pk, n],
            )
            cursor.execute(f"UPDATE {unit_t} SET path = id || '/' WHERE agency_id = %s", [agency.pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {assessment_t} (created_at, updated_at, target_predicate, current_predicate, state, "  # noqa: S608
                "unit_id, period_id) SELECT now(), now(), 'WBK', "
                "CASE WHEN random() < 0.5 THEN '' ELSE 'WBK' END, 'started', id, %s "
                f"FROM {unit_t} WHERE agency_id = %s ORDER BY id",
                [period.pk, agency.pk],
            )
    ids = list(Assessment.objects.filter(period=period).order_by("pk").values_list("pk", flat=True))
    chunk = 10_000
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic():
            insert_answers(period_id=period.pk, template_id=template.pk, first_id=part[0], last_id=part[-1])
        print(f"answers: {start + len(part):,}/{len(ids):,} assessments", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return period, time.perf_counter() - started


if __name__ == "__main__":
    main()
