"""Set-based rollup maintenance: raw answers → ``ItemRollup`` / ``RespondentRollup``, never a Python loop over answers.

Why deferred: every response of a campaign increments the *same* rollup rows, so updating them inside the submit
transaction serialises all respondents of a busy campaign on those row locks (and costs 2 + 2 × instruments
statements per submit). A submit now only inserts the response and its answers (``rolled_up = False``); the
pending responses are folded into the rollups in batches by :func:`apply_pending`:

- inline right after the submit's transaction when the task queue runs tasks immediately (development, tests, a single
  process without a broker), so results are current at once;
- otherwise by the ``surveys_apply_rollups`` task, enqueued at most once per ``ZI_SURVEY_ROLLUP_DELAY`` seconds
  (debounced through the cache) plus a periodic run every minute as a safety net;
  :mod:`zi.surveys.tasks` decides which of the two (``after_submit``): it calls this module, never the reverse;
- and always before a campaign's results page is built (read-your-writes for the staff looking at it).

Each batch is: lock the pending response ids (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent appliers
take disjoint batches; SQLite serialises writers anyway), two ``GROUP BY`` aggregates over their answers, two
``INSERT … ON CONFLICT DO UPDATE`` increments (rows sorted by key so concurrent appliers lock in the same order),
and one ``UPDATE`` marking the batch ``rolled_up``. ``rolled_up`` means "this response is currently counted":
an exclusion subtracts the response's aggregate and clears it, a reinstatement adds it back and sets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from zi.core import events
from zi.surveys.models import Campaign, InstrumentItem, ItemRollup, ItemScale, RespondentRollup, Response, ResponseItem

BATCH_SIZE = 2000


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    return {
        "r": _q(Response._meta.db_table),
        "ri": _q(ResponseItem._meta.db_table),
        "ii": _q(InstrumentItem._meta.db_table),
        "ir": _q(ItemRollup._meta.db_table),
        "rr": _q(RespondentRollup._meta.db_table),
        "group": _q("group"),
    }


def aggregate(response_ids: Sequence[int]) -> tuple[list[tuple], list[tuple]]:
    """The rollup contributions of the given responses, computed by the database (two ``GROUP BY`` queries).

    Returns item rows ``(campaign, item, group, quarter, n, Σx, Σx²)`` and respondent rows ``(campaign,
    instrument, group, quarter, n, Σm, Σm²)`` where m is a respondent's mean over the instrument's 1–4 items.
    """
    if not response_ids:
        return [], []
    t = _tables()
    marks = ", ".join(["%s"] * len(response_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.campaign_id, ri.item_id, r.{t['group']}, r.quarter, COUNT(*), SUM(ri.value), "  # noqa: S608
            f"SUM(ri.value * ri.value) FROM {t['ri']} ri JOIN {t['r']} r ON r.id = ri.response_id "
            f"WHERE r.id IN ({marks}) GROUP BY r.campaign_id, ri.item_id, r.{t['group']}, r.quarter",
            list(response_ids),
        )
        item_rows = [tuple(row[:4]) + (int(row[4]), int(row[5]), int(row[6])) for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT campaign_id, instrument_id, grp, quarter, COUNT(*), SUM(m), SUM(m * m) FROM ("  # noqa: S608
            f"SELECT r.id AS rid, r.campaign_id AS campaign_id, ii.instrument_id AS instrument_id, "
            f"r.{t['group']} AS grp, r.quarter AS quarter, AVG(ri.value * 1.0) AS m "
            f"FROM {t['ri']} ri JOIN {t['r']} r ON r.id = ri.response_id JOIN {t['ii']} ii ON ii.id = ri.item_id "
            f"WHERE r.id IN ({marks}) AND ii.scale = %s "
            f"GROUP BY r.id, r.campaign_id, ii.instrument_id, r.{t['group']}, r.quarter"
            f") per_respondent GROUP BY campaign_id, instrument_id, grp, quarter",
            [*response_ids, ItemScale.LIKERT4],
        )
        resp_rows = [tuple(row[:4]) + (int(row[4]), float(row[5]), float(row[6])) for row in cursor.fetchall()]
    return item_rows, resp_rows


def aggregate_by_service_type(campaign_id: int) -> tuple[list[tuple], list[tuple]]:
    """Counted answers of one campaign per service type: item rows ``(service type, item, n, Σx)`` and respondent
    rows ``(service type, instrument, n, Σm, Σm²)``. The rollups are keyed by respondent group, not service type,
    so this reads the campaign's raw answers — two ``GROUP BY`` over one campaign, bounded by its size (a unit's
    campaign, thousands of responses), never national."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.service_type, ri.item_id, COUNT(*), SUM(ri.value) FROM {t['ri']} ri "  # noqa: S608
            f"JOIN {t['r']} r ON r.id = ri.response_id WHERE r.campaign_id = %s AND r.rolled_up "
            f"GROUP BY r.service_type, ri.item_id",
            [campaign_id],
        )
        item_rows = [(row[0], row[1], int(row[2]), int(row[3])) for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT st, instrument_id, COUNT(*), SUM(m), SUM(m * m) FROM ("  # noqa: S608
            f"SELECT r.id AS rid, r.service_type AS st, ii.instrument_id AS instrument_id, AVG(ri.value * 1.0) AS m "
            f"FROM {t['ri']} ri JOIN {t['r']} r ON r.id = ri.response_id JOIN {t['ii']} ii ON ii.id = ri.item_id "
            f"WHERE r.campaign_id = %s AND r.rolled_up AND ii.scale = %s "
            f"GROUP BY r.id, r.service_type, ii.instrument_id) per_respondent GROUP BY st, instrument_id",
            [campaign_id, ItemScale.LIKERT4],
        )
        resp_rows = [(row[0], row[1], int(row[2]), float(row[3]), float(row[4])) for row in cursor.fetchall()]
    return item_rows, resp_rows


def _announce(campaign_ids: Sequence[int]) -> None:
    """Tell the dashboards (:mod:`zi.core.events`) which units' survey indices changed, per period (one query)."""
    by_period: dict[int, set[int]] = {}
    for unit_id, period_id in Campaign.objects.filter(pk__in=set(campaign_ids)).values_list("unit_id", "period_id"):
        by_period.setdefault(period_id, set()).add(unit_id)
    for period_id, unit_ids in by_period.items():
        events.on_units_changed(unit_ids, period_id)


def add(item_rows: Sequence[tuple], resp_rows: Sequence[tuple], sign: int) -> None:
    """Add (sign=+1) or subtract (sign=−1) aggregated contributions: one upsert statement per table."""
    if item_rows or resp_rows:
        _announce([row[0] for row in item_rows] + [row[0] for row in resp_rows])
    t = _tables()
    key_cols = f"campaign_id, item_id, {t['group']}, quarter"
    for table, key, rows, cast in (
        (t["ir"], key_cols, item_rows, int),
        (t["rr"], key_cols.replace("item_id", "instrument_id"), resp_rows, float),
    ):
        if not rows:
            continue
        ordered = sorted(rows, key=lambda row: (row[0], row[1], row[2], row[3]))
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(ordered))
        params: list[Any] = []
        for campaign_id, ref_id, group, quarter, n, s, ss in ordered:
            params += [campaign_id, ref_id, group, quarter, sign * n, cast(sign * s), cast(sign * ss)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key}, n, s, ss) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n, s = {table}.s + excluded.s, "
                f"ss = {table}.ss + excluded.ss",
                params,
            )


