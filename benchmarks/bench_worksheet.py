"""The unit's LKE worksheet page: an empty assessment against a full one (every question answered, evidence and
revisions on every question), p50/p95 and the query count per request, measured back to back.

The page (``/penilaian/<pk>/?bagian=1``) is requested through Django's test client as the unit's team member (the
whole middleware, view and template path; no HTTP server), ``--repeat`` times each, interleaved so load on a shared
machine hits both alike. Issue #24's goal: full ÷ empty ≤ 1.2 with the same number of queries. Prints one JSON
report.

    # SQLite in a fresh temporary directory
    .venv/bin/python benchmarks/bench_worksheet.py --repeat 40
    # PostgreSQL (a scratch database: the script refuses one that already has units)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_ws_bench .venv/bin/python benchmarks/bench_worksheet.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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
        os.environ.setdefault("ZI_VAR_DIR", tempfile.mkdtemp(prefix="zi-bench-ws-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _stats(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    return {
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))], 1),
        "min_ms": round(ms[0], 1),
    }


def generate(evidence_per_question: int, revisions_per_evidence: int) -> dict[str, Any]:
    """Two units of one agency, an open period, an empty assessment and a full one; a team member of both."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from zi.assessments import services
    from zi.assessments.models import Answer, Evidence, EvidenceRevision, Lane
    from zi.assessments.scoring import lane_rescore
    from zi.lke.models import LkeQuestion
    from zi.lke.services import template_spec, templates_load_all
    from zi.organisations import services as org_services
    from zi.organisations.models import Agency, Role, Unit, UnitType

    if Unit.objects.exists():
        raise SystemExit("the database already has units: use a scratch database")
    template = templates_load_all()[0].template
    period = services.period_create(
        actor=None,
        year=2026,
        name="Periode 2026",
        template=template,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    agency = Agency.objects.create(code="BENCHWS", name="Instansi Bench", kind="kementerian")
    kind, _ = UnitType.objects.get_or_create(code="satker", defaults={"name": "Satuan kerja", "builds_zi": True})
    root = Unit.objects.create(agency=agency, code="E1", name="Eselon I Bench", unit_type=kind)
    empty_unit = Unit.objects.create(agency=agency, parent=root, code="S1", name="Satker Kosong", unit_type=kind)
    full_unit = Unit.objects.create(agency=agency, parent=root, code="S2", name="Satker Lengkap", unit_type=kind)
    user = get_user_model().objects.create(username="bench-ws-anggota", full_name="Bench")
    org_services.role_assign(actor=None, user=user, role=Role.UNIT_TEAM_MEMBER, unit=root)
    empty = services.assessment_start(actor=user, unit=empty_unit, period=period, target_predicate="WBK")
    full = services.assessment_start(actor=user, unit=full_unit, period=period, target_predicate="WBK")
    spec = template_spec(template)
    ids = dict(LkeQuestion.objects.filter(template=template).values_list("code", "id"))
    answers = []
    for code, question in spec.questions.items():
        if question.options:
            option = question.options[0]
            answers.append(Answer(question_id=ids[code], choice=option.key, value=option.value))
        else:
            answers.append(Answer(question_id=ids[code], value=0.8))
    for answer in answers:
        answer.assessment, answer.lane = full, Lane.SELF
    Answer.objects.bulk_create(answers)
    evidence = Evidence.objects.bulk_create(
        [
            Evidence(assessment=full, question_id=ids[code], title=f"Data dukung {code} #{n}", kind="link")
            for code in spec.questions
            for n in range(evidence_per_question)
        ]
    )
    now = timezone.now()
    EvidenceRevision.objects.bulk_create(
        [
            EvidenceRevision(evidence=item, number=r, url=f"https://contoh.go.id/{item.pk}/{r}", uploaded_at=now)
            for item in evidence
            for r in range(1, revisions_per_evidence + 1)
        ]
    )
    lane_rescore(assessment=full, lane=Lane.SELF)
    return {
        "questions": len(spec.questions),
        "answers_full": len(answers),
        "evidence_full": len(evidence),
        "revisions_full": len(evidence) * revisions_per_evidence,
        "empty_pk": empty.pk,
        "full_pk": full.pk,
    }


def measure(repeat: int, warmup: int, section: str) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from zi.assessments.models import Assessment

    user = get_user_model().objects.get(username="bench-ws-anggota")
    client = Client()
    client.force_login(user)
    pages = {
        "empty": Assessment.objects.get(unit__name="Satker Kosong"),
        "full": Assessment.objects.get(unit__name="Satker Lengkap"),
    }
    urls = {key: reverse("assessments:worksheet", args=[a.pk]) + f"?bagian={section}" for key, a in pages.items()}
    report: dict[str, Any] = {}
    for key, url in urls.items():
        for _ in range(warmup):
            assert client.get(url).status_code == 200, url
        statements: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *a, seen=statements: seen.append(sql) or execute(sql, *a)):
            client.get(url)
        report[key] = {"url": url, "queries": len(statements)}
    times: dict[str, list[float]] = {key: [] for key in urls}
    for _ in range(repeat):
        for key, url in urls.items():
            started = time.perf_counter()
            response = client.get(url)
            times[key].append(time.perf_counter() - started)
            assert response.status_code == 200
    for key in urls:
        report[key]["page"] = _stats(times[key])
    report["full_over_empty_p50"] = round(report["full"]["page"]["p50_ms"] / report["empty"]["page"]["p50_ms"], 2)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evidence", type=int, default=5, help="evidence items per question (full assessment)")
    parser.add_argument("--revisions", type=int, default=1, help="revisions per evidence item")
    parser.add_argument("--section", default="1", help="the worksheet tab requested (?bagian=)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="measure the data already in the database")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    report: dict[str, Any] = {"database": connection.vendor, "load_average": os.getloadavg()}
    if not args.reuse:
        report["data"] = generate(args.evidence, args.revisions)
    report["pages"] = measure(args.repeat, args.warmup, args.section)
    report["load_average_after"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
