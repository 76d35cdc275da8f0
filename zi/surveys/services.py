"""Survey writes (instrument loading, campaigns, submissions, exclusions) and index reads from the rollups.

Staff writes are audited (:mod:`zi.core.audit`). Anonymous submissions are *not* put in the audit chain one by
one — the chain has a single locked head and would serialise every respondent; the immutable ``Response`` row
(never deleted, only excluded with an audited reason) is the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zi.core import audit
from zi.surveys import indices, integrity, rollups
from zi.surveys.integrity import keyed_hash
from zi.surveys.models import (
    Campaign,
    Channel,
    IndexMapping,
    Instrument,
    InstrumentItem,
    InstrumentKind,
    ItemRollup,
    ItemScale,
    OneTimeCode,
    RespondentGroup,
    RespondentRollup,
    Response,
    ResponseItem,
    ServicePoint,
)

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

# Why a response was flagged, for the evaluator (keys of ``Response.flags``; values are counts or True).
FLAG_REASONS = {
    "no_device_cookie": _lazy("Tanpa cookie perangkat (cookie diblokir atau kiriman otomatis)"),
    "ip_burst": _lazy("Banyak kiriman dari satu jaringan dalam 10 menit"),
    "device_burst": _lazy("Lebih dari satu kiriman dari satu perangkat"),
    "unit_network": _lazy("Dikirim dari jaringan kantor unit sendiri"),
    "pattern_cluster": _lazy("Pola jawaban identik dengan banyak respons lain dalam waktu berdekatan"),
    "straightline_network": _lazy("Jawaban seragam (semua butir sama) berulang dari satu jaringan"),
}
EXTERNAL_GROUPS = (RespondentGroup.PENGGUNA_LAYANAN, RespondentGroup.PENGUNJUNG)


class SurveyError(Exception):
    """A refusal with a message fit to show the respondent or the staff user; ``code`` lets views react to the
    kind of refusal without reading the (translated) message."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


# --- instruments -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    instrument: Instrument
    state: str  # created | unchanged | updated
    items: int


def _parse_instrument(data: Any, source: str) -> dict:
    if not isinstance(data, dict):
        raise SurveyError(f"{source}: not a mapping")
    for key in ("code", "version", "kind", "title", "items"):
        if not data.get(key):
            raise SurveyError(f"{source}: '{key}' is missing")
    if data["kind"] not in InstrumentKind.values:
        raise SurveyError(f"{source}: unknown kind {data['kind']!r}")
    if data.get("index_mapping", IndexMapping.AS_IS) not in IndexMapping.values:
        raise SurveyError(f"{source}: unknown index_mapping {data.get('index_mapping')!r}")
    codes = set()
    for position, item in enumerate(data["items"], start=1):
        if not isinstance(item, dict) or not item.get("code") or not item.get("text") or not item.get("aspect"):
            raise SurveyError(f"{source}: item {position} needs code, aspect and text")
        if item["code"] in codes:
            raise SurveyError(f"{source}: item code {item['code']} repeated")
        codes.add(item["code"])
        scale = item.get("scale", ItemScale.LIKERT4)
        if scale not in ItemScale.values:
            raise SurveyError(f"{source}: item {item['code']}: unknown scale {scale!r}")
        width = 4 if scale == ItemScale.LIKERT4 else 2
        if item.get("labels") and len(item["labels"]) != width:
            raise SurveyError(f"{source}: item {item['code']}: needs {width} labels")
    if data["kind"] == InstrumentKind.SKM and [i["code"] for i in data["items"]] != list(indices.SKM_ELEMENTS):
        raise SurveyError(f"{source}: an SKM instrument has exactly the items U1..U9 in order")
    return data


def _create_items(instrument: Instrument, data: dict) -> None:
    InstrumentItem.objects.bulk_create(
        InstrumentItem(
            instrument=instrument,
            code=item["code"],
            position=position,
            aspect=item["aspect"],
            text=item["text"],
            scale=item.get("scale", ItemScale.LIKERT4),
            labels=item.get("labels") or [],
            required=bool(item.get("required", True)),
        )
        for position, item in enumerate(data["items"], start=1)
    )