def apply_pending(campaign_id: int | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Fold every pending response (stored, not excluded, not yet counted) into the rollups. Returns how many."""
    total = 0
    while True:
        with transaction.atomic():
            pending = Response.objects.filter(rolled_up=False, excluded=False)
            if campaign_id is not None:
                pending = pending.filter(campaign_id=campaign_id)
            ids = list(
                pending.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            add(*aggregate(ids), +1)
            Response.objects.filter(pk__in=ids).update(rolled_up=True)
        total += len(ids)
        if len(ids) < batch_size:
            return total


def rebuild(campaign_ids: Sequence[int]) -> int:
    """Recompute the rollups of these campaigns from raw answers with two ``INSERT … SELECT … GROUP BY``
    statements (repair, verification, bulk loads): no batches, no Python loop, so ten million answers take one
    scan. Marks every included response counted *first* and aggregates only counted rows, so a response stored
    meanwhile stays pending and is folded in by :func:`apply_pending` later, never twice. Run it when no exclusion
    is being made on these campaigns. Returns the responses counted."""
    campaign_ids = [int(pk) for pk in campaign_ids]
    if not campaign_ids:
        return 0
    t = _tables()
    marks = ", ".join(["%s"] * len(campaign_ids))
    with transaction.atomic():
        ItemRollup.objects.filter(campaign_id__in=campaign_ids).delete()
        RespondentRollup.objects.filter(campaign_id__in=campaign_ids).delete()
        counted = Response.objects.filter(campaign_id__in=campaign_ids, excluded=False).update(rolled_up=True)
        Response.objects.filter(campaign_id__in=campaign_ids, excluded=True).update(rolled_up=False)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {t['ir']} (campaign_id, item_id, {t['group']}, quarter, n, s, ss) "  # noqa: S608
                f"SELECT r.campaign_id, ri.item_id, r.{t['group']}, r.quarter, COUNT(*), SUM(ri.value), "
                f"SUM(ri.value * ri.value) FROM {t['ri']} ri JOIN {t['r']} r ON r.id = ri.response_id "
                f"WHERE r.campaign_id IN ({marks}) AND r.rolled_up "
                f"GROUP BY r.campaign_id, ri.item_id, r.{t['group']}, r.quarter",
                campaign_ids,
            )
            cursor.execute(
                f"INSERT INTO {t['rr']} (campaign_id, instrument_id, {t['group']}, quarter, n, s, ss) "  # noqa: S608
                f"SELECT campaign_id, instrument_id, grp, quarter, COUNT(*), SUM(m), SUM(m * m) FROM ("
                f"SELECT r.id AS rid, r.campaign_id AS campaign_id, ii.instrument_id AS instrument_id, "
                f"r.{t['group']} AS grp, r.quarter AS quarter, AVG(ri.value * 1.0) AS m "
                f"FROM {t['ri']} ri JOIN {t['r']} r ON r.id = ri.response_id JOIN {t['ii']} ii ON ii.id = ri.item_id "
                f"WHERE r.campaign_id IN ({marks}) AND r.rolled_up AND ii.scale = %s "
                f"GROUP BY r.id, r.campaign_id, ii.instrument_id, r.{t['group']}, r.quarter"
                f") per_respondent GROUP BY campaign_id, instrument_id, grp, quarter",
                [*campaign_ids, ItemScale.LIKERT4],
            )
    _announce(campaign_ids)
    return counted
