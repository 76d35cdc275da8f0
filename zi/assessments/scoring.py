"""Scoring stored answers: one lane after each save (:func:`lane_rescore`) and whole periods set-based
(:func:`rescore_period`). Both use the arithmetic of :func:`zi.lke.scoring.score_parts` (the bulk path through
:class:`zi.lke.scoring.RowScorer`), so their stored rows are identical (tests/test_rescoring.py).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from contextlib import ExitStack
from operator import mul
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from zi.assessments.models import Answer, Assessment, Lane, LaneScore, Period
from zi.core import audit, events
from zi.core.actors import Actor
from zi.lke import scoring as engine
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.services import template_spec
from zi.lke.spec import Template

_SPECS: dict[tuple[int, str], Template] = {}

_UPDATE_FIELDS = [*LaneScore.FIGURES, "breakdown", "computed_at"]


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
        breakdown=result.to_stored(),
        computed_at=now,
    )


@transaction.atomic
def lane_rescore(*, assessment: Assessment, lane: str, actor: Actor = None) -> LaneScore:
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
    events.on_unit_changed(assessment.unit_id, assessment.period_id)  # scores and areas on the dashboards
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
    :func:`zi.lke.scoring.parts_from_groups` reads. The sums come from one row per assessment (its question ids
    and values in millionths, see :func:`_sums_sql`), summed per slot at C speed by :func:`_sums`."""

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
        self._runs: dict[str | tuple[int, ...], tuple[list[int], list[tuple[int, int, int]], list[int]]] = {}

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

    def runs(self, question_list: str | tuple[int, ...]) -> tuple[list[int], list[tuple[int, int, int]], list[int]]:
        """For one list of question ids (a ``group_concat`` text or a tuple): the coefficient per position (0 for
        questions of no slot), runs ``(slot, start, end)`` of consecutive positions that add into the same slot, and
        the answer count per slot. Memoised: assessments that answered the same questions (in the same row order)
        share it."""
        cached = self._runs.get(question_list)
        if cached is not None:
            return cached
        question = self.question
        coefs: list[int] = []
        runs: list[tuple[int, int, int]] = []
        counts = [0] * self.slots
        previous: int | None = None
        start = 0
        questions = map(int, question_list.split(",")) if isinstance(question_list, str) else question_list
        for position, question_id in enumerate(questions):
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


def _sums_sql() -> str:
    """One batch's exact per-assessment aggregates, computed by the database.

    One row per assessment ``(assessment_id, question ids, units)``, the two lists in the same row order, read
    from the covering index ``answer_scoring`` (assessment, lane, question, units) without visiting a table row:
    ``units`` is the value in millionths, a stored generated column (Python's ``round()`` exactly, see
    :class:`zi.assessments.models.ValueUnits`). The ``GROUP BY`` follows the index (no sorter). PostgreSQL:
    ``array_agg`` (decoded in C from the binary result); SQLite: ``group_concat`` texts split at C speed. Python
    then multiplies by the per-position coefficients and sums runs of positions per slot (:func:`_sums`); a
    server-side ``GROUP BY assessment, slot`` costs PostgreSQL about the time of reading the answers, and SQLite a
    temporary B-tree (3–5× slower)."""
    table = Answer._meta.db_table
    where = "lane = %s AND assessment_id BETWEEN %s AND %s AND units IS NOT NULL"
    if connection.vendor == "postgresql":
        return (
            f"SELECT assessment_id, array_agg(question_id), array_agg(units) FROM {table} "  # noqa: S608
            f"WHERE {where} GROUP BY assessment_id"
        )
    return (
        f"SELECT assessment_id, group_concat(question_id), group_concat(units) FROM {table} "  # noqa: S608
        f"WHERE {where} GROUP BY assessment_id"
    )


Sums = dict[int, tuple[list[int], list[int]]]


def _batch_params(lane: str, first_id: int, last_id: int) -> list[Any]:
    return [lane, first_id, last_id]


