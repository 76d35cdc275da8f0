"""Scoring stored answers: one lane after each save (:func:`lane_rescore`) and whole periods set-based
(:func:`rescore_period`). Both use the arithmetic of :func:`zi.lke.scoring.score_parts` (the bulk path through
:class:`zi.lke.scoring.RowScorer`), so their stored rows are identical (tests/test_rescoring.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from operator import mul
from typing import Any

import psycopg
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


class _Aggregator:
    """Turns per-assessment answer aggregates into :class:`zi.lke.scoring.RowScorer` inputs, exactly.

    Every question id maps to a slot (its group of ``plan.groups``) and an integer coefficient; per assessment
    the slots hold Σ coefficient × value-in-millionths and the number of answers, exactly what
    :func:`zi.lke.scoring.parts_from_groups` reads. The sums are computed by the database (PostgreSQL:
    ``GROUP BY`` assessment and slot) or from one ``group_concat`` row per assessment (SQLite), see
    :func:`_fetch_sums`."""

    def __init__(self, spec: Template, question_ids: dict[str, int]) -> None:
        plan = engine.plan_for(spec)
        self.scorer = scorer = engine.RowScorer(spec)
        keys = sorted({key for key, _ in plan.groups.values()})
        slot = {key: i for i, key in enumerate(keys)}
        self.slots = len(keys)
        # question id → (slot, coefficient); ids of other templates' questions are not in it (ignored)
        self.question: dict[int, tuple[int, int]] = {
            question_ids[code]: (slot[key], coef) for code, (key, coef) in plan.groups.items() if code in question_ids
        }
        self.first = min(self.question, default=0)
        self.last = max(self.question, default=-1)
        lever_pos = {code: i for i, code in enumerate(scorer.lever_codes)}
        self.zero = spec.settings.missing_answer == "zero"
        # zero: an aspect area's slot already holds its exact score (coefficient = weight × L / n)
        self.lever_slots = [slot.get(code) for code in scorer.lever_codes]
        # excluded: per indicator slot, area position, weight × L / k for k answers (exact: L covers k ≤ n)
        self.indicators = [
            (
                slot[ind.code],
                lever_pos[ind.area_code],
                ind.weight * plan.scale,
                [0, *(int(ind.weight * plan.scale / k) for k in range(1, len(ind.counted) + 1))],
            )
            for ind in plan.indicators
            if ind.code in slot
        ]
        self.result_slots = [slot.get(code) for code in scorer.result_codes]
        self.empty = ([0] * self.slots, [0] * self.slots)
        self._runs: dict[str, tuple[list[int], list[tuple[int, int, int]], list[int]]] = {}

    def inputs(self, sums: list[int], counts: list[int]) -> tuple[list[int], list[int | None], int]:
        if self.zero:
            lever = [0 if i is None else sums[i] for i in self.lever_slots]
        else:
            lever = [0] * len(self.lever_slots)
            for i, pos, weight, per_count in self.indicators:
                count = counts[i]
                if count:
                    if count < len(per_count):
                        lever[pos] += per_count[count] * sums[i]
                    else:  # more answers than questions cannot happen (unique per lane); stay exact anyway
                        lever[pos] += (weight * sums[i] / count).numerator
        result = [None if i is None or not counts[i] else sums[i] for i in self.result_slots]
        return lever, result, sum(counts)

    def runs(self, question_list: str) -> tuple[list[int], list[tuple[int, int, int]], list[int]]:
        """For one ``group_concat`` of question ids: the coefficient per position (0 for questions of no slot),
        runs ``(slot, start, end)`` of consecutive positions that add into the same slot, and the answer count
        per slot. Memoised: assessments that answered the same questions (in the same row order) share it."""
        cached = self._runs.get(question_list)
        if cached is not None:
            return cached
        question = self.question
        coefs: list[int] = []
        runs: list[tuple[int, int, int]] = []
        counts = [0] * self.slots
        previous: int | None = None
        start = 0
        for position, question_id in enumerate(map(int, question_list.split(","))):
            slot, coef = question.get(question_id, (None, 0))
            coefs.append(coef)
            if slot != previous:
                if previous is not None:
                    runs.append((previous, start, position))
                previous, start = slot, position
            if slot is not None:
                counts[slot] += 1
        if previous is not None:
            runs.append((previous, start, len(coefs)))
        if len(self._runs) > 4096:
            self._runs.clear()
        cached = self._runs[question_list] = (coefs, runs, counts)
        return cached


# Python's round() of value × 10**6 (half to even, as zi.lke.formulas.value_units) in SQLite, exactly. SQLite's
# ROUND(x) = trunc(x ± 0.5) rounds half away from zero and is wrong just below a half (x + 0.5 rounds up in floating
# point: only for 0.5 - 2**-54). In both cases |ROUND(x) - x| >= 0.5 (a tie gives exactly 0.5; otherwise the
# difference is exact and below 0.5), and the right answer is the even neighbour: an odd R moves one towards zero
# (R % 2 is 1 or -1 in SQLite). Cheaper than rounding by hand (checked against round() on 800,000 tricky values).
_X = f"(value * {engine.VALUE_SCALE})"
_R = f"CAST(ROUND({_X}) AS INTEGER)"
_SQLITE_UNITS = f"({_R} - ({_R} %% 2) * (ABS({_R} - {_X}) >= 0.5))"  # %%: Django's parameter style


def _sums_sql() -> str:
    """One batch's exact per-assessment aggregates, computed by the database.

    PostgreSQL: rows ``(assessment_id, slot, Σ coefficient × units, count)``, grouped by the server (hash
    aggregate); question id → slot / coefficient by array subscript; ``round()`` of a double there is ``rint()``,
    round-half-even like Python's ``round()``. SQLite: one row per assessment ``(assessment_id, question ids,
    units)`` as two ``group_concat`` texts in the same row order; the ``GROUP BY`` follows the assessment index
    (no sorter) and every per-answer step runs inside SQLite, Python only splits the texts (C speed)."""
    table = Answer._meta.db_table
    where = "lane = %s AND assessment_id BETWEEN %s AND %s AND value IS NOT NULL"
    if connection.vendor == "postgresql":
        return (
            "SELECT assessment_id, slot, CAST(SUM(coef * units) AS BIGINT), COUNT(*) FROM ("  # noqa: S608
            "SELECT assessment_id, (%s::int[])[question_id - %s] AS slot, (%s::bigint[])[question_id - %s] AS coef, "
            f"CAST(ROUND(value * {engine.VALUE_SCALE}) AS BIGINT) AS units FROM {table} "
            f"WHERE {where} AND question_id BETWEEN %s AND %s) AS answers GROUP BY assessment_id, slot"
        )
    return (
        f"SELECT assessment_id, group_concat(question_id), group_concat({_SQLITE_UNITS}) FROM {table} "  # noqa: S608
        f"WHERE {where} GROUP BY assessment_id"
    )


Sums = dict[int, tuple[list[int], list[int]]]


def _sums_params(aggregator: _Aggregator, lane: str, first_id: int, last_id: int) -> list[Any]:
    if connection.vendor != "postgresql":
        return [lane, first_id, last_id]
    base = aggregator.first - 1
    span = range(aggregator.first, aggregator.last + 1)
    slots = [aggregator.question.get(i, (-1, 0))[0] for i in span]
    coefs = [aggregator.question.get(i, (-1, 0))[1] for i in span]
    return [slots, base, coefs, base, lane, first_id, last_id, aggregator.first, aggregator.last]


def _fetch_sums(aggregator: _Aggregator, sql: str, params: list[Any]) -> Sums:
    """Per assessment with answers in the batch: per slot Σ coefficient × value-in-millionths and the count.
    On PostgreSQL through a binary-result cursor on Django's connection (decoded in C)."""
    slots = aggregator.slots
    out: Sums = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with psycopg.Cursor(cursor.cursor.connection) as raw:
                raw.execute(sql, params, binary=True)
                rows = raw.fetchall()
            for assessment_id, slot, total, count in rows:
                if slot < 0:
                    continue
                entry = out.get(assessment_id)
                if entry is None:
                    entry = out[assessment_id] = ([0] * slots, [0] * slots)
                entry[0][slot] = total
                entry[1][slot] = count
            return out
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    runs_for = aggregator.runs
    for assessment_id, question_list, unit_list in rows:
        coefs, runs, counts = runs_for(question_list)
        weighted = list(map(mul, coefs, map(int, unit_list.split(","))))  # C-speed: no per-answer bytecode
        sums = [0] * slots
        for slot, start, end in runs:
            sums[slot] += weighted[start] if end - start == 1 else sum(weighted[start:end])
        out[assessment_id] = (sums, counts)
    return out


