"""Survey indices at scale: N answers (20 items per response) spread over many units' campaigns.

Usage (the database is migrated first; the benchmark's own agency and rows are removed at the end unless --keep):

    DATABASE_URL=sqlite:////tmp/bench_surveys.sqlite3 .venv/bin/python benchmarks/bench_surveys.py --answers 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_h5 .venv/bin/python benchmarks/bench_surveys.py

Prints JSON: insert time for the raw rows, rollup build from raw rows (a repair path — in operation the rollups
are updated on submit), one unit's full results page data, the LKE feed for one unit, a national aggregate of
IPAK/IKM over all units from the rollup tables, the same national number by scanning raw answers (for contrast),
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--submits", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from zi.assessments.models import Period
    from zi.lke.models import LkeTemplate
    from zi.lke.services import templates_load_all
    from zi.organisations import services as org_services
    from zi.organisations.models import Agency, Unit, UnitType
    from zi.surveys import indices, services
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
    groups = ["pengguna_layanan", "pengunjung", "wbp"]
    t0 = time.perf_counter()
    batch = 2000
    made = 0
    while made < responses_total:
        size = min(batch, responses_total - made)
        with transaction.atomic():
            rows = []
            for i in range(size):
                campaign = campaigns[(made + i) % len(campaigns)]
                at = now - dt.timedelta(days=rng.randint(0, 180), seconds=rng.randint(0, 86400))
                rows.append(
                    Response(
                        campaign=campaign,
                        group=groups[(made + i) % 3],
                        submitted_at=at,
                        quarter=services.quarter_of(at),
                        form_nonce=f"b{made + i}",
                        device_hash=f"{made + i:064d}"[-64:],
                        ip_hash="",
                    )
                )
            created = Response.objects.bulk_create(rows, batch_size=batch)
            answers = []
            for response in created:
                base = rng.choice((2, 3, 3, 4, 4))
                for item in items:
                    if item.scale == "likert4":
                        value = min(4, max(1, base + rng.choice((-1, 0, 0, 0, 1))))
                    else:
                        value = rng.random() < 0.05
                    answers.append(ResponseItem(response=response, item=item, value=int(value)))
            ResponseItem.objects.bulk_create(answers, batch_size=5000)
        made += size
    results["answers"] = responses_total * len(items)
    results["responses"] = responses_total
    results["insert_raw_s"] = round(time.perf_counter() - t0, 2)

    t0 = time.perf_counter()
    for campaign in campaigns:
        services.rollups_rebuild(campaign)
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

    def raw_scan():
        return list(
            ResponseItem.objects.filter(
                response__campaign__period=period,
                response__group__in=services.EXTERNAL_GROUPS,
                response__excluded=False,
            )
            .values("item_id")
            .annotate(s=Sum("value"))
        )

    results["national_raw_scan_ms"], _ = timed(raw_scan, repeat=1)

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
