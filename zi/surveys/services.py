"""Survey writes (instrument loading, campaigns, submissions, exclusions) and index reads from the rollups.

Staff writes are audited (:mod:`zi.core.audit`). Anonymous submissions are *not* put in the audit chain one by
one — the chain has a single locked head and would serialise every respondent; the immutable ``Response`` row
(never deleted, only excluded with an audited reason) is the record.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.utils import timezone

from zi.core import audit
from zi.surveys import indices
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
EXTERNAL_GROUPS = (RespondentGroup.PENGGUNA_LAYANAN, RespondentGroup.PENGUNJUNG)


class SurveyError(Exception):
    """A refusal with a message fit to show the respondent or the staff user."""


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


@transaction.atomic
def campaign_create(*, actor: Any, unit, period, instruments: Sequence[Instrument], **fields: Any) -> Campaign:
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"unknown campaign fields: {sorted(unknown)}")
    if not instruments:
        raise SurveyError("Pilih minimal satu instrumen.")
    if fields["closes_at"] <= fields["opens_at"]:
        raise SurveyError("Waktu tutup harus setelah waktu buka.")
    groups = fields.get("respondent_groups") or [RespondentGroup.PENGGUNA_LAYANAN]
    if set(groups) - set(RespondentGroup.values):
        raise SurveyError("Kelompok responden tidak dikenal.")
    fields["respondent_groups"] = list(groups)
    campaign = Campaign.objects.create(unit=unit, period=period, created_by=actor if actor else None, **fields)
    campaign.instruments.set(instruments)
    audit.record(
        actor, "create", campaign, after={**audit.snapshot(campaign), "instruments": [i.pk for i in instruments]}
    )
    return campaign


@transaction.atomic
def service_point_create(*, actor: Any, campaign: Campaign, name: str) -> ServicePoint:
    name = name.strip()[:120]
    if not name:
        raise SurveyError("Nama titik layanan wajib diisi.")
    if campaign.service_points.filter(name=name).exists():
        raise SurveyError("Titik layanan dengan nama itu sudah ada.")
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
        raise SurveyError("Jumlah kode 1–10.000.")
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


def campaign_is_open(campaign: Campaign, now=None) -> bool:
    now = now or timezone.now()
    return campaign.opens_at <= now < campaign.closes_at


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


def campaign_items(campaign: Campaign) -> list[InstrumentItem]:
    return list(
        InstrumentItem.objects.filter(instrument__campaigns=campaign)
        .select_related("instrument")
        .order_by("instrument__kind", "instrument_id", "position")
    )


def validate_answers(items: Iterable[InstrumentItem], answers: dict[int, int | None]) -> dict[int, str]:
    """Errors per item id: required items answered, values in the item's range."""
    errors: dict[int, str] = {}
    for item in items:
        value = answers.get(item.pk)
        if value is None:
            if item.required:
                errors[item.pk] = "Wajib dijawab."
            continue
        allowed = (1, 2, 3, 4) if item.scale == ItemScale.LIKERT4 else (0, 1)
        if value not in allowed:
            errors[item.pk] = "Jawaban di luar pilihan."
    return errors


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool  # False: the same form was submitted again (idempotent replay of one stamp)


