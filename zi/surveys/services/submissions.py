"""Submissions: the campaign's items, answer validation and ``response_submit`` with its anti-abuse flags."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.surveys import integrity, tasks
from zi.surveys.integrity import keyed_hash
from zi.surveys.models import (
    Campaign,
    Channel,
    InstrumentItem,
    ItemScale,
    OneTimeCode,
    Response,
    ResponseItem,
    ServicePoint,
)
from zi.surveys.services.campaigns import campaign_is_open, normalise_code, quarter_of
from zi.surveys.services.errors import SurveyError


@dataclass(frozen=True)
class Submission:
    group: str
    answers: dict[int, int]  # InstrumentItem id → value
    service_type: str = ""
    service_point: ServicePoint | None = None
    channel: str = Channel.PUBLIC
    form_nonce: str = ""
    device_hash: str = ""
    one_per_device: bool = True
    ip_hash: str = ""
    flags: dict[str, Any] = field(default_factory=dict)
    code: str = ""


_ITEMS_CACHE: dict[tuple[int, Any], tuple[float, list[InstrumentItem]]] = {}
_ITEMS_CACHE_SECONDS = 60


def campaign_items(campaign: Campaign) -> list[InstrumentItem]:
    """The campaign's questions in form order. Cached per process for a minute, keyed by the campaign's
    ``updated_at`` (an edit changes the key): the public form and every submit need them, and they do not change
    once a campaign has answers."""
    key = (campaign.pk, campaign.updated_at)
    hit = _ITEMS_CACHE.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < _ITEMS_CACHE_SECONDS:
        return hit[1]
    items = list(
        InstrumentItem.objects.filter(instrument__campaigns=campaign)
        .select_related("instrument")
        .order_by("instrument__kind", "instrument_id", "position")
    )
    if len(_ITEMS_CACHE) > 512:
        _ITEMS_CACHE.clear()
    _ITEMS_CACHE[key] = (now, items)
    return items


def validate_answers(items: Iterable[InstrumentItem], answers: Mapping[int, int | None]) -> dict[int, str]:
    """Errors per item id: required items answered, values in the item's range."""
    errors: dict[int, str] = {}
    for item in items:
        value = answers.get(item.pk)
        if value is None:
            if item.required:
                errors[item.pk] = _("Wajib dijawab.")
            continue
        allowed = (1, 2, 3, 4) if item.scale == ItemScale.LIKERT4 else (0, 1)
        if value not in allowed:
            errors[item.pk] = _("Jawaban di luar pilihan.")
    return errors


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool  # False: the same form was submitted again (idempotent replay of one stamp)


