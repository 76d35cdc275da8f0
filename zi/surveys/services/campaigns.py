"""Campaigns: create, change, close; service points, one-time codes and the campaign's open/closed state."""

from __future__ import annotations

import copy
import datetime as dt
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.core import audit
from zi.core.actors import Actor
from zi.surveys import integrity
from zi.surveys.integrity import keyed_hash
from zi.surveys.models import Campaign, Instrument, OneTimeCode, RespondentGroup, Response, ServicePoint
from zi.surveys.services.errors import SurveyError
from zi.surveys.services.instruments import _resolve_instruments

if TYPE_CHECKING:
    from zi.assessments.models import Period
    from zi.organisations.models import Unit

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
def campaign_create(
    *, actor: Actor, unit: Unit, period: Period, instruments: Sequence[Instrument], **fields: Any
) -> Campaign:
    if not instruments:
        raise SurveyError(_("Pilih minimal satu instrumen."))
    fields = _clean_campaign_fields(fields)
    instruments = _resolve_instruments(instruments, unit, period)
    campaign = Campaign(unit=unit, period=period, created_by=actor_user(actor), **fields)
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    campaign.instruments.set(instruments)
    audit.record(
        actor, "create", campaign, after={**audit.snapshot(campaign), "instruments": [i.pk for i in instruments]}
    )
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: Actor, campaign: Campaign, instruments: Sequence[Instrument] | None = None, **fields: Any
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
        campaign.instruments.set(instruments or [])  # set when new_instruments is
    after = {**audit.snapshot(campaign), "instruments": new_instruments or before["instruments"]}
    audit.record(actor, "update", campaign, before=before, after=after)
    return campaign


@transaction.atomic
def campaign_close(*, actor: Actor, campaign: Campaign, reason: str = "", now: dt.datetime | None = None) -> Campaign:
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
def service_point_create(*, actor: Actor, campaign: Campaign, name: str) -> ServicePoint:
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
def codes_generate(*, actor: Actor, campaign: Campaign, count: int) -> list[str]:
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


def campaign_state(campaign: Campaign, now: dt.datetime | None = None) -> str:
    """``open``, ``not_yet`` (before it opens) or ``closed`` (closed early by staff or past its closing time)."""
    now = now or timezone.now()
    if campaign.closed_at is not None or now >= campaign.closes_at:
        return "closed"
    if now < campaign.opens_at:
        return "not_yet"
    return "open"


def campaign_is_open(campaign: Campaign, now: dt.datetime | None = None) -> bool:
    return campaign_state(campaign, now) == "open"


def quarter_of(moment: dt.datetime) -> int:
    local = timezone.localtime(moment)
    return local.year * 10 + (local.month - 1) // 3 + 1


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
