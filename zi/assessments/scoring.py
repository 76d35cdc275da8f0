"""Scoring stored answers: one lane after each save (:func:`lane_rescore`) and whole periods set-based
(:func:`rescore_period`). Both end in :func:`zi.lke.scoring.score_parts`, so their numbers are identical.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zi.assessments.models import Answer, Assessment, LaneScore, Period
from zi.core import audit
from zi.lke import scoring as engine
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.services import template_spec
from zi.lke.spec import Template

_SPECS: dict[tuple[int, str], Template] = {}

_UPDATE_FIELDS = [
    "total",
    "pengungkit",
    "hasil",
    "pemenuhan",
    "reform",
    "eligible_wbk",
    "eligible_wbbm",
    "breakdown",
    "computed_at",
]


def _spec_for_period(period_id: int) -> Template:
    """The spec of a period's template: one small query (id + hash), the JSON only on a cache miss."""
    row = LkeTemplate.objects.filter(periods__id=period_id).values_list("pk", "content_hash").first()
    if row is None:
        raise LkeTemplate.DoesNotExist(f"period {period_id} has no template")
    spec = _SPECS.get(row)
    if spec is None:
        spec = template_spec(LkeTemplate.objects.get(pk=row[0]))
        _SPECS[row] = spec
    return spec


def lane_values(assessment: Assessment, lane: str) -> dict[str, float | None]:
    """Question code → stored 0..1 value of one lane (one query)."""
    return dict(Answer.objects.filter(assessment=assessment, lane=lane).values_list("question__code", "value"))


def _lane_score(assessment_id: int, lane: str, result: engine.ScoreResult, now: Any) -> LaneScore:
    return LaneScore(
        assessment_id=assessment_id,
        lane=lane,
        total=result.total / 100,
        pengungkit=result.pengungkit / 100,
        hasil=result.hasil / 100,
        pemenuhan=result.pemenuhan / 100,
        reform=result.reform / 100,
        eligible_wbk=result.eligible_wbk,
        eligible_wbbm=result.eligible_wbbm,
        breakdown=result.to_dict(),
        computed_at=now,
    )


@transaction.atomic
def lane_rescore(*, assessment: Assessment, lane: str, actor: Any = None) -> LaneScore:
    """Recompute and store one lane's score (3 queries, plus the audit event when the outcome changed)."""
    spec = _spec_for_period(assessment.period_id)
    values = lane_values(assessment, lane)
    result = engine.score(spec, values, assessment.current_predicate or None)
    previous = (
        LaneScore.objects.filter(assessment=assessment, lane=lane)
        .values_list("total", "eligible_wbk", "eligible_wbbm")
        .first()
    )
    obj = _lane_score(assessment.pk, lane, result, timezone.now())
    LaneScore.objects.bulk_create(
        [obj], update_conflicts=True, unique_fields=["assessment", "lane"], update_fields=_UPDATE_FIELDS
    )
    current = (obj.total, obj.eligible_wbk, obj.eligible_wbbm)
    if previous is None or tuple(previous) != current:
        keys = ("total", "eligible_wbk", "eligible_wbbm")
        audit.record(
            actor,
            "rescore",
            assessment,
            before=dict(zip(keys, previous, strict=True)) if previous else None,
            after=dict(zip(keys, current, strict=True)),
            extra={"lane": lane},
        )
    return obj


def _aggregate_sql(groups: list[tuple[int, int, int]]) -> str:
    values = ",".join(f"({int(q)},{int(g)},{int(c)})" for q, g, c in groups)
    answer = Answer._meta.db_table
    assessment = Assessment._meta.db_table
    # Only integers produced here are inlined; the lane and ids are parameters.
    return (
        f"WITH w(qid, grp, coef) AS (VALUES {values}) "  # noqa: S608
        f"SELECT a.assessment_id, w.grp, "
        f"SUM(w.coef * CAST(ROUND(a.value * {engine.VALUE_SCALE}) AS BIGINT)), COUNT(a.value) "
        f"FROM {answer} a JOIN w ON w.qid = a.question_id "
        f"JOIN {assessment} s ON s.id = a.assessment_id AND s.period_id = %s "
        f"WHERE a.lane = %s AND a.assessment_id BETWEEN %s AND %s "
        f"GROUP BY a.assessment_id, w.grp"
    )


def rescore_period(*, period: Period, lane: str = "self", batch_size: int = 2000, actor: Any = None) -> int:
    """Rescore every assessment of ``period`` for ``lane``, set-based: per batch one aggregate query
    (Σ coefficient × value per assessment and group) and one upsert. Returns the number of assessments."""
    spec = _spec_for_period(period.pk)
    plan = engine.plan_for(spec)
    question_ids = dict(LkeQuestion.objects.filter(template_id=period.template_id).values_list("code", "pk"))
    group_keys = sorted({key for key, _ in plan.groups.values()})
    group_index = {key: i for i, key in enumerate(group_keys)}
    rows = [
        (question_ids[code], group_index[key], coef)
        for code, (key, coef) in plan.groups.items()
        if code in question_ids
    ]
    sql = _aggregate_sql(rows)
    assessments = list(Assessment.objects.filter(period=period).order_by("pk").values_list("pk", "current_predicate"))
    now = timezone.now()
    count = 0
    for start in range(0, len(assessments), batch_size):
        batch = assessments[start : start + batch_size]
        sums: dict[int, dict[str, tuple[int, int]]] = {pk: {} for pk, _ in batch}
        with connection.cursor() as cursor:
            cursor.execute(sql, [period.pk, lane, batch[0][0], batch[-1][0]])
            for assessment_id, grp, total, answered in cursor.fetchall():
                sums[assessment_id][group_keys[grp]] = (int(total or 0), int(answered))
        objs = []
        for pk, predicate in batch:
            result = engine.score_parts(spec, engine.parts_from_groups(spec, sums[pk]), predicate or None)
            objs.append(_lane_score(pk, lane, result, now))
        LaneScore.objects.bulk_create(
            objs, update_conflicts=True, unique_fields=["assessment", "lane"], update_fields=_UPDATE_FIELDS
        )
        count += len(objs)
    if count:
        audit.record(actor, "rescore", period, after={"lane": lane, "assessments": count})
    return count
