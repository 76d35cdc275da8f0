"""Scoring stored answers: one lane after each save (:func:`lane_rescore`) and whole periods set-based
(:func:`rescore_period`). Both use the arithmetic of :func:`zi.lke.scoring.score_parts` (the bulk path through
:class:`zi.lke.scoring.RowScorer`), so their stored rows are identical (tests/test_rescoring.py).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import sys
import threading
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from operator import mul
from pathlib import Path
from typing import Any, NamedTuple

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


class _Scoring(NamedTuple):
    """A period's template, its row scorer, and what a score computed with them depends on besides its inputs."""

    spec: Template
    scorer: engine.RowScorer
    identity: bytes  # the template's content hash and the scoring code's fingerprint (:func:`_code_fingerprint`)


_SPECS: dict[tuple[int, str], _Scoring] = {}

_UPDATE_FIELDS = [*LaneScore.FIGURES, "breakdown", "inputs_digest", "computed_at"]


@functools.cache
def _code_fingerprint() -> str:
    """BLAKE2b of the source of the code that turns stored answers into a stored score (the engine, its plan and row
    scorer, and this module's aggregation): changing any of it changes every :func:`inputs_digest`, so the next
    rescore recomputes every row instead of trusting rows computed by the earlier code."""
    digest = hashlib.blake2b(digest_size=16)
    for name in ("zi.lke.scoring.engine", "zi.lke.scoring.plan", "zi.lke.scoring.rows", __name__):
        digest.update(Path(importlib.import_module(name).__file__ or "").read_bytes())
    return digest.hexdigest()


def _spec_for_period(period_id: int) -> _Scoring:
    """The spec of a period's template, its row scorer and identity: one small query (id + hash), the JSON only on a
    cache miss."""
    row = LkeTemplate.objects.filter(periods__id=period_id).values_list("pk", "content_hash").first()
    if row is None:
        raise LkeTemplate.DoesNotExist(f"period {period_id} has no template")
    cached = _SPECS.get(row)
    if cached is None:
        spec = template_spec(LkeTemplate.objects.get(pk=row[0]))
        identity = f"{row[1]}:{_code_fingerprint()}:".encode()
        cached = _SPECS[row] = _Scoring(spec, engine.RowScorer(spec), identity)
    return cached


def _inputs_key(
    lever: Sequence[int], result: Sequence[int | None], answered: int, predicate: str | None
) -> tuple[Any, ...]:
    """Everything of one assessment's lane a score is computed from, besides the template and the code."""
    return (*lever, *result, answered, predicate or "")


def inputs_digest(identity: bytes, key: tuple[Any, ...]) -> int:
    """``LaneScore.inputs_digest``: 64 bits of BLAKE2b over the identity (template and code) and the inputs
    (:func:`_inputs_key`: integers, ``None`` and the predicate, whose ``repr`` is the same in every process), as a
    signed ``bigint``."""
    return int.from_bytes(hashlib.blake2b(identity + repr(key).encode(), digest_size=8).digest(), "big", signed=True)


def lane_values(assessment: Assessment, lane: str) -> dict[str, float | None]:
    """Question code → stored 0..1 value of one lane (one query)."""
    return dict(Answer.objects.filter(assessment=assessment, lane=lane).values_list("question__code", "value"))


@transaction.atomic
def lane_rescore(*, assessment: Assessment, lane: str, actor: Actor = None) -> LaneScore:
    """Recompute and store one lane's score (3 queries; nothing scored or written when the inputs are those of the
    stored row; the audit event when the outcome changed). Returns the score as stored.

    The same inputs (``parts_from_values``, the per-indicator definition, gives the exact parts), digest, row
    scorer and upsert as :func:`rescore_period`: both leave the same row, and ``computed_at`` is when the score last
    changed on either path."""
    scoring = _spec_for_period(assessment.period_id)
    scorer = scoring.scorer
    parts = engine.parts_from_values(scoring.spec, lane_values(assessment, lane))
    lever = [parts.lever[code] for code in scorer.lever_codes]
    result = [parts.result.get(code) for code in scorer.result_codes]
    digest = inputs_digest(scoring.identity, _inputs_key(lever, result, parts.answered, assessment.current_predicate))
    stored = LaneScore.objects.filter(assessment=assessment, lane=lane).first()
    events.on_unit_changed(assessment.unit_id, assessment.period_id)  # scores and areas on the dashboards
    if stored is not None and stored.inputs_digest == digest:
        return stored  # the same inputs: the same score, nothing to write or audit
    total, pengungkit, hasil, pemenuhan, reform, wbk, wbbm, text = scorer(
        lever, result, parts.answered, assessment.current_predicate or None
    )
    obj = LaneScore(
        assessment_id=assessment.pk,
        lane=lane,
        total=total / 100,
        pengungkit=pengungkit / 100,
        hasil=hasil / 100,
        pemenuhan=pemenuhan / 100,
        reform=reform / 100,
        eligible_wbk=wbk,
        eligible_wbbm=wbbm,
        breakdown=json.loads(text),
        inputs_digest=digest,
        computed_at=timezone.now(),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(_values_source()),
            [
                assessment.pk,
                lane,
                *(getattr(obj, name) for name in LaneScore.FIGURES),
                text,
                digest,
                connection.ops.adapt_datetimefield_value(obj.computed_at),
            ],
        )
    keys = ("total", "eligible_wbk", "eligible_wbbm")
    previous = None if stored is None else tuple(getattr(stored, key) for key in keys)
    current = tuple(getattr(obj, key) for key in keys)
    if previous != current:
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

    def __init__(self, spec: Template, scorer: engine.RowScorer, question_ids: dict[str, int]) -> None:
        plan = engine.plan_for(spec)
        self.scorer = scorer
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
    "CAST(breakdown AS jsonb), inputs_digest, %s FROM zi_lane_score_load"
)