def _fetch_sums(aggregator: _Aggregator, sql: str, params: list[Any]) -> Sums:
    """Per assessment with answers in the batch: per slot Σ coefficient × value-in-millionths and the count.
    On PostgreSQL through a binary-result cursor on Django's connection (arrays decoded in C)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with psycopg.Cursor(cursor.cursor.connection) as raw:
                raw.execute(sql, params, binary=True)
                return _postgres_sums(aggregator, raw.fetchall())
        cursor.execute(sql, params)
        rows = [(pk, questions, map(int, units.split(","))) for pk, questions, units in cursor.fetchall()]
    return _sums(aggregator, rows)


def _sums(aggregator: _Aggregator, rows: Iterable[tuple[int, Any, Iterable[int]]]) -> Sums:
    """Rows ``(assessment_id, question ids, units)`` (ids as a ``group_concat`` text or a tuple, units in the same
    order) as :data:`Sums`."""
    slots = aggregator.slots
    out: Sums = {}
    runs_for = aggregator.runs
    for assessment_id, question_list, unit_list in rows:
        coefs, runs, counts = runs_for(question_list)
        weighted = list(map(mul, coefs, unit_list))  # C-speed: no per-answer bytecode
        sums = [0] * slots
        for slot, start, end in runs:
            sums[slot] += weighted[start] if end - start == 1 else sum(weighted[start:end])
        out[assessment_id] = (sums, counts)
    return out


def _postgres_sums(aggregator: _Aggregator, rows: list[tuple[int, list[int], list[int]]]) -> Sums:
    """PostgreSQL's ``(assessment_id, question id array, units array)`` rows as :data:`Sums`."""
    return _sums(aggregator, [(pk, tuple(questions), units) for pk, questions, units in rows])


_UPSERT_COLUMNS = ["assessment_id", "lane", *_UPDATE_FIELDS]
_LOAD_TABLE = "zi_lane_score_load"
_LOAD_SELECT = (
    "SELECT assessment_id, %s, total, pengungkit, hasil, pemenuhan, reform, eligible_wbk, eligible_wbbm, "
    "CAST(breakdown AS jsonb), %s FROM zi_lane_score_load"
)


# A stored score is rewritten only when one of these changed: a rescore that finds the same figures writes nothing
# (no dead row, no WAL, no index churn on PostgreSQL), so ``computed_at`` is when the score last changed.
_SCORED_FIELDS = [c for c in _UPDATE_FIELDS if c != "computed_at"]


