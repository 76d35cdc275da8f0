"""Survey indices at scale: N answers (20 items per response) spread over many units' campaigns.

Usage (the database is migrated first; the benchmark's own agency and rows are removed at the end unless --keep):

    DATABASE_URL=sqlite:////tmp/bench_surveys.sqlite3 .venv/bin/python benchmarks/bench_surveys.py --answers 1000000
    createdb -h 127.0.0.1 -U postgres zi_surveybench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_surveybench .venv/bin/python benchmarks/bench_surveys.py \
        --answers 10000000 --units 500

The raw rows are generated set-based (``generate_series`` / recursive CTE, 100 000 responses per statement pair)
and the rollups built with two ``INSERT … SELECT … GROUP BY`` (:func:`zi.surveys.rollups.rebuild`).

Prints JSON: insert time for the raw rows, rollup build from raw rows (a repair path — in operation the rollups
are updated after each submit), one unit's full results page data, the LKE feed for one unit, a national aggregate of
IPAK/IKM over all units from the rollup tables, the same national numbers computed from the raw answers (checked
equal; for contrast),
and the submit latency and SQL statements through the real service (response + answers, then the set-based rollup
fold-in; see benchmarks/bench_survey_http.py for throughput through gunicorn).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings")


GROUPS_SQL = "CASE g %% 3 WHEN 0 THEN 'pengguna_layanan' WHEN 1 THEN 'pengunjung' ELSE 'wbp' END"


def generate_raw(connection, campaigns, items, responses_total: int, now, chunk: int = 100_000) -> None:
    """Insert ``responses_total`` responses round-robin over the campaigns and one answer per item each, set-based:
    ``generate_series`` on PostgreSQL, a recursive CTE on SQLite; chunks of ``chunk`` responses per statement pair
    (progress on stderr). Values are deterministic functions of the ids (a per-respondent base 2–4 plus noise), so a
    run is reproducible and the raw-scan and rollup figures can be compared exactly."""
    from zi.surveys.models import ResponseItem

    pg = connection.vendor == "postgresql"
    q = connection.ops.quote_name
    ids = [c.pk for c in campaigns]
    item_ids = [i.pk for i in items]
    epoch = int(now.timestamp())
    span = 180 * 86400
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_campaign")
        cursor.execute("CREATE TEMPORARY TABLE bench_campaign (idx integer PRIMARY KEY, id bigint)")
        cursor.executemany("INSERT INTO bench_campaign VALUES (%s, %s)", list(enumerate(ids)))
    if pg:
        series = "generate_series(%s::bigint, %s::bigint) AS s(g)"
        ts = "to_timestamp(%s - (g * 7919) %% %s)"
        quarter = (
            f"(EXTRACT(YEAR FROM {ts} AT TIME ZONE 'Asia/Jakarta') * 10 "
            f"+ EXTRACT(QUARTER FROM {ts} AT TIME ZONE 'Asia/Jakarta'))::int"
        )
        flags = "'{}'::jsonb"
        likert = (
            "LEAST(4, GREATEST(1, 2 + ((r.id / 3) %% 3)::int + ((r.id * 31 + i.id * 17) %% 5 = 0)::int "
            "- ((r.id * 13 + i.id * 7) %% 7 = 0)::int))"
        )
        yesno = "(((r.id + i.id) %% 20) = 0)::int"
    else:
        series = "(WITH RECURSIVE s(g) AS (SELECT %s UNION ALL SELECT g + 1 FROM s WHERE g < %s) SELECT g FROM s) s"
        ts = "datetime(%s - (g * 7919) %% %s, 'unixepoch')"
        quarter = (
            f"CAST(strftime('%%Y', {ts}, '+7 hours') AS integer) * 10 "
            f"+ (CAST(strftime('%%m', {ts}, '+7 hours') AS integer) + 2) / 3"
        )
        flags = "'{}'"
        likert = (
            "MIN(4, MAX(1, 2 + ((r.id / 3) %% 3) + ((r.id * 31 + i.id * 17) %% 5 = 0) "
            "- ((r.id * 13 + i.id * 7) %% 7 = 0)))"
        )
        yesno = "(((r.id + i.id) %% 20) = 0)"
    response_sql = (
        f"INSERT INTO surveys_response (campaign_id, channel, {q('group')}, service_type, submitted_at, quarter, "  # noqa: S608
        "form_nonce, device_hash, ip_hash, flags, pattern_hash, answer_vector, straight_line, rolled_up, is_flagged, "
        "excluded, exclusion_reason) "
        f"SELECT c.id, 'public', {GROUPS_SQL}, '', {ts}, {quarter}, 'b' || g, 'bench' || g, '', {flags}, '', '', "
        f"{'false' if pg else '0'}, {'false' if pg else '0'}, {'false' if pg else '0'}, {'false' if pg else '0'}, '' "
        f"FROM {series} JOIN bench_campaign c ON c.idx = g %% %s"
    )
    marks = ", ".join(["%s"] * len(item_ids))
    answer_sql = (
        "INSERT INTO surveys_responseitem (response_id, item_id, value) "  # noqa: S608
        f"SELECT r.id, i.id, CASE WHEN i.scale = 'likert4' THEN {likert} ELSE {yesno} END "
        "FROM surveys_response r CROSS JOIN surveys_instrumentitem i "
        f"WHERE r.id > %s AND r.campaign_id IN (SELECT id FROM bench_campaign) AND i.id IN ({marks})"
    )
    made = 0
    started = time.perf_counter()
    while made < responses_total:
        size = min(chunk, responses_total - made)
        with transaction_atomic(connection):
            last = ResponseItem.objects.order_by("-response_id").values_list("response_id", flat=True).first() or 0
            ts_params = [epoch, span]
            params = [*ts_params, *ts_params, *ts_params, made + 1, made + size, len(ids)]
            with connection.cursor() as cursor:
                cursor.execute(response_sql, params)
                cursor.execute(answer_sql, [last, *item_ids])
        made += size
        print(f"  {made:,} responses, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def transaction_atomic(connection):
    from django.db import transaction

    return transaction.atomic(using=connection.alias)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--submits", type=int, default=200)
    parser.add_argument("--raw-repeat", type=int, default=1, help="runs of the raw-answer national scan (median)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Sum
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from zi.assessments.models import Period
    from zi.lke.models import LkeTemplate
    from zi.lke.services import templates_load_all
    from zi.organisations import services as org_services
    from zi.organisations.models import Agency, Unit, UnitType
    from zi.surveys import indices, rollups, services
    from zi.surveys.models import (
        Campaign,
        Instrument,
        ItemRollup,
        OneTimeCode,
        RespondentRollup,
        Response,
        ResponseItem,
        ServicePoint,
    )

    rng = random.Random(20260401)  # noqa: S311 - synthetic data, not security
    templates_load_all()
    services.instruments_load_all()
    template = LkeTemplate.objects.get(code="permenpanrb-90-2021")
    period, _ = Period.objects.get_or_create(
        year=2097,
        defaults={"name": "Bench 2097", "template": template, "starts_on": "2097-01-01", "ends_on": "2097-12-31"},
    )
    agency, _ = Agency.objects.get_or_create(
        code="BENCH-SURVEYS", defaults={"name": "Bench surveys", "kind": "kementerian"}
    )
    unit_type, _ = UnitType.objects.get_or_create(code="satker", defaults={"name": "Satuan kerja"})
    units = list(Unit.objects.filter(agency=agency).order_by("pk"))
    while len(units) < args.units:
        units.append(
            org_services.unit_create(
                actor=None,
                agency=agency,
                parent=None,
                code=f"BS{len(units)}",
                name=f"Unit bench {len(units)}",
                unit_type=unit_type,
            )
        )
    units = units[: args.units]
    skm = Instrument.objects.get(kind="skm")
    ipak = Instrument.objects.get(kind="ipak")
    items = list(skm.items.all()) + list(ipak.items.all())
    assert len(items) == 20
    now = timezone.now()
    results: dict = {"database": connection.vendor, "answers": 0, "items_per_response": len(items), "units": len(units)}

    def cleanup() -> None:
        campaigns = Campaign.objects.filter(unit__agency=agency)
        ItemRollup.objects.filter(campaign__in=campaigns).delete()
        RespondentRollup.objects.filter(campaign__in=campaigns).delete()
        ResponseItem.objects.filter(response__campaign__in=campaigns).delete()
        Response.objects.filter(campaign__in=campaigns).delete()
        OneTimeCode.objects.filter(campaign__in=campaigns).delete()
        ServicePoint.objects.filter(campaign__in=campaigns).delete()
        campaigns.delete()

    cleanup()
    campaigns = []
    for unit in units:
        campaigns.append(
            services.campaign_create(
                actor=None,
                unit=unit,
                period=period,
                instruments=[skm, ipak],
                title=f"Bench {unit.code}",
                opens_at=now - dt.timedelta(days=200),
                closes_at=now + dt.timedelta(days=30),
                respondent_groups=["pengguna_layanan", "pengunjung", "wbp"],
                population_size=1000,
            )
        )

    responses_total = args.answers // len(items)
    t0 = time.perf_counter()
    generate_raw(connection, campaigns, items, responses_total, now)
    results["answers"] = ResponseItem.objects.filter(response__campaign__in=campaigns).count()
    results["responses"] = responses_total
    results["insert_raw_s"] = round(time.perf_counter() - t0, 2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE surveys_response; ANALYZE surveys_responseitem")

    t0 = time.perf_counter()
    rollups.rebuild([c.pk for c in campaigns])
    results["rollup_build_from_raw_s"] = round(time.perf_counter() - t0, 2)
    results["item_rollup_rows"] = ItemRollup.objects.filter(campaign__in=campaigns).count()

    def timed(fn, repeat=5):
        samples = []
        value = None
        for _ in range(repeat):
            start = time.perf_counter()
            value = fn()
            samples.append((time.perf_counter() - start) * 1000)
        return round(statistics.median(samples), 2), value

    results["unit_results_ms"], unit_results = timed(lambda: services.campaign_results(campaigns[0]))
    results["unit_example"] = {
        s.instrument.kind: (str(s.ikm.ikm) if s.ikm else str(s.index.value)) for s in unit_results.overall
    }
    results["lke_feed_ms"], feed = timed(lambda: services.survey_index_for(units[0], period, "ipak"))
    results["lke_feed_example"] = {"value": feed.value, "respondents": feed.respondents, "ci95": feed.ci95}

    def national():
        per_unit: dict[int, dict] = defaultdict(
            lambda: {"items": defaultdict(lambda: [0, 0]), "m": indices.MomentStats()}
        )
        item_kind = {item.pk: (item.instrument.kind, item.code) for item in items}
        rows = (
            ItemRollup.objects.filter(campaign__period=period, group__in=services.EXTERNAL_GROUPS)
            .values_list("campaign__unit_id", "item_id")
            .annotate(n=Sum("n"), s=Sum("s"))
        )
        national_items = defaultdict(lambda: [0, 0])
        for unit_id, item_id, n, s in rows:
            acc = per_unit[unit_id]["items"][item_id]
            acc[0] += n
            acc[1] += s
            national_items[item_id][0] += n
            national_items[item_id][1] += s
        moments = indices.MomentStats()
        for unit_id, n, s, ss in (
            RespondentRollup.objects.filter(
                campaign__period=period, instrument=ipak, group__in=services.EXTERNAL_GROUPS
            )
            .values_list("campaign__unit_id")
            .annotate(n=Sum("n"), s=Sum("s"), ss=Sum("ss"))
        ):
            per_unit[unit_id]["m"] = indices.MomentStats(n, s, ss)
            moments = moments + indices.MomentStats(n, s, ss)
        unit_ipak = {}
        for unit_id, data in per_unit.items():
            stats = {
                item_kind[i][1]: tuple(v)
                for i, v in data["items"].items()
                if item_kind[i][0] == "ipak" and i in {it.pk for it in items if it.scale == "likert4"}
            }
            unit_ipak[unit_id] = indices.perception_index("ipak", stats, data["m"]).value
        stats = {
            item_kind[i][1]: tuple(v)
            for i, v in national_items.items()
            if item_kind[i][0] == "ipak" and i in {it.pk for it in items if it.scale == "likert4"}
        }
        skm_stats = {
            item_kind[i][1]: indices.ElementStat(item_kind[i][1], *v)
            for i, v in national_items.items()
            if item_kind[i][0] == "skm"
        }
        return {
            "ipak": str(indices.perception_index("ipak", stats, moments).value),
            "ikm": str(indices.ikm_from_stats(skm_stats, moments.n).ikm),
            "units_with_ipak": len(unit_ipak),
            "units_below_3_60": sum(1 for v in unit_ipak.values() if v is not None and v < indices.Decimal("3.60")),
        }

    results["national_from_rollups_ms"], results["national_example"] = timed(national)

    def national_raw():
        """The same national IPAK and IKM, but aggregated from the raw answers (what the rollups avoid)."""
        likert = {it.pk for it in items if it.scale == "likert4"}
        item_kind = {item.pk: (item.instrument.kind, item.code) for item in items}
        answers = ResponseItem.objects.filter(
            response__campaign__period=period,
            response__group__in=services.EXTERNAL_GROUPS,
            response__excluded=False,
        )
        national_items = {
            row["item_id"]: (row["n"], row["s"])
            for row in answers.values("item_id").annotate(n=Count("pk"), s=Sum("value"))
        }
        t = {"r": Response._meta.db_table, "ri": ResponseItem._meta.db_table, "ii": "surveys_instrumentitem"}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), SUM(m), SUM(m * m) FROM (SELECT r.id, AVG(ri.value * 1.0) AS m "  # noqa: S608
                f"FROM {t['ri']} ri JOIN {t['r']} r ON r.id = ri.response_id JOIN {t['ii']} ii ON ii.id = ri.item_id "
                f"WHERE r.campaign_id IN (SELECT id FROM surveys_campaign WHERE period_id = %s) "
                f"AND r.{connection.ops.quote_name('group')} IN (%s, %s) AND NOT r.excluded "
                f"AND ii.instrument_id = %s AND ii.scale = 'likert4' GROUP BY r.id) per_respondent",
                [period.pk, *(str(g) for g in services.EXTERNAL_GROUPS), ipak.pk],
            )
            n, s_, ss = cursor.fetchone()
        moments = indices.MomentStats(int(n), float(s_), float(ss))
        stats = {item_kind[i][1]: v for i, v in national_items.items() if item_kind[i][0] == "ipak" and i in likert}
        skm_stats = {
            item_kind[i][1]: indices.ElementStat(item_kind[i][1], *v)
            for i, v in national_items.items()
            if item_kind[i][0] == "skm"
        }
        return {
            "ipak": str(indices.perception_index("ipak", stats, moments).value),
            "ikm": str(indices.ikm_from_stats(skm_stats, moments.n).ikm),
        }

    results["national_raw_scan_ms"], raw_example = timed(national_raw, repeat=args.raw_repeat)
    results["national_raw_example"] = raw_example
    results["national_same_result"] = raw_example["ipak"] == results["national_example"]["ipak"] and (
        raw_example["ikm"] == results["national_example"]["ikm"]
    )
    results["raw_over_rollups"] = round(
        results["national_raw_scan_ms"] / max(results["national_from_rollups_ms"], 0.01)
    )

    target = campaigns[1]
    target_items = services.campaign_items(target)
    samples = []
    statements: list[int] = []
    for i in range(args.submits):
        sub = services.Submission(
            group="pengguna_layanan",
            answers={it.pk: (rng.randint(1, 4) if it.scale == "likert4" else 0) for it in target_items},
            form_nonce=f"live{i}",
            device_hash=f"live-device-{i}",
            ip_hash="bench",
        )
        connection.queries_log.clear()  # with DEBUG the 9 000-entry log is full by now: counts would read 0
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            services.response_submit(target, sub)
        samples.append((time.perf_counter() - start) * 1000)
        statements.append(len(ctx.captured_queries))
    samples.sort()
    results["submit_statements"] = {"min": min(statements), "max": max(statements)}
    results["submit_ms_median"] = round(statistics.median(samples), 2)
    results["submit_ms_p95"] = round(samples[int(len(samples) * 0.95) - 1], 2)
    if not args.keep:
        t0 = time.perf_counter()
        cleanup()
        results["cleanup_s"] = round(time.perf_counter() - t0, 2)
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