# A stored score is rewritten only when one of these changed: a rescore that finds the same figures writes nothing
# (no dead row, no WAL, no index churn on PostgreSQL), so ``computed_at`` is when the score last changed. A row
# whose figures are the same but whose inputs digest is missing or another (written before digests, by earlier
# code, or from other answers that score the same) gets the new digest and keeps its ``computed_at``.
_SCORED_FIELDS = [*LaneScore.FIGURES, "breakdown"]


def _upsert_sql(source: str) -> str:
    table = LaneScore._meta.db_table
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"  # null-safe row comparison
    stored = ", ".join(f"{table}.{c}" for c in _SCORED_FIELDS)
    scored = ", ".join(f"EXCLUDED.{c}" for c in _SCORED_FIELDS)
    changed = f"({stored}) {distinct} ({scored})"
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATE_FIELDS if c != "computed_at")
    return (
        f"INSERT INTO {table} ({', '.join(_UPSERT_COLUMNS)}) {source} "  # noqa: S608
        f"ON CONFLICT (assessment_id, lane) DO UPDATE SET {updates}, "
        f"computed_at = CASE WHEN {changed} THEN EXCLUDED.computed_at ELSE {table}.computed_at END "
        f"WHERE {changed} OR {table}.inputs_digest {distinct} EXCLUDED.inputs_digest"
    )


def _values_source() -> str:
    """The upsert's source for rows passed as parameters (the breakdown as JSON text)."""
    breakdown = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    columns = ["%s"] * len(_UPSERT_COLUMNS)
    columns[_UPSERT_COLUMNS.index("breakdown")] = breakdown
    return f"VALUES ({', '.join(columns)})"


def _stored_sql() -> str:
    """One batch's stored inputs digests: an assessment whose inputs give the same digest is neither scored nor
    written (:func:`rescore_period`)."""
    table = LaneScore._meta.db_table
    return (
        f"SELECT assessment_id, inputs_digest FROM {table} "  # noqa: S608
        "WHERE lane = %s AND assessment_id BETWEEN %s AND %s AND inputs_digest IS NOT NULL"
    )


Stored = dict[int, int]


def _copy_text(rows: list[tuple[Any, ...]]) -> str:
    """The rows as COPY text. Only the JSON can hold a COPY special character (a backslash of an escape)."""
    lines = []
    for pk, total, pengungkit, hasil, pemenuhan, reform, wbk, wbbm, breakdown, digest in rows:
        if "\\" in breakdown:
            breakdown = breakdown.replace("\\", "\\\\")
        lines.append(
            f"{pk}\t{total!r}\t{pengungkit!r}\t{hasil!r}\t{pemenuhan!r}\t{reform!r}\t"
            f"{'t' if wbk else 'f'}\t{'t' if wbbm else 'f'}\t{breakdown}\t{digest}\n"
        )
    return "".join(lines)


