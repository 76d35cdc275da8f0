"""Public intake: what happens to one posted public or kiosk form, from the posted fields to a stored response.

The view (:mod:`zi.surveys.views.public_form`) reads the request (posted fields, client address, device cookie)
and turns the :class:`Outcome` into a page; everything in between is here: the honeypot, the signed form stamp
and minimum fill time, the per-address flood limit, reading and checking the answers, the rate flags (address,
device, the unit's own network) and :func:`~zi.surveys.services.submissions.response_submit` with its refusals.

Retries are never suspicious: the flags are decided from what is already counted (committed responses), and the
counters are raised only once the response is committed. A request that crashed mid-way or was refused counts
nothing, so the respondent's retry is not a "burst". The rate counters cost two shared-cache round trips per
submission (one ``get_many``, one pipelined increment), whatever their number.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from zi.surveys import integrity
from zi.surveys.models import Campaign, Channel, InstrumentItem, ServicePoint
from zi.surveys.services.campaigns import normalise_code
from zi.surveys.services.errors import SurveyError
from zi.surveys.services.submissions import Submission, response_submit, validate_answers


@dataclass(frozen=True)
class Posted:
    """One posted form and who sent it, as the view read them from the request."""

    fields: Mapping[str, str]  # the POST data (a QueryDict)
    ip: str  # the client address (trusted proxies applied), "" if unknown
    device_token: str | None  # the signed device cookie's token, None without a valid cookie
    kiosk: bool = False
    point: ServicePoint | None = None


@dataclass(frozen=True)
class Outcome:
    """What the view shows: ``stored`` (thank-you notice), ``notice`` (a refusal page with ``title``) or ``form``
    (the form again with ``message`` and per-field ``errors``; ``last_page``: on the page that sends everything)."""

    kind: str
    status: int
    message: str = ""
    title: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    last_page: bool = False


def read_answers(
    campaign: Campaign, items: Sequence[InstrumentItem], fields: Mapping[str, str], *, about_you: bool = True
) -> tuple[dict[int, int | None], dict[str, str]]:
    """The answers to ``items`` read from the posted ``fields`` and the mistakes per field (the respondent's own
    fields too, when ``about_you``)."""
    errors: dict[str, str] = {}
    if about_you:
        if fields.get("kelompok", "") not in campaign.respondent_groups:
            errors["kelompok"] = _("Pilih kelompok responden.")
        if campaign.service_types and fields.get("layanan", "") not in campaign.service_types:
            errors["layanan"] = _("Pilih jenis layanan yang Anda terima.")
    answers: dict[int, int | None] = {}
    for item in items:
        raw = fields.get(f"q{item.pk}", "").strip()
        if raw == "":
            answers[item.pk] = None
        elif raw.lstrip("-").isdigit():
            answers[item.pk] = int(raw)
        else:
            errors[f"q{item.pk}"] = _("Jawaban di luar pilihan.")
    for item_id, message in validate_answers(items, answers).items():
        errors.setdefault(f"q{item_id}", message)
    if about_you and campaign.require_code and not normalise_code(fields.get("kode", "")):
        errors["kode"] = _("Kode survei (tercetak pada struk/tanda terima) wajib diisi.")
    return answers, errors


def _refused() -> Outcome:
    return Outcome("notice", 400, _("Formulir tidak dapat diproses."), _("Permintaan ditolak"))


def honeypot_filled(fields: Mapping[str, str]) -> bool:
    """The invisible "website" field: empty for people, filled by naive bots."""
    return bool(fields.get("website", ""))


def _rate_flags(
    posted: Posted, campaign: Campaign, counts: list[int], counters: list[integrity.Counter]
) -> dict[str, Any]:
    flags: dict[str, Any] = {}
    if posted.device_token is None:
        flags["no_device_cookie"] = True
    for counter, counted in zip(counters, counts, strict=True):
        count = counted + 1  # with this response
        if counter.kind == "ip" and count > counter.limits.flag_at:
            flags["ip_burst"] = count
        if counter.kind == "device" and (count > counter.limits.flag_at or (not posted.kiosk and count > 1)):
            flags["device_burst"] = count
    if integrity.in_networks(posted.ip, campaign.unit_networks):
        flags["unit_network"] = True
    return flags


def public_submit(campaign: Campaign, items: Sequence[InstrumentItem], posted: Posted) -> Outcome:
    """Take in one posted public/kiosk form: refuse, send back with mistakes, or store it (flagged or not)."""
    fields = posted.fields
    if honeypot_filled(fields):
        return _refused()
    try:
        stamp = integrity.read_stamp(fields.get("ts", ""), campaign.pk)
    except integrity.StampError as exc:
        return Outcome("form", 400, str(exc))
    now = time.time()
    if now - stamp.issued < integrity.min_fill_seconds():
        message = _("Jawaban dikirim terlalu cepat. Periksa kembali jawaban Anda lalu kirim ulang.")
        return Outcome("form", 400, message, last_page=True)  # the last page: its button sends everything again
    ip_limits = integrity.ip_limits()
    counters = []
    ip_hash = integrity.keyed_hash("ip", campaign.pk, posted.ip) if posted.ip else ""
    if ip_hash:
        counters.append(integrity.Counter("ip", campaign.pk, ip_hash, ip_limits))
    device_hash = integrity.keyed_hash("device", campaign.pk, posted.device_token) if posted.device_token else ""
    if device_hash:
        counters.append(integrity.Counter("device", campaign.pk, device_hash, integrity.device_limits()))
    counts = integrity.peek_many(counters, now)
    if ip_hash and counts[0] >= ip_limits.reject_at:
        message = _(
            "Terlalu banyak jawaban dikirim dari jaringan ini dalam waktu singkat. "
            "Silakan coba lagi beberapa menit lagi."
        )
        return Outcome("notice", 429, message, _("Terlalu banyak kiriman"))
    answers, errors = read_answers(campaign, items, fields)
    if errors:
        return Outcome("form", 400, _("Masih ada isian yang perlu diperbaiki (lihat tanda di bawah)."), errors=errors)
    flags = _rate_flags(posted, campaign, counts, counters)
    if flags:
        flags["fill_seconds"] = int(now - stamp.issued)
    submission = Submission(
        group=fields.get("kelompok", ""),
        answers={k: v for k, v in answers.items() if v is not None},
        service_type=fields.get("layanan", ""),
        service_point=posted.point,
        channel=Channel.KIOSK if posted.kiosk else Channel.PUBLIC,
        form_nonce=stamp.nonce,
        device_hash=device_hash,
        one_per_device=not posted.kiosk,
        ip_hash=ip_hash,
        flags=flags,
        code=fields.get("kode", ""),
    )
    try:
        result = response_submit(campaign, submission, items=items)
    except SurveyError as exc:
        if exc.code == "device_used":
            return Outcome("notice", 409, str(exc), _("Anda sudah mengisi survei ini"))
        if exc.code == "closed":
            return Outcome("notice", 410, str(exc), _("Survei sudah ditutup"))
        return Outcome("form", 400, str(exc), errors={"kode": str(exc)} if exc.code in ("code", "code_used") else {})
    if result.created:  # committed (response_submit's transaction is the outermost); a replay counts nothing
        integrity.hit_many(counters)
    message = _("Jawaban Anda sudah kami terima dan disimpan. Terima kasih atas partisipasi Anda.")
    return Outcome("stored", 200, message, _("Terima kasih"))