_UPSERT_COLUMNS = ["assessment_id", "lane", *_UPDATE_FIELDS]
_LOAD_TABLE = "zi_lane_score_load"
_LOAD_SELECT = (
    "SELECT assessment_id, %s, total, pengungkit, hasil, pemenuhan, reform, eligible_wbk, eligible_wbbm, "
    "CAST(breakdown AS jsonb), %s FROM zi_lane_score_load"
)


def _upsert_sql(source: str) -> str:
    table = LaneScore._meta.db_table
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATE_FIELDS)
    return (
        f"INSERT INTO {table} ({', '.join(_UPSERT_COLUMNS)}) {source} "  # noqa: S608
        f"ON CONFLICT (assessment_id, lane) DO UPDATE SET {updates}"
    )


def _copy_text(rows: list[tuple[Any, ...]]) -> str:
    """The rows as COPY text. Only the JSON can hold a COPY special character (a backslash of an escape)."""
    lines = []
    for pk, total, pengungkit, hasil, pemenuhan, reform, wbk, wbbm, breakdown in rows:
        if "\\" in breakdown:
            breakdown = breakdown.replace("\\", "\\\\")
        lines.append(
            f"{pk}\t{total!r}\t{pengungkit!r}\t{hasil!r}\t{pemenuhan!r}\t{reform!r}\t"
            f"{'t' if wbk else 'f'}\t{'t' if wbbm else 'f'}\t{breakdown}\n"
        )
    return "".join(lines)