class _PostgresPipeline:
    """Bulk rescoring on PostgreSQL with the server and Python working at the same time (pipeline mode).

    While Python scores batch *k*, the server already runs batch *k−1*'s upsert and batch *k+1*'s reads (the
    answers' aggregate and the stored rows), all sent ahead on the same connection in pipeline mode; :meth:`write`
    then waits for them, commits batch *k−1* and stages batch *k*. Per batch with changed rows, in its own
    transaction: ``COPY`` into a temporary table (the JSON as plain text), then one ``INSERT … SELECT … ON CONFLICT
    DO UPDATE`` that parses the JSON once; a batch where nothing changed sends nothing but the next reads. New JSON
    is compressed with lz4 when the server has it and a value is large enough to be compressed at all."""

    def __init__(self, aggregator: _Aggregator, sql: str, params: list[list[Any]], lane: str, now: Any) -> None:
        self.aggregator = aggregator
        self.sql = sql
        self.params = params  # the reads' parameters per batch
        self.lane = lane
        self.now = now
        self.batch: ExitStack | None = None  # the open pipeline (and with changed rows, its transaction)
        self.reading: tuple[psycopg.Cursor, psycopg.Cursor] | None = None  # the reads sent ahead
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
        """Send the next batch's reads into the open pipeline (no wait)."""
        if self.next_read < len(self.params):
            answers, stored = psycopg.Cursor(self.conn), psycopg.Cursor(self.conn)
            self.reading = (answers, stored)
            answers.execute(self.sql, self.params[self.next_read], binary=True)
            stored.execute(_stored_sql(), self.params[self.next_read], binary=True)
        self.next_read += 1

    def start(self) -> tuple[Sums, Stored]:
        """Read batch 0 (waiting), send batch 1's reads ahead; returns batch 0's sums and stored rows (summed while
        the server reads batch 1)."""
        fetched: tuple[list[Any], list[Any]] = ([], [])
        if self.params:
            with psycopg.Cursor(self.conn) as answers, psycopg.Cursor(self.conn) as stored:
                answers.execute(self.sql, self.params[0], binary=True)
                stored.execute(_stored_sql(), self.params[0], binary=True)
                fetched = answers.fetchall(), stored.fetchall()
        self.next_read = 1
        batch = ExitStack()
        batch.enter_context(self.conn.pipeline())
        self.batch = batch
        self._send_read()
        return self._decode(fetched)

    def _decode(self, fetched: tuple[list[Any], list[Any]]) -> tuple[Sums, Stored]:
        return _postgres_sums(self.aggregator, fetched[0]), dict(fetched[1])

    def _sync(self) -> tuple[list[Any], list[Any]]:
        """Wait for everything sent, commit the open batch; returns the rows of the reads sent ahead (none past the
        end), not yet summed: the caller sends the next work first."""
        batch, self.batch = self.batch, None
        reading, self.reading = self.reading, None
        try:
            if batch is not None:
                batch.close()
            if reading is None:
                return [], []
            return reading[0].fetchall(), reading[1].fetchall()
        finally:
            for cursor in reading or ():
                cursor.close()

    def write(self, rows: list[tuple[Any, ...]]) -> tuple[Sums, Stored]:
        """Wait for the previous batch's upsert and the reads sent ahead, commit; stage ``rows`` (the changed ones)
        and send their upsert and the reads after next; then, while the server works on them, sum the next batch.
        Returns the next batch's sums and stored rows."""
        fetched = self._sync()
        batch = ExitStack()
        try:
            if rows:
                batch.enter_context(transaction.atomic())
                self._stage(rows)
            pg_cursor = batch.enter_context(psycopg.Cursor(self.conn))  # closed after the pipeline has synced
            batch.enter_context(self.conn.pipeline())
            if rows:
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
        return self._decode(fetched)

    @staticmethod
    def _stage(rows: list[tuple[Any, ...]]) -> None:
        """``COPY`` the rows into a temporary table dropped at commit."""
        # uncompressed inline staging unless a row could exceed a page (then the default, TOASTed)
        storage = "PLAIN" if max((len(row[-2]) for row in rows), default=0) < 6000 else "EXTENDED"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_LOAD_TABLE} (assessment_id bigint, total float8, pengungkit float8, "
                "hasil float8, pemenuhan float8, reform float8, eligible_wbk boolean, eligible_wbbm boolean, "
                f"breakdown text, inputs_digest bigint) ON COMMIT DROP; "
                f"ALTER TABLE {_LOAD_TABLE} ALTER breakdown SET STORAGE {storage}"
            )
            with cursor.cursor.copy(f"COPY {_LOAD_TABLE} FROM STDIN") as copy:
                copy.write(_copy_text(rows))

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
            for cursor in reading or ():
                cursor.close()


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
        self.stored_sql = _stored_sql().replace("%s", "?")
        connection.ensure_connection()
        self.raw = connection.connection

    def start(self, batch: list[tuple[int, str]]) -> tuple[threading.Thread, dict[str, Any]]:
        result: dict[str, Any] = {}
        params = (self.lane, batch[0][0], batch[-1][0])

        def read() -> None:
            cursor = self.raw.cursor()
            try:
                result["text"] = cursor.execute(self.sql, params).fetchone()[0]
                result["stored"] = cursor.execute(self.stored_sql, params).fetchall()
            except BaseException as exc:  # handed to the main thread by sums()
                result["error"] = exc
            finally:
                cursor.close()

        thread = threading.Thread(target=read, name="zi-rescore-read", daemon=True)
        thread.start()
        return thread, result

    @staticmethod
    def join(started: tuple[threading.Thread, dict[str, Any]]) -> dict[str, Any]:
        """Wait for a read; its raw result (summed by :meth:`sums` once the next read is under way)."""
        thread, result = started
        thread.join()
        if "error" in result:
            raise result["error"]
        return result

    def sums(self, result: dict[str, Any]) -> tuple[Sums, Stored]:
        stored = dict(result["stored"])
        text = result.get("text")
        if not text:
            return {}, stored
        rows = []
        for row in text.split(";"):
            pk, questions, units = row.split(":")
            rows.append((int(pk), questions, map(int, units.split(","))))
        return _sums(self.aggregator, rows), stored