def _insert_answers(response_id: int, answered: Mapping[int, int]) -> None:
    """The response's answers (item id → value) in **one** ``INSERT``. Written as SQL: every public submit runs it,
    and ``bulk_create`` spent more Python time building 29 model instances and their placeholders than the
    database took to store them (issue #24). On PostgreSQL the ids and values travel as two array literals
    (``unnest``): three parameters instead of three per answer, which Django's client-side binding would each
    quote in Python; elsewhere one multi-row ``VALUES``."""
    if not answered:
        return
    table = connection.ops.quote_name(ResponseItem._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("response_id", "item_id", "value"))
    if connection.vendor == "postgresql":
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT %s, item, value "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::smallint[]) AS answer(item, value)"
        )
        items = "{" + ",".join(str(int(item_id)) for item_id in answered) + "}"
        values = "{" + ",".join(str(int(value)) for value in answered.values()) + "}"
        params: list[Any] = [response_id, items, values]
    else:
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join(['(%s, %s, %s)'] * len(answered))}"  # noqa: S608
        params = []
        for item_id, value in answered.items():
            params += [response_id, item_id, value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _device_used() -> SurveyError:
    return SurveyError(
        _("Perangkat ini sudah mengirim jawaban untuk survei ini. Terima kasih atas partisipasi Anda."),
        code="device_used",
    )


def _vector_comparable(vector: str, min_items: int) -> bool:
    return len(vector) - vector.count("-") >= max(min_items, 1)


_CLUSTER_COLUMNS = ("id", "pattern_hash", "ip_hash", "straight_line", "answer_vector", "flags")


def _recent_matches(campaign_id: int, lookups: list[tuple[str, str]], since: dt.datetime) -> list[tuple[Any, ...]]:
    """The most recent responses (at most ``ZI_SURVEY_CLUSTER_LOOKBACK`` per look-up) of the campaign since
    ``since`` whose ``column`` equals ``value``, for each ``(column, value)``: one ``UNION ALL`` statement of
    index-ordered, capped sub-selects (``response_campaign_pattern`` / ``response_campaign_ip`` walked backwards
    from now), one row per response. Written as SQL: this runs in every submit, and building the same query with
    the ORM cost more Python time than the database took to answer it."""
    table = connection.ops.quote_name(Response._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _CLUSTER_COLUMNS)
    parts: list[str] = []
    params: list[Any] = []
    cap, since_value = max(integrity.cluster_lookback(), 1), connection.ops.adapt_datetimefield_value(since)
    for n, (column, value) in enumerate(lookups):
        parts.append(
            f"SELECT * FROM (SELECT {columns} FROM {table} WHERE campaign_id = %s AND {column} = %s "  # noqa: S608
            f"AND submitted_at >= %s ORDER BY submitted_at DESC LIMIT %s) look{n}"
        )
        params += [campaign_id, value, since_value, cap]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = cursor.fetchall()
    rows: dict[int, tuple[Any, ...]] = {}
    for pk, pattern_hash, ip_hash, straight, vector, flags in found:  # a response can match both look-ups
        rows[pk] = (
            pk,
            pattern_hash,
            ip_hash,
            bool(straight),
            vector,
            json.loads(flags) if isinstance(flags, str) else flags,
        )
    return list(rows.values())


def _cluster_flags(campaign: Campaign, response: Response, now: dt.datetime) -> None:
    """Statistical stuffing checks for a new response, in its transaction: **one** query of two capped, indexed
    look-ups (the most recent responses sharing its fingerprint, and the most recent from its network:
    :func:`_recent_matches`), then
    counting in Python over at most 2 × ``ZI_SURVEY_CLUSTER_LOOKBACK`` rows.

    - ``pattern_cluster``: at least ``ZI_SURVEY_PATTERN_FLAG_AT`` responses of this campaign with the same full
      answer vector within ``ZI_SURVEY_PATTERN_WINDOW`` seconds;
    - ``straightline_network``: at least ``ZI_SURVEY_STRAIGHTLINE_FLAG_AT`` straight-lined responses (every 1–4
      answer the same) from one network (IP hash) within the window;
    - ``near_identical_network``: at least ``ZI_SURVEY_NEAR_FLAG_AT`` responses from one network within the window
      whose answer vectors differ from this one in at most ``ZI_SURVEY_NEAR_MAX_DIFF`` answers (a person changing
      one answer per fake submission defeats the exact fingerprint, not this).

    Bounded: each look-up walks its index (``response_campaign_pattern`` / ``response_campaign_ip``) backwards
    from now and stops after ``ZI_SURVEY_CLUSTER_LOOKBACK`` rows (default 100), so the cost does not grow with the
    traffic of one network or one fingerprint. Below that many responses in the window the result is exactly the
    unbounded count; above it the look-back is the last ``ZI_SURVEY_CLUSTER_LOOKBACK`` responses (a cluster that
    large has long reached every threshold, and its count is reported as at most the look-back).

    When a cluster reaches the threshold, its earlier members are flagged too (one small UPDATE per member, only
    those not yet flagged for that reason: at most threshold − 1 rows, once). Flags never drop anything.
    """
    limits = integrity.pattern_limits()
    use_pattern = bool(response.pattern_hash) and limits.pattern_flag_at > 0
    use_straight = response.straight_line and bool(response.ip_hash) and limits.straightline_flag_at > 0
    use_near = (
        bool(response.ip_hash)
        and limits.near_flag_at > 0
        and _vector_comparable(response.answer_vector, limits.min_items)
    )
    if not (use_pattern or use_straight or use_near):
        return
    lookups = []
    if use_pattern:
        lookups.append(("pattern_hash", response.pattern_hash))
    if use_straight or use_near:
        lookups.append(("ip_hash", response.ip_hash))
    rows = _recent_matches(campaign.pk, lookups, now - dt.timedelta(seconds=limits.window))
    members: dict[str, tuple[list[tuple[Any, ...]], int]] = {}
    if use_pattern:
        members["pattern_cluster"] = ([r for r in rows if r[1] == response.pattern_hash], limits.pattern_flag_at)
    if use_straight:
        same = [r for r in rows if r[2] == response.ip_hash and r[3]]
        members["straightline_network"] = (same, limits.straightline_flag_at)
    if use_near:
        near = [
            r
            for r in rows
            if r[2] == response.ip_hash and integrity.near_identical(r[4], response.answer_vector, limits.near_max_diff)
        ]
        members["near_identical_network"] = (near, limits.near_flag_at)
    changed = False
    for flag, (cluster, threshold) in members.items():
        count = len(cluster)
        if count < threshold:
            continue
        response.flags[flag] = count
        changed = True
        for pk, _p, _i, _s, _v, flags in cluster:
            if pk != response.pk and flag not in (flags or {}):
                Response.objects.filter(pk=pk).update(flags={**(flags or {}), flag: count}, is_flagged=True)
    if changed:
        response.is_flagged = True
        Response.objects.filter(pk=response.pk).update(flags=response.flags, is_flagged=True)


def response_submit(
    campaign: Campaign, sub: Submission, now: dt.datetime | None = None, items: Sequence[InstrumentItem] | None = None
) -> SubmitResult:
    """Store one response and its answers; the rollups are updated set-based after commit
    (:mod:`zi.surveys.rollups`, scheduled by :func:`zi.surveys.tasks.after_submit`).

    Refusals (``SurveyError`` with a ``code``): ``closed``, unknown group/service type, invalid answers, a
    one-time code missing/unknown/used, ``device_used`` (a second response from the same device, non-kiosk).
    The same form nonce submitted twice returns the first response (a double click or a retried request never
    makes two rows). Duplicates are caught by the unique constraints, not by extra reads on the happy path.
    """
    now = now or timezone.now()
    if not campaign_is_open(campaign, now):
        raise SurveyError(_("Survei ini sedang tidak dibuka."), code="closed")
    if sub.group not in campaign.respondent_groups:
        raise SurveyError(_("Kelompok responden tidak tersedia pada survei ini."))
    if campaign.service_types and sub.service_type not in campaign.service_types:
        raise SurveyError(_("Jenis layanan tidak dikenal."))
    items = list(items) if items is not None else campaign_items(campaign)
    errors = validate_answers(items, sub.answers)
    by_id = {item.pk: item for item in items}
    if errors or set(sub.answers) - set(by_id):
        raise SurveyError(_("Ada jawaban yang belum diisi atau tidak sah."))
    answered = {item_id: value for item_id, value in sub.answers.items() if value is not None}
    limits = integrity.pattern_limits()
    likert_ids = {item.pk for item in items if item.scale == ItemScale.LIKERT4}
    pattern_hash, straight = integrity.answer_pattern(answered, likert_ids, limits.min_items)
    vector = integrity.answer_vector(answered, by_id)
    device_unique = sub.device_hash if (sub.one_per_device and sub.device_hash) else None
    form_nonce = sub.form_nonce or secrets.token_urlsafe(12)
    flags = dict(sub.flags)
    try:
        with transaction.atomic():
            code_row = None
            if campaign.require_code:
                code = normalise_code(sub.code)
                if not code:
                    raise SurveyError(_("Kode survei (tercetak pada struk/tanda terima) wajib diisi."), code="code")
                code_row = (
                    OneTimeCode.objects.select_for_update()
                    .filter(campaign=campaign, code_hash=keyed_hash("code", campaign.pk, code))
                    .first()
                )
                if code_row is None:
                    raise SurveyError(
                        _("Kode survei tidak dikenal. Periksa kembali kode pada struk Anda."), code="code"
                    )
                if code_row.used_at is not None:
                    raise SurveyError(_("Kode survei ini sudah dipakai."), code="code_used")
            response = Response.objects.create(
                campaign=campaign,
                service_point=sub.service_point,
                channel=sub.channel,
                group=sub.group,
                service_type=sub.service_type,
                submitted_at=now,
                quarter=quarter_of(now),
                form_nonce=form_nonce,
                device_hash=sub.device_hash,
                device_unique=device_unique,
                ip_hash=sub.ip_hash,
                flags=flags,
                is_flagged=bool(flags),
                pattern_hash=pattern_hash,
                answer_vector=vector,
                straight_line=straight,
            )
            _insert_answers(response.pk, answered)
            _cluster_flags(campaign, response, now)
            if code_row is not None:
                code_row.used_at = now
                code_row.save(update_fields=["used_at"])
    except (IntegrityError, SurveyError) as exc:
        if isinstance(exc, SurveyError) and exc.code != "code_used":
            raise
        # A replay of the same form (or a concurrent request with the same nonce or device) won the race.
        existing = Response.objects.filter(campaign=campaign, form_nonce=form_nonce).first()
        if existing is not None:
            return SubmitResult(existing, False)
        if isinstance(exc, SurveyError):
            raise
        raise _device_used() from exc
    tasks.after_submit(campaign.pk)
    return SubmitResult(response, True)