@transaction.atomic
def instrument_load(path: Path | str, actor: Any = None) -> LoadResult:
    """Load one instrument file. Same content: nothing changes. Changed content under a code+version that
    already has answers is refused (ship a new version)."""
    with open(path, encoding="utf-8") as handle:
        data = _parse_instrument(yaml.safe_load(handle), str(path))
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    fields = {
        "kind": data["kind"],
        "title": data["title"],
        "description": data.get("description", ""),
        "index_mapping": data.get("index_mapping", IndexMapping.AS_IS),
        "content_hash": digest,
    }
    existing = Instrument.objects.filter(code=data["code"], version=str(data["version"])).first()
    if existing is None:
        instrument = Instrument.objects.create(code=data["code"], version=str(data["version"]), **fields)
        _create_items(instrument, data)
        audit.record(actor, "create", instrument, after=audit.snapshot(instrument))
        return LoadResult(instrument, "created", len(data["items"]))
    if existing.content_hash == digest:
        return LoadResult(existing, "unchanged", existing.items.count())
    if ResponseItem.objects.filter(item__instrument=existing).exists():
        raise SurveyError(
            f"{data['code']} {data['version']} already has answers and its content changed: add a new version instead"
        )
    before = audit.snapshot(existing)
    for key, value in fields.items():
        setattr(existing, key, value)
    existing.save()
    existing.items.all().delete()
    _create_items(existing, data)
    audit.record(actor, "update", existing, before=before, after=audit.snapshot(existing))
    return LoadResult(existing, "updated", len(data["items"]))


def instruments_load_all(actor: Any = None) -> list[LoadResult]:
    return [instrument_load(path, actor) for path in sorted(INSTRUMENTS_DIR.glob("*.yaml"))]


# --- campaigns -------------------------------------------------------------------------------------------


CAMPAIGN_FIELDS = (
    "title",
    "opens_at",
    "closes_at",
    "respondent_groups",
    "service_types",
    "population_size",
    "kiosk_enabled",
    "require_code",
    "unit_networks",
)


def _clean_campaign_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"unknown campaign fields: {sorted(unknown)}")
    if fields["closes_at"] <= fields["opens_at"]:
        raise SurveyError(_("Waktu tutup harus setelah waktu buka."))
    groups = fields.get("respondent_groups") or [RespondentGroup.PENGGUNA_LAYANAN]
    if set(groups) - set(RespondentGroup.values):
        raise SurveyError(_("Kelompok responden tidak dikenal."))
    fields["respondent_groups"] = list(groups)
    try:
        integrity.parse_networks(fields.get("unit_networks") or "")
    except ValueError as exc:
        raise SurveyError(str(exc)) from exc
    return fields