def response_submit(campaign: Campaign, sub: Submission, now=None) -> SubmitResult:
    """Store one response, its answers and the rollup increments in one transaction.

    Refusals (``SurveyError``): closed campaign, unknown group/service type, invalid answers, a one-time code
    missing/unknown/used, a second response from the same device (non-kiosk). The same form nonce submitted
    twice returns the first response (a double click or a retried request never makes two rows).
    """
    now = now or timezone.now()
    if not campaign_is_open(campaign, now):
        raise SurveyError("Survei ini sedang tidak dibuka.")
    if sub.group not in campaign.respondent_groups:
        raise SurveyError("Kelompok responden tidak tersedia pada survei ini.")
    if campaign.service_types and sub.service_type not in campaign.service_types:
        raise SurveyError("Jenis layanan tidak dikenal.")
    items = campaign_items(campaign)
    errors = validate_answers(items, sub.answers)
    known = {item.pk for item in items}
    if errors or set(sub.answers) - known:
        raise SurveyError("Ada jawaban yang belum diisi atau tidak sah.")
    existing = Response.objects.filter(campaign=campaign, form_nonce=sub.form_nonce).first()
    if existing is not None:
        return SubmitResult(existing, False)
    device_unique = sub.device_hash if (sub.one_per_device and sub.device_hash) else None
    if device_unique and Response.objects.filter(campaign=campaign, device_unique=device_unique).exists():
        raise SurveyError("Perangkat ini sudah mengirim jawaban untuk survei ini. Terima kasih atas partisipasi Anda.")
    flags = dict(sub.flags)
    try:
        with transaction.atomic():
            code_row = None
            if campaign.require_code:
                code = normalise_code(sub.code)
                if not code:
                    raise SurveyError("Kode survei (tercetak pada struk/tanda terima) wajib diisi.")
                code_row = (
                    OneTimeCode.objects.select_for_update()
                    .filter(campaign=campaign, code_hash=keyed_hash("code", campaign.pk, code))
                    .first()
                )
                if code_row is None:
                    raise SurveyError("Kode survei tidak dikenal. Periksa kembali kode pada struk Anda.")
                if code_row.used_at is not None:
                    raise SurveyError("Kode survei ini sudah dipakai.")
            response = Response.objects.create(
                campaign=campaign,
                service_point=sub.service_point,
                channel=sub.channel,
                group=sub.group,
                service_type=sub.service_type,
                submitted_at=now,
                quarter=quarter_of(now),
                form_nonce=sub.form_nonce or secrets.token_urlsafe(12),
                device_hash=sub.device_hash,
                device_unique=device_unique,
                ip_hash=sub.ip_hash,
                flags=flags,
                is_flagged=bool(flags),
            )
            by_id = {item.pk: item for item in items}
            answered = [(by_id[item_id], value) for item_id, value in sub.answers.items() if value is not None]
            ResponseItem.objects.bulk_create(
                [ResponseItem(response=response, item=item, value=value) for item, value in answered]
            )
            _apply_rollups(response, answered, +1)
            if code_row is not None:
                code_row.used_at = now
                code_row.save(update_fields=["used_at"])
    except IntegrityError as exc:
        # A concurrent request with the same nonce or device won the race.
        existing = Response.objects.filter(campaign=campaign, form_nonce=sub.form_nonce).first()
        if existing is not None:
            return SubmitResult(existing, False)
        raise SurveyError(
            "Perangkat ini sudah mengirim jawaban untuk survei ini. Terima kasih atas partisipasi Anda."
        ) from exc
    return SubmitResult(response, True)


def _apply_rollups(response: Response, answered: Sequence[tuple[InstrumentItem, int]], sign: int) -> None:
    """Add (sign=+1) or remove (sign=−1) one response's answers to the rollups: two statements per table."""
    if not answered:
        return
    key = {"campaign_id": response.campaign_id, "group": response.group, "quarter": response.quarter}
    ItemRollup.objects.bulk_create([ItemRollup(item_id=item.pk, **key) for item, _ in answered], ignore_conflicts=True)
    s_case = Case(
        *[When(item_id=item.pk, then=Value(sign * v)) for item, v in answered],
        default=Value(0),
        output_field=IntegerField(),
    )
    ss_case = Case(
        *[When(item_id=item.pk, then=Value(sign * v * v)) for item, v in answered],
        default=Value(0),
        output_field=IntegerField(),
    )
    ItemRollup.objects.filter(item_id__in=[item.pk for item, _ in answered], **key).update(
        n=F("n") + sign, s=F("s") + s_case, ss=F("ss") + ss_case
    )
    per_instrument: dict[int, list[int]] = defaultdict(list)
    for item, value in answered:
        if item.scale == ItemScale.LIKERT4:
            per_instrument[item.instrument_id].append(value)
    for instrument_id, values in per_instrument.items():
        mean = sum(values) / len(values)
        RespondentRollup.objects.bulk_create(
            [RespondentRollup(instrument_id=instrument_id, **key)], ignore_conflicts=True
        )
        RespondentRollup.objects.filter(instrument_id=instrument_id, **key).update(
            n=F("n") + sign, s=F("s") + sign * mean, ss=F("ss") + sign * mean * mean
        )


def _answered(response: Response) -> list[tuple[InstrumentItem, int]]:
    return [(ri.item, ri.value) for ri in response.items.select_related("item")]