def _upsert_sql(source: str) -> str:
    table = LaneScore._meta.db_table
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATE_FIELDS)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"  # null-safe row comparison
    stored = ", ".join(f"{table}.{c}" for c in _SCORED_FIELDS)
    scored = ", ".join(f"EXCLUDED.{c}" for c in _SCORED_FIELDS)
    return (
        f"INSERT INTO {table} ({', '.join(_UPSERT_COLUMNS)}) {source} "  # noqa: S608
        f"ON CONFLICT (assessment_id, lane) DO UPDATE SET {updates} WHERE ({stored}) {distinct} ({scored})"
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


class _PostgresPipeline:
    """Bulk rescoring on PostgreSQL with the server and Python working at the same time (pipeline mode).

    While Python scores batch *k*, the server already runs batch *k−1*'s upsert and batch *k+1*'s aggregate, both
    sent ahead on the same connection in pipeline mode; :meth:`write` then waits for them, commits batch *k−1*
    and stages batch *k*. Per batch, in its own transaction: ``COPY`` into a temporary table (the JSON as plain
    text), then one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` that parses the JSON once. New JSON is compressed
    with lz4 when the server has it and a value is large enough to be compressed at all."""

    def __init__(self, aggregator: _Aggregator, sql: str, params: list[list[Any]], lane: str, now: Any) -> None:
        self.aggregator = aggregator
        self.sql = sql
        self.params = params  # the aggregate's parameters per batch
        self.lane = lane
        self.now = now
        self.batch: ExitStack | None = None  # the open pipeline (and from the first write on, its transaction)
        self.reading: psycopg.Cursor | None = None  # the aggregate sent ahead
        self.next_read = 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('default_toast_compression'), 'lz4' = ANY(enumvals) "
                "FROM pg_settings WHERE name = 'default_toast_compression'"
            )
            row = cursor.fetchone()
        self.compression = (row[0], "lz4") if row and row[1] else None
        self.conn = connection.connection

    def _send_read(self) -> None:
        """Send the next batch's aggregate into the open pipeline (no wait)."""
        if self.next_read < len(self.params):
            self.reading = psycopg.Cursor(self.conn)
            self.reading.execute(self.sql, self.params[self.next_read], binary=True)
        self.next_read += 1

    def start(self) -> Sums:
        """Read batch 0 (waiting), send batch 1's aggregate ahead; returns batch 0's sums."""
        sums = _fetch_sums(self.aggregator, self.sql, self.params[0]) if self.params else {}
        self.next_read = 1
        batch = ExitStack()
        batch.enter_context(self.conn.pipeline())
        self.batch = batch
        self._send_read()
        return sums

    def _sync(self) -> Sums:
        """Wait for everything sent, commit the open batch; returns the aggregate sent ahead ({} past the end)."""
        batch, self.batch = self.batch, None
        reading, self.reading = self.reading, None
        try:
            if batch is not None:
                batch.close()
            return _postgres_sums(self.aggregator, reading.fetchall()) if reading is not None else {}
        finally:
            if reading is not None:
                reading.close()

    def write(self, rows: list[tuple[Any, ...]]) -> Sums:
        """Wait for the previous batch's upsert and the aggregate sent ahead, commit; stage ``rows`` and send their
        upsert and the aggregate after next. Returns the next batch's sums."""
        sums = self._sync()
        batch = ExitStack()
        batch.enter_context(transaction.atomic())
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
            pg_cursor = batch.enter_context(psycopg.Cursor(self.conn))  # closed after the pipeline has synced
            batch.enter_context(self.conn.pipeline())
            if self.compression:
                pg_cursor.execute("SELECT set_config('default_toast_compression', %s, true)", [self.compression[1]])
            pg_cursor.execute(_upsert_sql(_LOAD_SELECT), [self.lane, self.now])
            if self.compression:
                pg_cursor.execute("SELECT set_config('default_toast_compression', %s, true)", [self.compression[0]])
            pg_cursor.execute(f"DROP TABLE {_LOAD_TABLE}")
            self.batch = batch
            self._send_read()
        except BaseException:
            self.batch = None
            if not batch.__exit__(*sys.exc_info()):
                raise
        return sums

    def finish(self) -> None:
        """Wait for the last upsert and commit its batch."""
        self._sync()

    def abort(self) -> None:
        batch, self.batch = self.batch, None
        reading, self.reading = self.reading, None
        try:
            if batch is not None:
                batch.__exit__(*sys.exc_info())
        finally:
            if reading is not None:
                reading.close()


class _SqliteReader:
    """Reads a batch's answers on a worker thread while the main thread scores the previous batch.

    The thread uses the same SQLite connection (Django opens it with ``check_same_thread=False``; it sees this
    transaction's uncommitted rows) and the main thread does not touch the connection until :meth:`sums` has joined
    the thread. The whole batch comes back as **one** text (a ``group_concat`` of the per-assessment rows), so the
    thread needs the GIL once per batch: ``sqlite3_step`` runs without it, in parallel with the scoring."""

    def __init__(self, aggregator: _Aggregator, lane: str) -> None:
        self.aggregator = aggregator
        self.lane = lane
        table = Answer._meta.db_table
        self.sql = (
            "SELECT group_concat(assessment_id || ':' || questions || ':' || units, ';') FROM ("  # noqa: S608
            f"SELECT assessment_id, group_concat(question_id) AS questions, group_concat(units) AS units FROM {table} "
            "WHERE lane = ? AND assessment_id BETWEEN ? AND ? AND units IS NOT NULL GROUP BY assessment_id)"
        )
        connection.ensure_connection()
        self.raw = connection.connection

    def start(self, batch: list[tuple[int, str]]) -> tuple[threading.Thread, dict[str, Any]]:
        result: dict[str, Any] = {}
        params = (self.lane, batch[0][0], batch[-1][0])

        def read() -> None:
            cursor = self.raw.cursor()
            try:
                result["text"] = cursor.execute(self.sql, params).fetchone()[0]
            except BaseException as exc:  # handed to the main thread by sums()
                result["error"] = exc
            finally:
                cursor.close()

        thread = threading.Thread(target=read, name="zi-rescore-read", daemon=True)
        thread.start()
        return thread, result

    def sums(self, started: tuple[threading.Thread, dict[str, Any]]) -> Sums:
        thread, result = started
        thread.join()
        if "error" in result:
            raise result["error"]
        text = result.get("text")
        if not text:
            return {}
        rows = []
        for row in text.split(";"):
            pk, questions, units = row.split(":")
            rows.append((int(pk), questions, map(int, units.split(","))))
        return _sums(self.aggregator, rows)


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
    ids = list(_lane_assessments(period, lane).order_by("pk").values_list("pk", flat=True))
    out: dict[int, engine.Parts] = {}
    sql = _sums_sql()
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        sums = _fetch_sums(aggregator, sql, _batch_params(lane, batch[0], batch[-1]))
        for pk in batch:
            lever, result, answered = aggregator.inputs(*sums.get(pk, aggregator.empty))
            out[pk] = engine.Parts(
                dict(zip(lever_codes, lever, strict=True)), dict(zip(result_codes, result, strict=True)), answered
            )
    return out