class _PostgresWriter:
    """Per batch, in its own transaction: ``COPY`` into a temporary table (the JSON as plain text: no TOAST
    compression of the staging copy), then one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` that parses the JSON
    once. The INSERT is sent in pipeline mode and only awaited before the next batch is written, so the server
    works on it while Python scores the next batch (2 cores: about half the write time disappears). New JSON is
    compressed with lz4 when the server has it (much cheaper than pglz; values read back the same)."""

    def __init__(self, lane: str, now: Any) -> None:
        self.lane = lane
        self.now = now
        self.pending: ExitStack | None = None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('default_toast_compression'), 'lz4' = ANY(enumvals) "
                "FROM pg_settings WHERE name = 'default_toast_compression'"
            )
            row = cursor.fetchone()
        self.compression = (row[0], "lz4") if row and row[1] else None

    def write(self, rows: list[tuple[Any, ...]], before_upsert: Callable[[], Any]) -> Any:
        """Stage ``rows``, call ``before_upsert()`` (the next batch's read, on the idle connection), send the
        upsert and return what ``before_upsert`` returned; the transaction stays open until :meth:`finish`."""
        self.finish()
        stack = ExitStack()
        stack.enter_context(transaction.atomic())
        # uncompressed inline staging unless a row could exceed a page (then the default, TOASTed)
        storage = "PLAIN" if max((len(row[-1]) for row in rows), default=0) < 6000 else "EXTENDED"
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {_LOAD_TABLE} (assessment_id bigint, total float8, pengungkit float8, "
                    "hasil float8, pemenuhan float8, reform float8, eligible_wbk boolean, eligible_wbbm boolean, "
                    f"breakdown text) ON COMMIT DROP; ALTER TABLE {_LOAD_TABLE} ALTER breakdown SET STORAGE {storage}"
                )
                with cursor.cursor.copy(f"COPY {_LOAD_TABLE} FROM STDIN") as copy:
                    copy.write(_copy_text(rows))
            result = before_upsert()
            conn = connection.connection
            cursor = stack.enter_context(psycopg.Cursor(conn))  # closed after the pipeline has synced
            stack.enter_context(conn.pipeline())
            if self.compression:
                cursor.execute("SELECT set_config('default_toast_compression', %s, true)", [self.compression[1]])
            cursor.execute(
                _upsert_sql(_LOAD_SELECT),
                [self.lane, self.now],
            )
            if self.compression:
                cursor.execute("SELECT set_config('default_toast_compression', %s, true)", [self.compression[0]])
            cursor.execute(f"DROP TABLE {_LOAD_TABLE}")
        except BaseException:
            if not stack.__exit__(*sys.exc_info()):
                raise
        self.pending = stack
        return result

    def finish(self) -> None:
        """Wait for the sent upsert and commit its batch."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.close()

    def abort(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.__exit__(*sys.exc_info())


def _sqlite_write(lane: str, rows: list[tuple[Any, ...]], now: Any) -> None:
    """One ``executemany`` of ``INSERT … ON CONFLICT DO UPDATE`` with the pre-serialised JSON, in a transaction."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            _upsert_sql(f"VALUES ({', '.join(['%s'] * len(_UPSERT_COLUMNS))})"),
            [(pk, lane, *scored, stamp) for pk, *scored in rows],
        )


