"""Reads for PortalRB: the current proposal period, the proposed units and the answer payload of one unit.

The payload follows *Panduan Teknis API Integrasi ZI* v1.0 §3: answers are strings or null (``"A"``, ``"Ya"``,
numbers as decimal strings such as ``"12"`` or ``"3.71"``, or bare JSON numbers with ``PORTALRB_NUMBER_FORMAT =
"number"``), notes and evidence links are strings or null.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.assessments.models import Answer, Assessment, Evidence, Lane, Period
from zi.lke.services import with_template
from zi.organisations.models import Agency, Unit
from zi.portalrb.models import SoalMapping
from zi.workflow.selectors import proposed_units as workflow_proposed

EVIDENCE_SALT = "zi.portalrb.evidence"
CATEGORIES_WBK = ("WBK", "WBK-AFIRMASI")
CATEGORIES_WBBM = ("WBBM",)
CHOICES = {"YA_TIDAK": ("Ya", "Tidak"), "ABC": tuple("ABC"), "ABCD": tuple("ABCD"), "ABCDE": tuple("ABCDE")}


def evidence_link_max_age() -> int:
    """Seconds a signed evidence link stays valid (setting ``PORTALRB_EVIDENCE_LINK_MAX_AGE``, default 30 days)."""
    return int(getattr(settings, "PORTALRB_EVIDENCE_LINK_MAX_AGE", 30 * 24 * 3600))


def number_format() -> str:
    """``"string"`` (default: the guide's field table types every answer ``string|null``) or ``"number"`` (bare
    JSON numbers, as the shared README's example shows) — setting ``PORTALRB_NUMBER_FORMAT``."""
    return "number" if getattr(settings, "PORTALRB_NUMBER_FORMAT", "string") == "number" else "string"


def serving_period(today: dt.date | None = None) -> Period | None:
    """The period the endpoints serve. Inside the proposal period the current one; outside it None (answered 404
    ``DATA_NOT_FOUND``), or with ``PORTALRB_OUTSIDE_PERIOD = "latest"`` the latest period that has started (the
    guide only says PortalRB does not fetch then, §8; see docs/portalrb.md)."""
    period = current_period(today)
    if period is not None or getattr(settings, "PORTALRB_OUTSIDE_PERIOD", "not_found") != "latest":
        return period
    today = today or timezone.localdate()
    started = with_template(Period.objects.filter(starts_on__lte=today))
    return started.order_by("-starts_on", "-year").first()


def current_period(today: dt.date | None = None) -> Period | None:
    """The open period whose dates contain today: PortalRB fetches only inside the proposal period (§8)."""
    today = today or timezone.localdate()
    return (
        with_template(Period.objects.filter(is_open=True, starts_on__lte=today, ends_on__gte=today))
        .order_by("-year")
        .first()
    )


@dataclass(frozen=True)
class Proposed:
    unit: Unit
    category: str
    afirmasi: bool


def proposed_units(*, agency: Agency, year: int) -> list[Proposed]:
    """The agency's proposed units from the workflow app."""
    return [
        Proposed(unit=p.unit, category=str(p.category), afirmasi=bool(getattr(p, "afirmasi", False)))
        for p in workflow_proposed(agency=agency, year=year)
    ]


def unit_list_payload(*, agency: Agency, period: Period, categories: tuple[str, ...]) -> dict[str, Any]:
    units = [p for p in proposed_units(agency=agency, year=period.year) if p.category in categories]
    return {
        "tahun": period.year,
        "units": [
            {"id": str(p.unit.pk), "nama": p.unit.name, "kategori": p.category, "afirmasi": p.afirmasi} for p in units
        ],
    }


def find_proposed(*, agency: Agency, period: Period, unit: Unit) -> Proposed | None:
    return next((p for p in proposed_units(agency=agency, year=period.year) if p.unit.pk == unit.pk), None)


def sign_evidence(assessment: Assessment) -> str:
    return signing.TimestampSigner(salt=EVIDENCE_SALT).sign(str(assessment.pk))


def unsign_evidence(value: str) -> int | None:
    try:
        return int(signing.TimestampSigner(salt=EVIDENCE_SALT).unsign(value, max_age=evidence_link_max_age()))
    except (signing.BadSignature, ValueError):
        return None


def number_text(value: Any) -> str | None:
    """A number as PortalRB's string: ``12``, ``3.71`` (no exponent, no trailing zeros)."""
    if value is None or value == "":
        return None
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def number_json(value: Any) -> str | int | float | None:
    """A number as served: the string of :func:`number_text`, or with ``number_format() == "number"`` a bare JSON
    number (an int when whole: ``12``, ``3.71``)."""
    text = number_text(value)
    if text is None or number_format() == "string":
        return text
    return int(text) if "." not in text else float(text)


def _answer_value(mapping: SoalMapping, answer: Answer | None) -> str | int | float | None:
    if answer is None:
        return None
    question = mapping.question
    if question.answer_type in ("ya_tidak", "abc", "abcd", "abcde"):
        return answer.choice or None
    inputs = answer.inputs or {}
    key = mapping.input_key or next(iter(inputs), "")
    return number_json(inputs.get(key))


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@dataclass
class UnitPayload:
    payload: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)  # (soal_id, question code) without jawaban_unit


