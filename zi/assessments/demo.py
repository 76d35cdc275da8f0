"""Demo evaluation data: the 2026 period on the 90/2021 LKE and self-assessments for Kanwil Sumsel satker.

Called by ``zi seed_demo`` after the unit tree exists. Idempotent: a unit that already has an assessment in
the period is left alone. Answers are deterministic (``random.Random`` seeded per unit) and shaped so the
demo shows every state: Lapas Kelas I Palembang half-filled (the demo team's unit), several satker fully
answered and submitted with scores above and below the WBK line, and Kanim Muara Enim (already WBK)
aiming at WBBM.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from zi.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceKind,
    EvidenceRevision,
    Lane,
    Period,
    Predicate,
)
from zi.assessments.scoring import lane_rescore
from zi.core import audit
from zi.lke.models import LkeTemplate
from zi.lke.scoring import normalize_answer
from zi.lke.services import template_spec, templates_load_all
from zi.lke.spec import CHOICE_TYPES, Question
from zi.organisations.models import Unit

DEMO_YEAR = 2026


def _answer_for(question: Question, quality: float, rng: random.Random) -> Any:
    """A plausible answer: better units choose better options more often."""
    if question.answer_type in CHOICE_TYPES:
        keys = list(question.option_keys)  # best first
        index = 0
        while index < len(keys) - 1 and rng.random() > quality:
            index += 1
        return keys[index]
    if question.answer_type == "index_0_4":
        return round(min(4.0, 2.9 + quality * 1.0 + rng.uniform(-0.15, 0.15)), 2)
    keys = [item.key for item in question.inputs]
    base = rng.randint(8, 40)
    values = {key: base for key in keys}
    done = max(0, round(base * min(1.0, quality + rng.uniform(-0.1, 0.1))))
    if question.code == "A.II.3.iii.a":
        return {"pelanggaran_tahun_lalu": 4, "pelanggaran_tahun_ini": 4 - round(4 * quality), "pelanggaran_disanksi": 1}
    last = keys[-1]
    values[last] = done
    return values


def _unit_profiles(units: dict[str, Unit]) -> list[tuple[Unit, float, float, bool, str, str]]:
    wanted = [
        # name fragment, quality, answered, submitted, current predicate, target
        ("Lapas Kelas I Palembang", 0.85, 0.55, False, "", Predicate.WBK),
        ("Kanim Kelas II TPI Muara Enim", 0.97, 1.0, True, Predicate.WBK, Predicate.WBBM),
        ("Kanim Kelas I TPI Palembang", 0.93, 1.0, True, "", Predicate.WBK),
        ("Bapas Kelas I Palembang", 0.9, 1.0, True, "", Predicate.WBK),
        ("LPKA Kelas I Palembang", 0.8, 1.0, True, "", Predicate.WBK),
        ("Lapas Perempuan Kelas IIA Palembang", 0.7, 1.0, True, "", Predicate.WBK),
        ("Rutan Kelas IIB Prabumulih", 0.6, 0.9, False, "", Predicate.WBK),
        ("Lapas Kelas IIB Muara Enim", 0.75, 0.3, False, "", Predicate.WBK),
    ]
    found = []
    for fragment, quality, answered, submitted, current, target in wanted:
        unit = units.get(fragment)
        if unit is not None:
            found.append((unit, quality, answered, submitted, current, target))
    return found


@transaction.atomic
def seed_assessments(stdout: Any = None) -> dict[str, int]:
    templates_load_all()
    template = LkeTemplate.objects.get(code="permenpanrb-90-2021")
    period, _ = Period.objects.get_or_create(
        year=DEMO_YEAR,
        defaults={
            "name": f"Evaluasi ZI {DEMO_YEAR}",
            "template": template,
            "starts_on": dt.date(DEMO_YEAR, 1, 2),
            "ends_on": dt.date(DEMO_YEAR, 12, 31),
            "self_assessment_deadline": dt.date(DEMO_YEAR, 12, 15),
        },
    )
    spec = template_spec(template)
    question_rows = {q.code: q for q in template.questions.all()}
    units = {u.name: u for u in Unit.objects.filter(agency__code="KEMENKUMHAM")}
    created = 0
    answers_created = 0
    for unit, quality, answered, submitted, current, target in _unit_profiles(units):
        if Assessment.objects.filter(unit=unit, period=period).exists():
            continue
        rng = random.Random(f"{DEMO_YEAR}-{unit.code}")
        assessment = Assessment.objects.create(
            unit=unit,
            period=period,
            target_predicate=target,
            current_predicate=current,
            status=AssessmentStatus.SUBMITTED if submitted else AssessmentStatus.DRAFT,
            submitted_at=timezone.now() if submitted else None,
        )
        rows = []
        changes = [audit.Change(action="create", obj=assessment, after=audit.snapshot(assessment))]
        codes = sorted(spec.questions, key=lambda c: spec.questions[c].order)
        for code in codes:
            if rng.random() > answered:
                continue
            question = spec.questions[code]
            normalized = normalize_answer(question, _answer_for(question, quality, rng), spec.settings)
            rows.append(
                Answer(
                    assessment=assessment,
                    lane=Lane.SELF,
                    question=question_rows[code],
                    choice=normalized.choice,
                    inputs=normalized.inputs,
                    value=normalized.value,
                    note="" if rng.random() > 0.3 else "Dokumen tersedia pada folder data dukung tim kerja.",
                )
            )
        Answer.objects.bulk_create(rows)
        for row in rows:
            changes.append(
                audit.Change(
                    action="answer",
                    object_type="assessments.answer",
                    object_id=f"{assessment.pk}:{row.lane}:{row.question.code}",
                    object_repr=f"{unit.name} {row.question.code}",
                    scope_path=unit.path,
                    after={"choice": row.choice, "inputs": row.inputs, "value": row.value},
                )
            )
        for row in rows[:: max(1, len(rows) // 12) or 1]:
            evidence = Evidence.objects.create(
                assessment=assessment,
                question=row.question,
                title=f"Data dukung {row.question.code}",
                kind=EvidenceKind.LINK,
            )
            EvidenceRevision.objects.create(
                evidence=evidence, number=1, url=f"https://intranet.example.go.id/zi/{unit.code}/{row.question.code}"
            )
            changes.append(audit.Change(action="create", obj=evidence, after=audit.snapshot(evidence)))
        audit.record_many("seed_demo", changes)
        lane_rescore(assessment=assessment, lane=Lane.SELF)
        created += 1
        answers_created += len(rows)
    if stdout is not None:
        stdout.write(f"Demo assessments: {created} created ({answers_created} answers) in {period.name}")
    return {"assessments": created, "answers": answers_created}