def period_parts(*, period: Period, lane: str = "self", batch_size: int = 2000) -> dict[int, engine.Parts]:
    """Assessment id → the exact :class:`zi.lke.scoring.Parts` that :func:`rescore_period` scores, computed the
    same set-based way (for checks: they must equal :func:`zi.lke.scoring.parts_from_values` of the answers)."""
    spec = _spec_for_period(period.pk)
    question_ids = dict(LkeQuestion.objects.filter(template_id=period.template_id).values_list("code", "pk"))
    aggregator = _Aggregator(spec, question_ids)
    lever_codes, result_codes = aggregator.scorer.lever_codes, aggregator.scorer.result_codes
    ids = list(Assessment.objects.filter(period=period).order_by("pk").values_list("pk", flat=True))
    out: dict[int, engine.Parts] = {}
    sql = _sums_sql()
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        sums = _fetch_sums(aggregator, sql, _sums_params(aggregator, lane, batch[0], batch[-1]))
        for pk in batch:
            lever, result, answered = aggregator.inputs(*sums.get(pk, aggregator.empty))
            out[pk] = engine.Parts(
                dict(zip(lever_codes, lever, strict=True)), dict(zip(result_codes, result, strict=True)), answered
            )
    return out


def rescore_period(*, period: Period, lane: str = "self", batch_size: int = 2000, actor: Any = None) -> int:
    """Rescore every assessment of ``period`` for ``lane``, set-based. Returns the number of assessments.

    Per batch of assessments: the database computes the exact per-assessment aggregates (:func:`_sums_sql`:
    PostgreSQL sums per slot, SQLite one ``group_concat`` row per assessment; no per-answer Python work), then the
    pure engine's :class:`~zi.lke.scoring.RowScorer` (the arithmetic of :func:`~zi.lke.scoring.score_parts`, the
    JSON from a skeleton compiled per template, memoised per distinct parts) and one bulk upsert in its own
    transaction (on PostgreSQL overlapping the next batch's scoring, see :class:`_PostgresWriter`).
    ``benchmarks/bench_rescoring.py`` measures it."""
    spec = _spec_for_period(period.pk)
    question_ids = dict(LkeQuestion.objects.filter(template_id=period.template_id).values_list("code", "pk"))
    aggregator = _Aggregator(spec, question_ids)
    scorer = aggregator.scorer
    sql = _sums_sql()
    assessments = list(Assessment.objects.filter(period=period).order_by("pk").values_list("pk", "current_predicate"))
    batches = [assessments[start : start + batch_size] for start in range(0, len(assessments), batch_size)]
    now = timezone.now()
    empty = aggregator.empty
    memo: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def fetch(k: int) -> Sums:
        if k >= len(batches):
            return {}
        batch = batches[k]
        return _fetch_sums(aggregator, sql, _sums_params(aggregator, lane, batch[0][0], batch[-1][0]))

    def score(batch: list[tuple[int, str]], sums: Sums) -> list[tuple[Any, ...]]:
        rows = []
        for pk, predicate in batch:
            lever, result, answered = aggregator.inputs(*sums.get(pk, empty))
            key = (*lever, *result, answered, predicate)
            scored = memo.get(key)
            if scored is None:
                if len(memo) > 10_000:
                    memo.clear()
                total, pengungkit, hasil, pemenuhan, reform, wbk, wbbm, breakdown = scorer(
                    lever, result, answered, predicate or None
                )
                scored = memo[key] = (
                    total / 100,
                    pengungkit / 100,
                    hasil / 100,
                    pemenuhan / 100,
                    reform / 100,
                    wbk,
                    wbbm,
                    breakdown,
                )
            rows.append((pk, *scored))
        return rows

    count = 0
    answers = fetch(0)
    if connection.vendor == "postgresql":
        writer = _PostgresWriter(lane, now)
        try:
            for k, batch in enumerate(batches):
                rows = score(batch, answers)
                answers = writer.write(rows, lambda k=k: fetch(k + 1))
                count += len(rows)
            writer.finish()
        except BaseException:
            writer.abort()
            raise
    else:
        for k, batch in enumerate(batches):
            rows = score(batch, answers)
            _sqlite_write(lane, rows, now)
            answers = fetch(k + 1)
            count += len(rows)
    if count:
        audit.record(actor, "rescore", period, after={"lane": lane, "assessments": count})
    return count