def unit_answers_payload(
    *, unit: Unit, period: Period, evidence_base_url: str = "", mappings: list[SoalMapping] | None = None
) -> UnitPayload:
    """§3.3 body for one unit: every mapped soal once, ordered by ``soal_id``."""
    if mappings is None:
        mappings = list(
            SoalMapping.objects.filter(template_id=period.template_id).select_related("question").order_by("soal_id")
        )
    assessment = Assessment.objects.filter(unit=unit, period=period).first()
    lanes: dict[str, dict[int, Answer]] = {Lane.SELF: {}, Lane.TPI: {}}
    with_evidence: set[int] = set()
    link = None
    if assessment is not None:
        for answer in Answer.objects.filter(assessment=assessment, lane__in=list(lanes)):
            lanes[answer.lane][answer.question_id] = answer
        with_evidence = set(
            Evidence.objects.filter(assessment=assessment, is_withdrawn=False).values_list("question_id", flat=True)
        )
        if with_evidence:
            path = reverse("portalrb:evidence-index", args=[sign_evidence(assessment)])
            link = (evidence_base_url.rstrip("/") + path) if evidence_base_url else path
    answers = []
    result = UnitPayload(payload={})
    noted: set[int] = set()
    for m in mappings:
        own, tpi = lanes[Lane.SELF].get(m.question_id), lanes[Lane.TPI].get(m.question_id)
        first = m.question_id not in noted  # a computed item's note and link go on its first input's soal
        noted.add(m.question_id)
        row = {
            "soal_id": m.soal_id,
            "jawaban_unit": _answer_value(m, own),
            "jawaban_tpi": _answer_value(m, tpi),
            "catatan_unit": _text(own.note) if own is not None and first else None,
            "bukti_dukung_unit": f"{link}#q-{m.question.code}"
            if link and first and m.question_id in with_evidence
            else None,
            "catatan_tpi": _text(tpi.note) if tpi is not None and first else None,
        }
        if row["jawaban_unit"] is None:
            result.missing.append((m.soal_id, m.question.code + (f":{m.input_key}" if m.input_key else "")))
        result.problems.extend(validate_answer(m, row))
        answers.append(row)
    result.payload = {"unit_id": str(unit.pk), "nama_unit": unit.name, "tahun": period.year, "answers": answers}
    if assessment is None:
        result.problems.append(_("Unit belum memiliki penilaian (LKE) pada periode ini."))
    return result


def validate_answer(mapping: SoalMapping, row: dict[str, Any]) -> list[str]:
    """Does each answer fit the soal's answer scheme? (a guard against drift between template and master list)"""
    problems = []
    jenis = mapping.jenis_jawaban.upper()
    for lane in ("jawaban_unit", "jawaban_tpi"):
        value = row[lane]
        if value is None:
            continue
        if jenis in CHOICES:
            if value not in CHOICES[jenis]:
                problems.append(
                    _("soal %(soal)s: %(lane)s %(value)r bukan pilihan %(choices)s")
                    % {"soal": mapping.soal_id, "lane": lane, "value": value, "choices": "/".join(CHOICES[jenis])}
                )
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            problems.append(
                _("soal %(soal)s: %(lane)s %(value)r bukan angka")
                % {"soal": mapping.soal_id, "lane": lane, "value": value}
            )
            continue
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            problems.append(
                _("soal %(soal)s: %(lane)s %(value)r bukan angka")
                % {"soal": mapping.soal_id, "lane": lane, "value": value}
            )
            continue
        if jenis == "0-4" and not 0 <= number <= 4:
            problems.append(
                _("soal %(soal)s: %(lane)s %(value)s di luar 0–4")
                % {"soal": mapping.soal_id, "lane": lane, "value": value}
            )
        if jenis == "JUMLAH" and number < 0:
            problems.append(
                _("soal %(soal)s: %(lane)s %(value)s negatif") % {"soal": mapping.soal_id, "lane": lane, "value": value}
            )
    return problems


@dataclass
class PreviewUnit:
    proposed: Proposed
    result: UnitPayload


def preview(*, agency: Agency, evidence_base_url: str = "") -> tuple[Period | None, list[PreviewUnit], list[str]]:
    """What PortalRB would receive now, unit by unit, with missing answers and problems (nothing is recorded)."""
    period = serving_period()
    notes: list[str] = []
    if period is None:
        return None, [], [_("Tidak ada periode pengusulan yang sedang berjalan: PortalRB tidak akan mengambil data.")]
    mappings = list(
        SoalMapping.objects.filter(template_id=period.template_id).select_related("question").order_by("soal_id")
    )
    if not mappings:
        notes.append(_("Peta soal PortalRB belum dimuat (jalankan `zi portalrb load-map`)."))
    units = [
        PreviewUnit(
            p, unit_answers_payload(unit=p.unit, period=period, evidence_base_url=evidence_base_url, mappings=mappings)
        )
        for p in proposed_units(agency=agency, year=period.year)
    ]
    if not units:
        notes.append(_("Belum ada unit yang diusulkan pada periode ini."))
    return period, units, notes
