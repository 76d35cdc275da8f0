"""Survey writes (instrument loading, campaigns, submissions, exclusions) and index reads from the rollups.

Staff writes are audited (:mod:`zi.core.audit`). Anonymous submissions are *not* put in the audit chain one by
one — the chain has a single locked head and would serialise every respondent; the immutable ``Response`` row
(never deleted, only excluded with an audited reason) is the record.
"""

from __future__ import annotations

import copy
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
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zi.core import audit
from zi.surveys import indices, integrity, rollups, unit_indices
from zi.surveys.integrity import keyed_hash
from zi.surveys.models import (
    Campaign,
    Channel,
    ExternalIndex,
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
from zi.surveys.unit_indices import SurveyIndex

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

# Why a response was flagged, for the evaluator (keys of ``Response.flags``; values are counts or True).
FLAG_REASONS = {
    "no_device_cookie": _lazy("Tanpa cookie perangkat (cookie diblokir atau kiriman otomatis)"),
    "ip_burst": _lazy("Banyak kiriman dari satu jaringan dalam 10 menit"),
    "device_burst": _lazy("Lebih dari satu kiriman dari satu perangkat"),
    "unit_network": _lazy("Dikirim dari jaringan kantor unit sendiri"),
    "pattern_cluster": _lazy("Pola jawaban identik dengan banyak respons lain dalam waktu berdekatan"),
    "straightline_network": _lazy("Jawaban seragam (semua butir sama) berulang dari satu jaringan"),
    "near_identical_network": _lazy(
        "Pola jawaban hampir identik (hanya berbeda pada sedikit butir) berulang dari satu jaringan"
    ),
    "offline_burst": _lazy("Perangkat luring: terlalu banyak jawaban dalam satu menit (menurut jam perangkat)"),
    "offline_identical": _lazy("Perangkat luring: pola jawaban identik berulang dari satu perangkat"),
    "offline_hours": _lazy("Perangkat luring: jawaban diberikan di luar jam layanan"),
    "offline_clock": _lazy("Perangkat luring: jam perangkat jauh berbeda dari jam server"),
}
STATISTICAL_FLAGS = ("pattern_cluster", "straightline_network", "near_identical_network")


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


# --- instrument versions made in the UI ------------------------------------------------------------------

IPAK_ASPECTS = ("diskriminasi", "kecurangan", "gratifikasi", "pungli", "percaloan")  # 90/2021, five aspects
STANDARD_KINDS = (InstrumentKind.SKM, InstrumentKind.IPAK, InstrumentKind.IPKP)


@dataclass(frozen=True)
class ItemSpec:
    """One question of a version being made in the UI (the same fields as an item in the YAML files)."""

    code: str
    aspect: str
    text: str
    scale: str = ItemScale.LIKERT4
    labels: tuple[str, ...] = ()
    required: bool = True


def check_structure(kind: str, items: Sequence[ItemSpec], base: Instrument | None = None) -> None:
    """Refuse an item list that breaks the instrument's regulated structure, saying why.

    - every instrument: at least one 1–4 question, codes unique, wording present, labels 4 (1–4) or 2 (yes/no);
    - SKM: exactly the nine elements U1..U9 of PermenPAN-RB 14/2017, in order, each 1–4 and required (the IKM
      weighs each element 1/9: dropping or adding one changes the formula, not just the wording);
    - IPAK: each of the five aspects of 90/2021 keeps at least one 1–4 question;
    - IPKP: each aspect of the version it replaces (the SKM elements) keeps at least one 1–4 question.
    Wording, answer labels, extra yes/no questions (IPAK/IPKP) and anything in internal surveys may change.
    """
    if not items:
        raise SurveyError(_("Instrumen harus memuat minimal satu pertanyaan."))
    seen: set[str] = set()
    for item in items:
        if not item.code or not item.text.strip() or not item.aspect.strip():
            raise SurveyError(_("Setiap pertanyaan wajib memiliki kode, aspek dan teks."))
        if item.code in seen:
            raise SurveyError(_("Kode pertanyaan %(code)s dipakai dua kali.") % {"code": item.code})
        seen.add(item.code)
        if item.scale not in ItemScale.values:
            raise SurveyError(_("Skala pertanyaan %(code)s tidak dikenal.") % {"code": item.code})
        width = 4 if item.scale == ItemScale.LIKERT4 else 2
        if item.labels and len(item.labels) != width:
            raise SurveyError(
                _("Pertanyaan %(code)s memerlukan %(width)d label jawaban.") % {"code": item.code, "width": width}
            )
    likert = [item for item in items if item.scale == ItemScale.LIKERT4]
    if not likert:
        raise SurveyError(_("Instrumen harus memuat minimal satu pertanyaan berskala 1–4."))
    if kind == InstrumentKind.SKM:
        codes = [item.code for item in items]
        if codes != list(indices.SKM_ELEMENTS) or len(likert) != 9 or not all(i.required for i in items):
            raise SurveyError(
                _(
                    "SKM harus tetap memuat tepat sembilan unsur U1–U9 PermenPAN-RB 14/2017, berurutan, wajib "
                    "dijawab dan berskala 1–4: IKM membobot setiap unsur 1/9, sehingga unsur tidak dapat dihapus "
                    "atau ditambah. Yang dapat diubah: rumusan pertanyaan dan label jawaban."
                ),
                code="structure",
            )
    needed: tuple[str, ...] = ()
    if kind == InstrumentKind.IPAK:
        needed = IPAK_ASPECTS
    elif kind == InstrumentKind.IPKP and base is not None:
        needed = tuple(dict.fromkeys(i.aspect for i in base.items.all() if i.scale == ItemScale.LIKERT4))
    present = {item.aspect.strip().lower() for item in likert}
    missing = [aspect for aspect in needed if aspect.lower() not in present]
    if missing:
        raise SurveyError(
            _(
                "%(kind)s harus tetap mencakup setiap aspeknya dengan minimal satu pertanyaan berskala 1–4; "
                "aspek yang hilang: %(missing)s."
            )
            % {"kind": kind.upper(), "missing": ", ".join(missing)},
            code="structure",
        )


def _specs_hash(kind: str, title: str, description: str, mapping: str, items: Sequence[ItemSpec]) -> str:
    data = {
        "kind": kind,
        "title": title,
        "description": description,
        "index_mapping": mapping,
        "items": [item.__dict__ | {"labels": list(item.labels)} for item in items],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _create_version(
    *,
    actor: Any,
    code: str,
    version: str,
    kind: str,
    title: str,
    description: str,
    items: Sequence[ItemSpec],
    periods: Sequence[Any],
    agency: Any = None,
    base: Instrument | None = None,
) -> Instrument:
    version, title = version.strip()[:32], title.strip()[:255]
    if not version or not title:
        raise SurveyError(_("Versi dan judul wajib diisi."))
    if Instrument.objects.filter(code=code, version=version).exists():
        raise SurveyError(_("Versi %(version)s dari %(code)s sudah ada.") % {"version": version, "code": code})
    check_structure(kind, items, base)
    mapping = base.index_mapping if base is not None else IndexMapping.AS_IS
    instrument = Instrument(
        code=code,
        version=version,
        kind=kind,
        title=title,
        description=description.strip(),
        index_mapping=mapping,
        content_hash=_specs_hash(kind, title, description.strip(), mapping, items),
        agency=agency,
        supersedes=base,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    instrument.full_clean(exclude=["created_by", "supersedes", "agency"])
    instrument.save()
    InstrumentItem.objects.bulk_create(
        InstrumentItem(
            instrument=instrument,
            code=item.code,
            position=position,
            aspect=item.aspect.strip(),
            text=item.text.strip(),
            scale=item.scale,
            labels=list(item.labels),
            required=item.required,
        )
        for position, item in enumerate(items, start=1)
    )
    instrument.periods.set(periods)
    audit.record(
        actor,
        "create",
        instrument,
        after={
            **audit.snapshot(instrument),
            "items": [[i.code, i.aspect, i.text, i.scale, list(i.labels), i.required] for i in items],
            "periods": sorted(p.pk for p in periods),
        },
        extra={"supersedes": base.pk if base is not None else None},
    )
    return instrument


@transaction.atomic
def instrument_new_version(
    *,
    actor: Any,
    base: Instrument,
    version: str,
    title: str,
    items: Sequence[ItemSpec],
    periods: Sequence[Any] = (),
    description: str = "",
) -> Instrument:
    """A new version of ``base`` (same code and kind, new wording/items, chosen periods), audited. ``base`` and
    every answer given to it stay as they are: campaigns point at the version they were made with."""
    return _create_version(
        actor=actor,
        code=base.code,
        version=version,
        kind=base.kind,
        title=title,
        description=description,
        items=items,
        periods=periods,
        agency=base.agency,
        base=base,
    )


@transaction.atomic
def instrument_create_internal(
    *,
    actor: Any,
    agency: Any,
    code: str,
    version: str,
    title: str,
    items: Sequence[ItemSpec],
    periods: Sequence[Any] = (),
    description: str = "",
) -> Instrument:
    """A custom internal survey of an agency (e.g. staff perception of the ZI work): kind ``internal``, never
    IPAK/IPKP and never fed into the LKE. Audited."""
    from django.utils.text import slugify

    code = slugify(code)[:64]
    if not code:
        raise SurveyError(_("Kode instrumen wajib diisi (huruf, angka, tanda hubung)."))
    if Instrument.objects.filter(code=code).exists():
        raise SurveyError(_("Kode instrumen %(code)s sudah dipakai.") % {"code": code})
    return _create_version(
        actor=actor,
        code=code,
        version=version,
        kind=InstrumentKind.INTERNAL,
        title=title,
        description=description,
        items=items,
        periods=periods,
        agency=agency,
    )


@transaction.atomic
def instrument_set_periods(*, actor: Any, instrument: Instrument, periods: Sequence[Any]) -> Instrument:
    """Change which periods a version is for (audited). Answers are unaffected; only new campaigns look at it."""
    before = sorted(instrument.periods.values_list("pk", flat=True))
    instrument.periods.set(periods)
    after = sorted(p.pk for p in periods)
    audit.record(actor, "update", instrument, before={"periods": before}, after={"periods": after})
    return instrument


def instrument_for_period(instrument: Instrument, period: Any) -> Instrument | None:
    """The version of ``instrument``'s code (same owner) that a new campaign in ``period`` uses: the newest active
    version listed for that period, else the newest active version listed for no period (valid for all)."""
    versions = list(
        Instrument.objects.filter(code=instrument.code, agency_id=instrument.agency_id, is_active=True)
        .prefetch_related("periods")
        .order_by("-pk")
    )
    for version in versions:
        if any(p.pk == period.pk for p in version.periods.all()):
            return version
    for version in versions:
        if not version.periods.all():
            return version
    return None


def _resolve_instruments(instruments: Sequence[Instrument], unit: Any, period: Any) -> list[Instrument]:
    resolved: list[Instrument] = []
    for instrument in instruments:
        if instrument.agency_id and instrument.agency_id != unit.agency_id:
            raise SurveyError(_("Instrumen %(title)s milik instansi lain.") % {"title": instrument.title})
        version = instrument_for_period(instrument, period)
        if version is None:
            raise SurveyError(
                _("Instrumen %(title)s tidak berlaku untuk periode %(period)s.")
                % {"title": instrument.title, "period": period}
            )
        if version not in resolved:
            resolved.append(version)
    return resolved


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
    instruments = _resolve_instruments(instruments, unit, period)
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
        instruments = _resolve_instruments(instruments, campaign.unit, campaign.period) if instruments else []
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

# The public form's campaign by token, per process, valid while the shared cache's campaign version is unchanged:
# every save or deletion of a campaign, a change of its instruments and a unit's save bump it (signals in
# ``zi.surveys.apps``), so a closed or edited campaign is seen by the next request in every process sharing the
# cache (``ZI_CACHE_URL``; the default per-process cache serves one process).
CAMPAIGN_VERSION_KEY = "zi:surveys:campaign-version"
_CAMPAIGN_CACHE: dict[str, tuple[str, Campaign]] = {}


def campaigns_changed(**_kwargs: Any) -> None:
    """Invalidate every process's cached public campaigns (a signal receiver, also callable directly)."""
    cache.set(CAMPAIGN_VERSION_KEY, secrets.token_hex(8), None)


def public_campaign(token: str) -> Campaign | None:
    """The campaign of a public form token with its unit: one shared-cache read instead of a query while nothing
    changed. A copy is returned (a request's changes to it never reach the next request)."""
    version = cache.get(CAMPAIGN_VERSION_KEY)
    if version is None:
        cache.add(CAMPAIGN_VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(CAMPAIGN_VERSION_KEY) or ""
    hit = _CAMPAIGN_CACHE.get(token)
    if hit is not None and hit[0] == version:
        return copy.copy(hit[1])
    campaign = Campaign.objects.select_related("unit").filter(token=token).first()
    if campaign is None:
        return None
    if len(_CAMPAIGN_CACHE) > 1024:
        _CAMPAIGN_CACHE.clear()
    _CAMPAIGN_CACHE[token] = (version, campaign)
    return copy.copy(campaign)


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


def _vector_comparable(vector: str, min_items: int) -> bool:
    return len(vector) - vector.count("-") >= max(min_items, 1)


def _cluster_flags(campaign: Campaign, response: Response, now) -> None:
    """Statistical stuffing checks for a new response, in its transaction: **one** indexed query (the recent
    responses sharing its fingerprint or its network), then counting in Python.

    - ``pattern_cluster``: at least ``ZI_SURVEY_PATTERN_FLAG_AT`` responses of this campaign with the same full
      answer vector within ``ZI_SURVEY_PATTERN_WINDOW`` seconds;
    - ``straightline_network``: at least ``ZI_SURVEY_STRAIGHTLINE_FLAG_AT`` straight-lined responses (every 1–4
      answer the same) from one network (IP hash) within the window;
    - ``near_identical_network``: at least ``ZI_SURVEY_NEAR_FLAG_AT`` responses from one network within the window
      whose answer vectors differ from this one in at most ``ZI_SURVEY_NEAR_MAX_DIFF`` answers (a person changing
      one answer per fake submission defeats the exact fingerprint, not this).

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
    match = Q(pk__in=[])
    if use_pattern:
        match |= Q(pattern_hash=response.pattern_hash)
    if use_straight or use_near:
        match |= Q(ip_hash=response.ip_hash)
    window = Response.objects.filter(campaign=campaign, submitted_at__gte=now - dt.timedelta(seconds=limits.window))
    rows = list(
        window.filter(match).values_list("pk", "pattern_hash", "ip_hash", "straight_line", "answer_vector", "flags")
    )  # includes the new response
    members: dict[str, tuple[list[tuple], int]] = {}
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


@dataclass(frozen=True)
class _Scanned:
    pk: int
    at: Any
    ip_hash: str
    pattern_hash: str
    straight: bool
    vector: str


def _scan_clusters(rows: Sequence[_Scanned], limits: integrity.PatternLimits) -> dict[int, dict[str, int]]:
    """The same rules as :func:`_cluster_flags`, replayed over stored responses in time order: for each response,
    the earlier ones within the window (and itself) that match it; a cluster reaching its threshold flags all its
    members with its size. Grouped by fingerprint/network first, so the work is per group, not n²."""
    window = dt.timedelta(seconds=limits.window)
    found: dict[int, dict[str, int]] = defaultdict(dict)

    def mark(flag: str, cluster: list[_Scanned], threshold: int) -> None:
        if threshold > 0 and len(cluster) >= threshold:
            for member in cluster:
                found[member.pk][flag] = max(found[member.pk].get(flag, 0), len(cluster))

    by_pattern: dict[str, list[_Scanned]] = defaultdict(list)
    by_network: dict[str, list[_Scanned]] = defaultdict(list)
    for row in rows:
        if row.pattern_hash:
            by_pattern[row.pattern_hash].append(row)
        if row.ip_hash:
            by_network[row.ip_hash].append(row)
    for group in by_pattern.values():
        for i, row in enumerate(group):
            mark("pattern_cluster", [r for r in group[: i + 1] if r.at >= row.at - window], limits.pattern_flag_at)
    for group in by_network.values():
        for i, row in enumerate(group):
            recent = [r for r in group[: i + 1] if r.at >= row.at - window]
            if row.straight:
                mark("straightline_network", [r for r in recent if r.straight], limits.straightline_flag_at)
            if _vector_comparable(row.vector, limits.min_items):
                near = [r for r in recent if integrity.near_identical(r.vector, row.vector, limits.near_max_diff)]
                mark("near_identical_network", near, limits.near_flag_at)
    return found


@transaction.atomic
def responses_rescan(*, actor: Any, campaign: Campaign, **thresholds: int | None) -> dict[str, int]:
    """Re-run the statistical stuffing checks over every stored response of a campaign, e.g. after an evaluator
    lowered a threshold (``thresholds`` override the settings: ``window``, ``pattern_flag_at``, ``min_items``,
    ``straightline_flag_at``, ``near_flag_at``, ``near_max_diff``).

    Flag-only: it adds flags that the current rules find and never removes a flag, never excludes and never
    deletes (the flags raised at submit time stay as the record of what was seen then). Fingerprints and vectors
    are recomputed from the raw answers (responses stored before a rule existed are covered). One audit event on
    the campaign with the thresholds used and what was newly flagged. Returns counts per flag."""
    limits = integrity.pattern_limits(**thresholds)
    if limits.window <= 0 or limits.near_max_diff < 0:
        raise SurveyError(_("Ambang pemindaian tidak valid."))
    items = campaign_items(campaign)
    likert_ids = {item.pk for item in items if item.scale == ItemScale.LIKERT4}
    item_ids = [item.pk for item in items]
    responses = list(
        Response.objects.select_for_update()
        .filter(campaign=campaign)
        .order_by("submitted_at", "pk")
        .only("pk", "submitted_at", "ip_hash", "flags", "is_flagged", "pattern_hash", "straight_line", "answer_vector")
    )
    answers: dict[int, dict[int, int]] = defaultdict(dict)
    for response_id, item_id, value in ResponseItem.objects.filter(response__campaign=campaign).values_list(
        "response_id", "item_id", "value"
    ):
        answers[response_id][item_id] = value
    rows = []
    for response in responses:
        pattern, straight = integrity.answer_pattern(answers[response.pk], likert_ids, limits.min_items)
        vector = integrity.answer_vector(answers[response.pk], item_ids)
        rows.append(_Scanned(response.pk, response.submitted_at, response.ip_hash, pattern, straight, vector))
        response.answer_vector = vector  # stored for later submit-time comparisons (older rows had none)
    found = _scan_clusters(rows, limits)
    counts: dict[str, int] = defaultdict(int)
    newly: list[int] = []
    for response in responses:
        new_flags = {
            flag: size for flag, size in found.get(response.pk, {}).items() if flag not in (response.flags or {})
        }
        if new_flags:
            response.flags = {**(response.flags or {}), **new_flags}
            response.is_flagged = True
            newly.append(response.pk)
            for flag in new_flags:
                counts[flag] += 1
    Response.objects.bulk_update(responses, ["flags", "is_flagged", "answer_vector"], batch_size=1000)
    audit.record(
        actor,
        "rescan",
        campaign,
        extra={"thresholds": limits.__dict__, "newly_flagged": newly, "counts": dict(counts)},
    )
    return dict(counts)


def rollups_rebuild(campaign: Campaign) -> None:
    """Recompute a campaign's rollups from raw rows (repair/verification), set-based (:func:`rollups.rebuild`)."""
    rollups.rebuild([campaign.pk])


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
    by_service_type: dict[str, list[InstrumentSummary]] = field(default_factory=dict)


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
    by_service_type: dict[str, list[InstrumentSummary]] = {}
    if campaign.service_types:
        st_items, st_resp = rollups.aggregate_by_service_type(campaign.pk)
        st_item_rows = [(item, stype, 0, n, s) for stype, item, n, s in st_items]
        st_resp_rows = [(inst, stype, 0, n, s, ss) for stype, inst, n, s, ss in st_resp]
        for stype in sorted({row[1] for row in st_resp_rows if row[3] > 0}):
            by_service_type[stype] = build(lambda g, q, st=stype: g == st, st_item_rows, st_resp_rows)
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
        by_service_type=by_service_type,
    )


def survey_index_for(unit, period, kind: str) -> SurveyIndex | None:
    """IPAK or IPKP of a unit in a period for the LKE (B.I.a / B.II.a): external value first, else the unit's
    campaigns — :func:`zi.surveys.unit_indices.survey_index_for`, the one computation every surface reads."""
    if kind not in (InstrumentKind.IPAK, InstrumentKind.IPKP):
        raise ValueError("kind must be 'ipak' or 'ipkp'")
    return unit_indices.survey_index_for(unit, period, kind)


# --- external IPAK/IPKP values ---------------------------------------------------------------------------


@transaction.atomic
def external_index_record(
    *,
    actor: Any,
    unit: Any,
    period: Any,
    kind: str,
    value: Any,
    source: str,
    respondents: int | None = None,
    note: str = "",
) -> ExternalIndex:
    """Record (or replace) the external IPAK/IPKP of a unit and period, e.g. from the BPS/TPN survey or an
    independent survey; the LKE feed then uses it instead of the unit's own campaigns. Audited before/after."""
    from decimal import Decimal, InvalidOperation

    if kind not in (InstrumentKind.IPAK, InstrumentKind.IPKP):
        raise SurveyError(_("Indeks eksternal hanya untuk IPAK atau IPKP."))
    try:
        number = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise SurveyError(_("Nilai harus berupa angka 0–4.")) from exc
    if not Decimal(0) <= number <= Decimal(4):
        raise SurveyError(_("Nilai harus berupa angka 0–4."))
    source = source.strip()[:255]
    if len(source) < 3:
        raise SurveyError(_("Sumber nilai wajib diisi (mis. survei BPS 2026)."))
    row = ExternalIndex.objects.select_for_update().filter(unit=unit, period=period, kind=kind).first()
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = ExternalIndex(unit=unit, period=period, kind=kind)
    row.value, row.source, row.respondents, row.note = number, source, respondents, note.strip()
    row.recorded_by = actor if getattr(actor, "pk", None) else None
    row.full_clean(exclude=["recorded_by"])
    row.save()
    audit.record(actor, "update" if before else "create", row, before=before, after=audit.snapshot(row))
    return row


@transaction.atomic
def external_index_remove(*, actor: Any, external: ExternalIndex) -> None:
    """Withdraw an external value (audited): the LKE feed goes back to the unit's own campaigns."""
    before = audit.snapshot(external)
    audit.record(actor, "delete", external, before=before)
    external.delete()
