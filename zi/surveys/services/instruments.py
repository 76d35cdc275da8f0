"""Instruments: loading the standard YAML definitions, versions made in the UI (with their structure checks), the
periods an instrument serves and which version answers for a unit and period."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.core import audit
from zi.core.actors import Actor
from zi.surveys import indices
from zi.surveys.models import IndexMapping, Instrument, InstrumentItem, InstrumentKind, ItemScale, ResponseItem
from zi.surveys.services.errors import SurveyError

INSTRUMENTS_DIR = Path(__file__).resolve().parent.parent / "instruments"


# --- instruments -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    instrument: Instrument
    state: str  # created | unchanged | updated
    items: int


def _parse_instrument(data: Any, source: str) -> dict[str, Any]:
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


def _create_items(instrument: Instrument, data: dict[str, Any]) -> None:
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
def instrument_load(path: Path | str, actor: Actor = None) -> LoadResult:
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


def instruments_load_all(actor: Actor = None) -> list[LoadResult]:
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
    actor: Actor,
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
        created_by=actor_user(actor),
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
    actor: Actor,
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
    actor: Actor,
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
def instrument_set_periods(*, actor: Actor, instrument: Instrument, periods: Sequence[Any]) -> Instrument:
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
        Instrument.objects.filter(code=instrument.code, agency_id=instrument.agency_id, is_active=True)  # type: ignore[misc]  # None: IS NULL
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