def _sqlite_write(lane: str, rows: list[tuple[Any, ...]], now: Any) -> None:
    """One ``executemany`` of ``INSERT … ON CONFLICT DO UPDATE`` with the pre-serialised JSON, in a transaction."""
    if not rows:
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            _upsert_sql(_values_source()),
            [(pk, lane, *scored, stamp) for pk, *scored in rows],
        )


def period_parts(*, period: Period, lane: str = "self", batch_size: int = 2000) -> dict[int, engine.Parts]:
    """Assessment id → the exact :class:`zi.lke.scoring.Parts` that :func:`rescore_period` scores, computed the
    same set-based way (for checks: they must equal :func:`zi.lke.scoring.parts_from_values` of the answers)."""
    spec, scorer, _identity = _spec_for_period(period.pk)
    question_ids = dict(LkeQuestion.objects.filter(template_id=period.template_id).values_list("code", "pk"))
    aggregator = _Aggregator(spec, scorer, question_ids)
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


def rescore_period(
    *, period: Period, lane: str = "self", batch_size: int = 2000, actor: Actor = None, force: bool = False
) -> int:
    """Rescore every assessment of ``period`` that has ``lane`` (:func:`_lane_assessments`), set-based. Returns the
    number of assessments.

    An assessment whose inputs give the stored row's :func:`inputs_digest` (the same answers, predicate, template
    and scoring code) is neither scored nor written; ``force`` scores every one and writes those whose figures
    differ from the stored ones (a repair of rows edited in the database).

    Per batch of assessments: the database returns each assessment's question ids and values in millionths from a
    covering index (:func:`_sums_sql`; one row per assessment), Python turns them into exact per-slot sums at C
    speed (:func:`_sums`), then the pure engine's :class:`~zi.lke.scoring.RowScorer` (the arithmetic of
    :func:`~zi.lke.scoring.score_parts`, the compact stored JSON from a skeleton compiled per template, memoised
    per distinct parts) and one bulk upsert in its own transaction. The next batch's read overlaps the scoring: on
    PostgreSQL the server runs the previous upsert and the next read while Python scores
    (:class:`_PostgresPipeline`); on SQLite a worker thread reads on the same connection (:class:`_SqliteReader`).
    ``benchmarks/bench_rescoring.py`` measures it."""
    spec, scorer, identity = _spec_for_period(period.pk)
    question_ids = dict(LkeQuestion.objects.filter(template_id=period.template_id).values_list("code", "pk"))
    aggregator = _Aggregator(spec, scorer, question_ids)
    sql = _sums_sql()
    assessments = list(_lane_assessments(period, lane).order_by("pk").values_list("pk", "current_predicate"))
    batches = [assessments[start : start + batch_size] for start in range(0, len(assessments), batch_size)]
    now = timezone.now()
    empty = aggregator.empty
    memo: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def score(batch: list[tuple[int, str]], read: tuple[Sums, Stored]) -> list[tuple[Any, ...]]:
        """The rows of ``batch`` whose inputs digest is not the stored one, scored."""
        sums, stored = read
        if force:
            stored = {}
        rows = []
        for pk, predicate in batch:
            lever, result, answered = aggregator.inputs(*sums.get(pk, empty))
            key = _inputs_key(lever, result, answered, predicate)
            digest = inputs_digest(identity, key)
            if stored.get(pk) == digest:
                continue
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
                    digest,
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
                count += len(batch)
            pipeline.finish()
        except BaseException:
            pipeline.abort()
            raise
    else:
        reader = _SqliteReader(aggregator, lane)
        fetched = reader.join(reader.start(batches[0])) if batches else {}
        ahead = None
        try:
            for k, batch in enumerate(batches):
                ahead = reader.start(batches[k + 1]) if k + 1 < len(batches) else None
                rows = score(batch, reader.sums(fetched))  # summed and scored while SQLite reads the next batch
                fetched = reader.join(ahead) if ahead is not None else {}
                ahead = None
                _sqlite_write(lane, rows, now)  # the connection is this thread's again
                count += len(batch)
        finally:
            if ahead is not None:  # scoring failed: let the read finish before the connection rolls back
                ahead[0].join()
    if count:
        audit.record(actor, "rescore", period, after={"lane": lane, "assessments": count})
    return count