def _lane_assessments(period: Period, lane: str) -> Any:
    """The assessments of ``period`` that have ``lane``: all of them for the self-assessment; for the review, TPI
    and TPN lanes only those the workflow has opened (a stored score or an answer), so rescoring never adds an
    empty lane to a unit that was not reviewed or evaluated."""
    assessments = Assessment.objects.filter(period=period)
    if lane == Lane.SELF:
        return assessments
    return assessments.filter(
        Exists(LaneScore.objects.filter(assessment=OuterRef("pk"), lane=lane))
        | Exists(Answer.objects.filter(assessment=OuterRef("pk"), lane=lane))
    )


def rescore_period(*, period: Period, lane: str = "self", batch_size: int = 2000, actor: Actor = None) -> int:
    """Rescore every assessment of ``period`` that has ``lane`` (:func:`_lane_assessments`), set-based. Returns the
    number of assessments.

    Per batch of assessments: the database returns each assessment's question ids and values in millionths from a
    covering index (:func:`_sums_sql`; one row per assessment), Python turns them into exact per-slot sums at C
    speed (:func:`_sums`), then the pure engine's :class:`~zi.lke.scoring.RowScorer` (the arithmetic of
    :func:`~zi.lke.scoring.score_parts`, the compact stored JSON from a skeleton compiled per template, memoised
    per distinct parts) and one bulk upsert in its own transaction. The next batch's read overlaps the scoring: on
    PostgreSQL the server runs the previous upsert and the next read while Python scores
    (:class:`_PostgresPipeline`); on SQLite a worker thread reads on the same connection (:class:`_SqliteReader`).
    ``benchmarks/bench_rescoring.py`` measures it."""
    spec = _spec_for_period(period.pk)
    question_ids = dict(LkeQuestion.objects.filter(template_id=period.template_id).values_list("code", "pk"))
    aggregator = _Aggregator(spec, question_ids)
    scorer = aggregator.scorer
    sql = _sums_sql()
    assessments = list(_lane_assessments(period, lane).order_by("pk").values_list("pk", "current_predicate"))
    batches = [assessments[start : start + batch_size] for start in range(0, len(assessments), batch_size)]
    now = timezone.now()
    empty = aggregator.empty
    memo: dict[tuple[Any, ...], tuple[Any, ...]] = {}

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
    if connection.vendor == "postgresql":
        pipeline = _PostgresPipeline(
            aggregator, sql, [_batch_params(lane, b[0][0], b[-1][0]) for b in batches], lane, now
        )
        try:
            answers = pipeline.start()
            for batch in batches:
                rows = score(batch, answers)
                answers = pipeline.write(rows)
                count += len(rows)
            pipeline.finish()
        except BaseException:
            pipeline.abort()
            raise
    else:
        reader = _SqliteReader(aggregator, lane)
        answers = reader.sums(reader.start(batches[0])) if batches else {}
        ahead = None
        try:
            for k, batch in enumerate(batches):
                ahead = reader.start(batches[k + 1]) if k + 1 < len(batches) else None
                rows = score(batch, answers)  # while SQLite reads the next batch
                answers = reader.sums(ahead) if ahead is not None else {}
                ahead = None
                _sqlite_write(lane, rows, now)
                count += len(rows)
        finally:
            if ahead is not None:  # scoring failed: let the read finish before the connection rolls back
                ahead[0].join()
    if count:
        audit.record(actor, "rescore", period, after={"lane": lane, "assessments": count})
    return count