@transaction.atomic
def response_exclude(*, actor: Any, response: Response, reason: str) -> Response:
    """Take a response out of every index, keeping the row; the reason and who/when are recorded and audited."""
    reason = reason.strip()
    if len(reason) < 5:
        raise SurveyError("Alasan pengecualian wajib diisi (minimal 5 karakter).")
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.excluded:
        raise SurveyError("Respons ini sudah dikecualikan.")
    before = audit.snapshot(response, ["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    response.excluded, response.exclusion_reason = True, reason
    response.excluded_by, response.excluded_at = actor, timezone.now()
    response.save(update_fields=["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    _apply_rollups(response, _answered(response), -1)
    audit.record(
        actor,
        "exclude",
        response,
        before=before,
        after=audit.snapshot(response, ["excluded", "exclusion_reason", "excluded_by", "excluded_at"]),
    )
    return response


@transaction.atomic
def response_reinstate(*, actor: Any, response: Response, reason: str) -> Response:
    """Undo an exclusion (also audited, with its own reason); the earlier reason stays in the audit trail."""
    reason = reason.strip()
    if len(reason) < 5:
        raise SurveyError("Alasan wajib diisi (minimal 5 karakter).")
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not response.excluded:
        raise SurveyError("Respons ini tidak dikecualikan.")
    before = audit.snapshot(response, ["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    response.excluded, response.exclusion_reason, response.excluded_by, response.excluded_at = False, "", None, None
    response.save(update_fields=["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    _apply_rollups(response, _answered(response), +1)
    audit.record(actor, "reinstate", response, before=before, after={"excluded": False}, extra={"reason": reason})
    return response


@transaction.atomic
def rollups_rebuild(campaign: Campaign) -> None:
    """Recompute a campaign's rollups from raw rows (repair/verification; not needed in normal operation)."""
    ItemRollup.objects.filter(campaign=campaign).delete()
    RespondentRollup.objects.filter(campaign=campaign).delete()
    item_sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    resp_sums: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    per_response: dict[tuple, list[int]] = defaultdict(list)
    rows = ResponseItem.objects.filter(response__campaign=campaign, response__excluded=False).values_list(
        "response_id",
        "response__group",
        "response__quarter",
        "item_id",
        "item__instrument_id",
        "item__scale",
        "value",
    )
    for response_id, group, quarter, item_id, instrument_id, scale, value in rows.iterator(chunk_size=5000):
        acc = item_sums[(item_id, group, quarter)]
        acc[0] += 1
        acc[1] += value
        acc[2] += value * value
        if scale == ItemScale.LIKERT4:
            per_response[(response_id, instrument_id, group, quarter)].append(value)
    for (_, instrument_id, group, quarter), values in per_response.items():
        mean = sum(values) / len(values)
        acc = resp_sums[(instrument_id, group, quarter)]
        acc[0] += 1
        acc[1] += mean
        acc[2] += mean * mean
    ItemRollup.objects.bulk_create(
        [
            ItemRollup(campaign=campaign, item_id=k[0], group=k[1], quarter=k[2], n=v[0], s=v[1], ss=v[2])
            for k, v in item_sums.items()
        ],
        batch_size=1000,
    )
    RespondentRollup.objects.bulk_create(
        [
            RespondentRollup(campaign=campaign, instrument_id=k[0], group=k[1], quarter=k[2], n=v[0], s=v[1], ss=v[2])
            for k, v in resp_sums.items()
        ],
        batch_size=1000,
    )


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


def campaign_results(campaign: Campaign) -> CampaignResults:
    instruments = list(campaign.instruments.order_by("kind", "code").prefetch_related("items"))
    item_rows = list(ItemRollup.objects.filter(campaign=campaign).values_list("item_id", "group", "quarter", "n", "s"))
    resp_rows = list(
        RespondentRollup.objects.filter(campaign=campaign).values_list(
            "instrument_id", "group", "quarter", "n", "s", "ss"
        )
    )

    def build(select) -> list[InstrumentSummary]:
        out = []
        for instrument in instruments:
            stats: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for item_id, group, quarter, n, s in item_rows:
                if select(group, quarter):
                    stats[item_id][0] += n
                    stats[item_id][1] += s
            moments = indices.MomentStats()
            for instrument_id, group, quarter, n, s, ss in resp_rows:
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
    counts = Response.objects.filter(campaign=campaign)
    return CampaignResults(
        campaign=campaign,
        overall=build(lambda g, q: True),
        by_group={g: build(lambda gg, q, g=g: gg == g) for g in groups},
        by_quarter={q: build(lambda g, qq, q=q: qq == q) for q in quarters},
        responses=counts.count(),
        excluded=counts.filter(excluded=True).count(),
        flagged=counts.filter(is_flagged=True).count(),
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