@transaction.atomic
def campaign_create(*, actor: Any, unit, period, instruments: Sequence[Instrument], **fields: Any) -> Campaign:
    if not instruments:
        raise SurveyError(_("Pilih minimal satu instrumen."))
    fields = _clean_campaign_fields(fields)
    campaign = Campaign(unit=unit, period=period, created_by=actor if actor else None, **fields)
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    campaign.instruments.set(instruments)
    audit.record(
        actor, "create", campaign, after={**audit.snapshot(campaign), "instruments": [i.pk for i in instruments]}
    )
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: Any, campaign: Campaign, instruments: Sequence[Instrument] | None = None, **fields: Any
) -> Campaign:
    """Change a campaign's settings (audited). Unit and period never change; the instruments may change only
    while the campaign has no response (answers must keep meaning the questions they were given to)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    merged = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
    merged.update(fields)
    merged = _clean_campaign_fields(merged)
    before = {**audit.snapshot(campaign), "instruments": sorted(campaign.instruments.values_list("pk", flat=True))}
    new_instruments = None
    if instruments is not None:
        new_instruments = sorted(i.pk for i in instruments)
        if not new_instruments:
            raise SurveyError(_("Pilih minimal satu instrumen."))
        if new_instruments != before["instruments"] and Response.objects.filter(campaign=campaign).exists():
            raise SurveyError(
                _("Instrumen tidak dapat diubah karena kampanye ini sudah memiliki jawaban. Buat kampanye baru."),
                code="has_responses",
            )
    for name, value in merged.items():
        setattr(campaign, name, value)
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    if new_instruments is not None:
        campaign.instruments.set(instruments)
    after = {**audit.snapshot(campaign), "instruments": new_instruments or before["instruments"]}
    audit.record(actor, "update", campaign, before=before, after=after)
    return campaign


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign, reason: str = "", now=None) -> Campaign:
    """Close a campaign now (audited): the public and kiosk forms say it is closed and accept nothing more.
    Responses already stored are kept and still count."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.closed_at is not None:
        raise SurveyError(_("Kampanye ini sudah ditutup."), code="closed")
    before = audit.snapshot(campaign)
    campaign.closed_at = now
    campaign.closed_reason = reason.strip()[:1000]
    if campaign.closes_at > now:
        campaign.closes_at = max(now, campaign.opens_at + dt.timedelta(seconds=1))
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    audit.record(actor, "close", campaign, before=before, after=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def service_point_create(*, actor: Any, campaign: Campaign, name: str) -> ServicePoint:
    name = name.strip()[:120]
    if not name:
        raise SurveyError(_("Nama titik layanan wajib diisi."))
    if campaign.service_points.filter(name=name).exists():
        raise SurveyError(_("Titik layanan dengan nama itu sudah ada."))
    point = ServicePoint.objects.create(campaign=campaign, name=name)
    audit.record(actor, "create", point, after=audit.snapshot(point))
    return point


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@transaction.atomic
def codes_generate(*, actor: Any, campaign: Campaign, count: int) -> list[str]:
    """New one-time codes (8 characters). Returned once in clear; only their keyed hashes are stored."""
    if not 1 <= count <= 10000:
        raise SurveyError(_("Jumlah kode 1–10.000."))
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code not in seen:
            seen.add(code)
            codes.append(code)
    OneTimeCode.objects.bulk_create(
        [OneTimeCode(campaign=campaign, code_hash=keyed_hash("code", campaign.pk, c)) for c in codes],
        batch_size=1000,
    )
    audit.record(actor, "codes_generate", campaign, extra={"count": count})
    return codes


def campaign_state(campaign: Campaign, now=None) -> str:
    """``open``, ``not_yet`` (before it opens) or ``closed`` (closed early by staff or past its closing time)."""
    now = now or timezone.now()
    if campaign.closed_at is not None or now >= campaign.closes_at:
        return "closed"
    if now < campaign.opens_at:
        return "not_yet"
    return "open"


def campaign_is_open(campaign: Campaign, now=None) -> bool:
    return campaign_state(campaign, now) == "open"


def quarter_of(moment) -> int:
    local = timezone.localtime(moment)
    return local.year * 10 + (local.month - 1) // 3 + 1


# --- submissions -----------------------------------------------------------------------------------------


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


def validate_answers(items: Iterable[InstrumentItem], answers: dict[int, int | None]) -> dict[int, str]:
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


def _device_used() -> SurveyError:
    return SurveyError(
        _("Perangkat ini sudah mengirim jawaban untuk survei ini. Terima kasih atas partisipasi Anda."),
        code="device_used",
    )


def _cluster_flags(campaign: Campaign, response: Response, now) -> None:
    """Statistical stuffing checks for a new response, in its transaction: one indexed query with two counts.

    - ``pattern_cluster``: at least ``ZI_SURVEY_PATTERN_FLAG_AT`` responses of this campaign with the same full
      answer vector within ``ZI_SURVEY_PATTERN_WINDOW`` seconds;
    - ``straightline_network``: at least ``ZI_SURVEY_STRAIGHTLINE_FLAG_AT`` straight-lined responses (every 1–4
      answer the same) from one network (IP hash) within the window.

    When a cluster reaches the threshold, its earlier members are flagged too (one small UPDATE per member, only
    those not yet flagged for that reason: at most threshold − 1 rows, once). Flags never drop anything.
    """
    limits = integrity.pattern_limits()
    checks: dict[str, tuple[Q, int]] = {}
    if response.pattern_hash and limits.pattern_flag_at > 0:
        checks["pattern_cluster"] = (Q(pattern_hash=response.pattern_hash), limits.pattern_flag_at)
    if response.straight_line and response.ip_hash and limits.straightline_flag_at > 0:
        checks["straightline_network"] = (
            Q(ip_hash=response.ip_hash, straight_line=True),
            limits.straightline_flag_at,
        )
    if not checks:
        return
    window = Response.objects.filter(campaign=campaign, submitted_at__gte=now - dt.timedelta(seconds=limits.window))
    matches = Q()
    for match, _threshold in checks.values():
        matches |= match
    counts = window.filter(matches).aggregate(
        **{flag: Count("pk", filter=match) for flag, (match, _threshold) in checks.items()}
    )  # includes the new response
    changed = False
    for flag, (match, threshold) in checks.items():
        count = counts[flag]
        if count < threshold:
            continue
        response.flags[flag] = count
        changed = True
        for earlier in window.filter(match).exclude(pk=response.pk).exclude(flags__has_key=flag).only("pk", "flags"):
            Response.objects.filter(pk=earlier.pk).update(flags={**(earlier.flags or {}), flag: count}, is_flagged=True)
    if changed:
        response.is_flagged = True
        Response.objects.filter(pk=response.pk).update(flags=response.flags, is_flagged=True)


def response_submit(
    campaign: Campaign, sub: Submission, now=None, items: Sequence[InstrumentItem] | None = None
) -> SubmitResult:
    """Store one response and its answers; the rollups are updated set-based after commit (:mod:`rollups`).

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
                straight_line=straight,
            )
            ResponseItem.objects.bulk_create(
                [ResponseItem(response=response, item_id=item_id, value=value) for item_id, value in answered.items()]
            )
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
    rollups.after_submit(campaign.pk)
    return SubmitResult(response, True)


def _answer_sets(response_ids: Sequence[int]) -> tuple[list[tuple], list[tuple]]:
    return rollups.aggregate(list(response_ids))


def _exclude_many(actor: Any, responses: Sequence[Response], reason: str, now) -> None:
    """Mark responses excluded and subtract those currently counted from the rollups (set-based)."""
    counted = [r.pk for r in responses if r.rolled_up]
    if counted:
        rollups.add(*_answer_sets(counted), -1)
    fields = ["excluded", "exclusion_reason", "excluded_by", "excluded_at", "rolled_up"]
    changes = []
    for response in responses:
        before = audit.snapshot(response, fields[:4])
        response.excluded, response.exclusion_reason = True, reason
        response.excluded_by, response.excluded_at, response.rolled_up = actor, now, False
        changes.append(
            audit.Change(action="exclude", obj=response, before=before, after=audit.snapshot(response, fields[:4]))
        )
    Response.objects.bulk_update(list(responses), fields, batch_size=1000)
    audit.record_many(actor, changes)


@transaction.atomic
def response_exclude(*, actor: Any, response: Response, reason: str) -> Response:
    """Take a response out of every index, keeping the row; the reason and who/when are recorded and audited."""
    reason = reason.strip()
    if len(reason) < 5:
        raise SurveyError(_("Alasan pengecualian wajib diisi (minimal 5 karakter)."))
    response = Response.objects.select_for_update().select_related("campaign__unit").get(pk=response.pk)
    if response.excluded:
        raise SurveyError(_("Respons ini sudah dikecualikan."))
    _exclude_many(actor, [response], reason, timezone.now())
    return response


@transaction.atomic
def responses_exclude_flagged(*, actor: Any, campaign: Campaign, flag: str, reason: str) -> int:
    """Exclude every counted response of a campaign carrying ``flag`` (e.g. one stuffing cluster reason) with one
    reason: one audit event per response, rollups corrected with one aggregate per table. Returns how many."""
    reason = reason.strip()
    if len(reason) < 5:
        raise SurveyError(_("Alasan pengecualian wajib diisi (minimal 5 karakter)."))
    if flag not in FLAG_REASONS:
        raise SurveyError(_("Tanda tidak dikenal."))
    responses = list(
        Response.objects.select_for_update()
        .filter(campaign=campaign, is_flagged=True, excluded=False, flags__has_key=flag)
        .select_related("campaign__unit")
        .order_by("pk")
    )
    if responses:
        _exclude_many(actor, responses, reason, timezone.now())
    return len(responses)


@transaction.atomic
def response_reinstate(*, actor: Any, response: Response, reason: str) -> Response:
    """Undo an exclusion (also audited, with its own reason); the earlier reason stays in the audit trail."""
    reason = reason.strip()
    if len(reason) < 5:
        raise SurveyError(_("Alasan wajib diisi (minimal 5 karakter)."))
    response = Response.objects.select_for_update().select_related("campaign__unit").get(pk=response.pk)
    if not response.excluded:
        raise SurveyError(_("Respons ini tidak dikecualikan."))
    before = audit.snapshot(response, ["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    response.excluded, response.exclusion_reason, response.excluded_by, response.excluded_at = False, "", None, None
    response.rolled_up = True
    response.save(update_fields=["excluded", "exclusion_reason", "excluded_by", "excluded_at", "rolled_up"])
    rollups.add(*_answer_sets([response.pk]), +1)
    audit.record(actor, "reinstate", response, before=before, after={"excluded": False}, extra={"reason": reason})
    return response


def rollups_rebuild(campaign: Campaign) -> None:
    """Recompute a campaign's rollups from raw rows (repair/verification): clear them, mark every included
    response pending, and fold them in again set-based (:func:`rollups.apply_pending`)."""
    with transaction.atomic():
        ItemRollup.objects.filter(campaign=campaign).delete()
        RespondentRollup.objects.filter(campaign=campaign).delete()
        Response.objects.filter(campaign=campaign).update(rolled_up=False)
    rollups.apply_pending(campaign.pk)


# --- reading indices -------------------------------------------------------------------------------------


@dataclass
class InstrumentSummary:
    instrument: Instrument
    index: indices.IndexResult
    ikm: indices.IkmResult | None
    items: list[dict]  # code, aspect, text, n, mean (1–4) / share yes


def summarise(
    instrument: Instrument,
    items: Sequence[InstrumentItem],
    item_stats: dict[int, tuple[int, int]],
    moments: indices.MomentStats,
    population: int | None,
) -> InstrumentSummary:
    likert = [item for item in items if item.scale == ItemScale.LIKERT4]
    index = indices.perception_index(
        instrument.kind,
        {item.code: item_stats.get(item.pk, (0, 0)) for item in likert},
        moments,
        mapping=instrument.index_mapping,
        population=population,
    )
    ikm = None
    if instrument.kind == InstrumentKind.SKM:
        stats = {
            item.code: indices.ElementStat(item.code, *item_stats[item.pk])
            for item in likert
            if item_stats.get(item.pk, (0, 0))[0]
        }
        ikm = indices.ikm_from_stats(stats, moments.n)
    rows = []
    for item in items:
        n, s = item_stats.get(item.pk, (0, 0))
        mean = indices.round_half_up(indices.Fraction(s, n), 3) if n else None
        rows.append(
            {
                "code": item.code,
                "aspect": item.aspect,
                "text": item.text,
                "scale": item.scale,
                "n": n,
                "mean": mean,
                "share_yes": indices.round_half_up(indices.Fraction(100 * s, n), 1) if n else None,
            }
        )
    return InstrumentSummary(instrument, index, ikm, rows)


@dataclass
class CampaignResults:
    campaign: Campaign
    overall: list[InstrumentSummary]
    by_group: dict[str, list[InstrumentSummary]]
    by_quarter: dict[int, list[InstrumentSummary]]
    responses: int
    excluded: int
    flagged: int
    # The same overall indices without the flagged (not excluded) responses, for a side-by-side comparison.
    without_flagged: list[InstrumentSummary] = field(default_factory=list)
    flagged_counted: int = 0


def campaign_results(campaign: Campaign) -> CampaignResults:
    """Everything the results page shows, from the rollups (pending submissions are folded in first).

    "Without flagged" subtracts the flagged-but-counted responses' aggregate (two GROUP BY queries over those
    responses only) from the rollups, so it costs the same whatever the campaign's size."""
    rollups.apply_pending(campaign.pk)
    instruments = list(campaign.instruments.order_by("kind", "code").prefetch_related("items"))
    item_rows = list(ItemRollup.objects.filter(campaign=campaign).values_list("item_id", "group", "quarter", "n", "s"))
    resp_rows = list(
        RespondentRollup.objects.filter(campaign=campaign).values_list(
            "instrument_id", "group", "quarter", "n", "s", "ss"
        )
    )
    flagged_ids = list(
        Response.objects.filter(campaign=campaign, is_flagged=True, excluded=False, rolled_up=True).values_list(
            "pk", flat=True
        )
    )
    minus_items, minus_resp = rollups.aggregate(flagged_ids)
    minus_item_rows = [(item, group, quarter, -n, -s) for _c, item, group, quarter, n, s, _ss in minus_items]
    minus_resp_rows = [(inst, group, quarter, -n, -s, -ss) for _c, inst, group, quarter, n, s, ss in minus_resp]

    def build(select, item_source=item_rows, resp_source=resp_rows) -> list[InstrumentSummary]:
        out = []
        for instrument in instruments:
            stats: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for item_id, group, quarter, n, s in item_source:
                if select(group, quarter):
                    stats[item_id][0] += n
                    stats[item_id][1] += s
            moments = indices.MomentStats()
            for instrument_id, group, quarter, n, s, ss in resp_source:
                if instrument_id == instrument.pk and select(group, quarter):
                    moments = moments + indices.MomentStats(n, s, ss)
            out.append(
                summarise(
                    instrument,
                    list(instrument.items.all()),
                    {k: (v[0], v[1]) for k, v in stats.items()},
                    moments,
                    campaign.population_size,
                )
            )
        return out

    groups = sorted({row[1] for row in resp_rows if row[3] > 0})
    quarters = sorted({row[2] for row in resp_rows if row[3] > 0})
    counts = Response.objects.filter(campaign=campaign).aggregate(
        responses=Count("pk"),
        excluded=Count("pk", filter=Q(excluded=True)),
        flagged=Count("pk", filter=Q(is_flagged=True)),
    )
    return CampaignResults(
        campaign=campaign,
        overall=build(lambda g, q: True),
        by_group={g: build(lambda gg, q, g=g: gg == g) for g in groups},
        by_quarter={q: build(lambda g, qq, q=q: qq == q) for q in quarters},
        responses=counts["responses"],
        excluded=counts["excluded"],
        flagged=counts["flagged"],
        without_flagged=build(lambda g, q: True, item_rows + minus_item_rows, resp_rows + minus_resp_rows)
        if flagged_ids
        else [],
        flagged_counted=len(flagged_ids),
    )


@dataclass(frozen=True)
class SurveyIndex:
    """An index for the LKE (B.I.a = IPAK, B.II.a = IPKP) with where it came from."""

    kind: str
    value: float | None  # 0–4, 2 decimals
    respondents: int
    required: int
    sample_ok: bool
    ci95: tuple[float | None, float | None]
    campaigns: tuple[dict, ...]  # {"id", "title", "respondents"}
    groups: tuple[str, ...]

    @property
    def source(self) -> str:
        names = ", ".join(c["title"] for c in self.campaigns)
        return f"Survei {self.kind.upper()}: {names} ({self.respondents} responden)"


def survey_index_for(unit, period, kind: str) -> SurveyIndex | None:
    """IPAK or IPKP of a unit in a period from its campaigns' rollups (external respondents only: service users
    and visitors — staff and inmate answers are not IPAK/IPKP per 90/2021). None when no campaign has one."""
    if kind not in (InstrumentKind.IPAK, InstrumentKind.IPKP):
        raise ValueError("kind must be 'ipak' or 'ipkp'")
    campaigns = list(
        Campaign.objects.filter(unit=unit, period=period, instruments__kind=kind).distinct().order_by("opens_at")
    )
    if not campaigns:
        return None
    instruments = list(
        Instrument.objects.filter(kind=kind, campaigns__in=campaigns).distinct().prefetch_related("items")
    )
    instrument_ids = [i.pk for i in instruments]
    item_stats = (
        ItemRollup.objects.filter(
            campaign__in=campaigns,
            item__instrument_id__in=instrument_ids,
            item__scale=ItemScale.LIKERT4,
            group__in=EXTERNAL_GROUPS,
        )
        .values("item_id")
        .annotate(n=Sum("n"), s=Sum("s"))
    )
    stats = {row["item_id"]: (row["n"], row["s"]) for row in item_stats}
    per_campaign = (
        RespondentRollup.objects.filter(
            campaign__in=campaigns, instrument_id__in=instrument_ids, group__in=EXTERNAL_GROUPS
        )
        .values("campaign_id")
        .annotate(n=Sum("n"), s=Sum("s"), ss=Sum("ss"))
    )
    moments = indices.MomentStats()
    by_campaign = {}
    for row in per_campaign:
        moments = moments + indices.MomentStats(row["n"], row["s"], row["ss"])
        by_campaign[row["campaign_id"]] = row["n"]
    codes = {
        item.pk: f"{instrument.pk}:{item.code}"
        for instrument in instruments
        for item in instrument.items.all()
        if item.scale == ItemScale.LIKERT4
    }
    populations = [c.population_size for c in campaigns if c.population_size]
    result = indices.perception_index(
        kind,
        {codes[item_id]: stats.get(item_id, (0, 0)) for item_id in codes},
        moments,
        mapping=instruments[0].index_mapping,
        population=sum(populations) if populations else None,
    )
    return SurveyIndex(
        kind=kind,
        value=float(result.value) if result.value is not None else None,
        respondents=result.respondents,
        required=result.required,
        sample_ok=result.sample_ok,
        ci95=(
            float(result.ci_low) if result.ci_low is not None else None,
            float(result.ci_high) if result.ci_high is not None else None,
        ),
        campaigns=tuple({"id": c.pk, "title": c.title, "respondents": by_campaign.get(c.pk, 0)} for c in campaigns),
        groups=tuple(str(g) for g in EXTERNAL_GROUPS),
    )
