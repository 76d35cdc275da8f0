"""Demo survey data: one IPAK + IPKP + SKM campaign per demo satker in the 2026 period, with responses.

Called by ``zi seed_demo`` (through ``zi.demo.organisations.seed_programme_data``) after the assessments demo.
Idempotent: a unit that already has the demo campaign is left alone. Responses are deterministic (seeded per
unit), spread over the quarters up to today, mostly from service users and visitors (the LKE feed) with some
inmates (WBP, shown per group only). Rows are written with ``bulk_create`` and folded into the rollups
set-based (:func:`zi.surveys.rollups.apply_pending`); then the dashboards' rollup is refreshed
(:func:`zi.insights.services.rollup_refresh`; ``zi seed_demo`` passes ``refresh=False`` and refreshes once after
the journeys) so IKM/IPAK/IPKP show on the dashboards and in the LKE suggestions. :func:`align_lke_with_surveys`
writes each demo unit's IPAK/IPKP into its LKE self-assessment (the survey is the LKE's default source) before the
journeys copy the self-assessment into the review and TPI lanes, so no lane disagrees with the unit's survey. One
unit (Rutan Kelas IIB Prabumulih) also received a burst of identical all-4 answers from one network: those are
flagged (``pattern_cluster``, ``straightline_network``) for the evaluator to judge.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zi.assessments.models import Answer, Assessment, Lane, Period
from zi.assessments.scoring import lane_rescore
from zi.assessments.suggestions import survey_kind
from zi.core import audit
from zi.demo.assessments import answer_change
from zi.insights.services import rollup_refresh
from zi.lke.formulas import normalize_answer
from zi.lke.models import LkeQuestion
from zi.lke.services import template_spec
from zi.organisations.models import Unit
from zi.surveys import integrity, rollups, services
from zi.surveys.models import (
    Campaign,
    Channel,
    Instrument,
    InstrumentKind,
    ItemScale,
    RespondentGroup,
    Response,
    ResponseItem,
    ServicePoint,
)
from zi.surveys.unit_indices import survey_indices_many

DEMO_YEAR = 2026
ACTOR = "seed_demo"
TITLE = "Survei IPAK, IPKP dan SKM 2026"
STUFFED_UNIT = "Rutan Kelas IIB Prabumulih"

# unit name, quality (0–1: higher = better perceived service), respondents
UNITS = (
    ("Lapas Kelas I Palembang", 0.86, 64),
    ("Kanim Kelas II TPI Muara Enim", 0.95, 72),  # WBBM holder: the survey it keeps running after the predicate
    ("Kanim Kelas I TPI Palembang", 0.9, 80),
    ("Bapas Kelas I Palembang", 0.9, 45),  # proposed to TPN: its TPI lane met the IPAK/IPKP minimum
    ("LPKA Kelas I Palembang", 0.74, 38),
    ("Lapas Perempuan Kelas IIA Palembang", 0.66, 34),
    (STUFFED_UNIT, 0.55, 26),  # below the minimum sample of 30 on its own
    ("Lapas Kelas IIA Banyuasin", 0.84, 36),
    # Lapas Kelas IIB Muara Enim, just declared, has asked no one yet (the "no stakeholder input" warning)
)
GROUPS = (
    (RespondentGroup.PENGGUNA_LAYANAN, 0.6),
    (RespondentGroup.PENGUNJUNG, 0.3),
    (RespondentGroup.WBP, 0.1),
)
SERVICE_TYPES = ["Kunjungan keluarga", "Penitipan barang", "Layanan informasi dan pengaduan"]
POINTS = ["Ruang layanan kunjungan", "Loket informasi"]


def _value(rng: random.Random, quality: float) -> int:
    return max(1, min(4, round(rng.gauss(1.2 + 2.9 * quality, 0.65))))


def _group(rng: random.Random) -> str:
    roll = rng.random()
    for group, share in GROUPS:
        if roll < share:
            return group
        roll -= share
    return GROUPS[0][0]


def _moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return start + (end - start) * rng.random()


@transaction.atomic
def seed_surveys(stdout: Any = None, *, refresh: bool = True) -> dict[str, int]:
    totals = {"campaigns": 0, "responses": 0, "answers": 0, "flagged": 0}
    period = Period.objects.filter(year=DEMO_YEAR).first()
    if period is None:
        return totals
    instruments = demo_instruments()
    units = {u.name: u for u in Unit.objects.filter(agency__code="KEMENKUMHAM", name__in=[n for n, _, _ in UNITS])}
    now = timezone.now()
    tz = timezone.get_current_timezone()
    opens = dt.datetime(DEMO_YEAR, 1, 6, 8, 0, tzinfo=tz)
    closes = dt.datetime(DEMO_YEAR, 12, 20, 17, 0, tzinfo=tz)
    last = min(now, closes) - dt.timedelta(minutes=30)
    new_campaigns: list[int] = []
    for name, quality, count in UNITS:
        unit = units.get(name)
        if unit is None or Campaign.objects.filter(unit=unit, period=period, title=TITLE).exists():
            continue
        campaign, rows = seed_campaign(
            unit, period, instruments, TITLE, quality, count, (opens, closes, last), stuffed=name == STUFFED_UNIT
        )
        totals["campaigns"] += 1
        totals["responses"] += len(rows)
        totals["answers"] += sum(len(answers) for _r, answers in rows)
        totals["flagged"] += sum(1 for r, _ in rows if r.is_flagged)
        new_campaigns.append(campaign.pk)
    if new_campaigns:
        rollups.apply_pending()
    if new_campaigns and refresh:
        rollup_refresh(period=period, actor=ACTOR)
    if stdout is not None:
        stdout.write(
            gettext(
                "Demo survei (%(period)s): %(campaigns)d kampanye, %(responses)d respons, %(answers)d jawaban, "
                "%(flagged)d ditandai"
            )
            % {"period": period.name, **totals}
        )
    return totals


def demo_instruments() -> list[Instrument]:
    """The active SKM, IPAK and IPKP instruments (loaded when missing)."""
    services.instruments_load_all()
    return [
        Instrument.objects.filter(kind=kind, is_active=True).order_by("-version").first()  # type: ignore[misc]  # just loaded
        for kind in (InstrumentKind.SKM, InstrumentKind.IPAK, InstrumentKind.IPKP)
    ]


def seed_campaign(
    unit: Unit,
    period: Period,
    instruments: list[Instrument],
    title: str,
    quality: float,
    count: int,
    window: tuple[dt.datetime, dt.datetime, dt.datetime],
    *,
    stuffed: bool = False,
) -> tuple[Campaign, list[tuple[Response, dict[int, int]]]]:
    """One demo campaign of ``unit`` open ``window`` = (opens, closes, last response) with ``count`` deterministic
    responses (plus, with ``stuffed``, a flagged burst of identical answers from one network); returns it and its
    (response, answers) rows. The caller folds them into the rollups (:func:`zi.surveys.rollups.apply_pending`)."""
    opens, closes, last = window
    campaign = services.campaign_create(
        actor=None,
        unit=unit,
        period=period,
        instruments=instruments,
        title=title,
        opens_at=opens,
        closes_at=closes,
        respondent_groups=[g for g, _ in GROUPS],
        service_types=SERVICE_TYPES,
        population_size=rollups_population(count),
        kiosk_enabled=True,
    )
    points = ServicePoint.objects.bulk_create([ServicePoint(campaign=campaign, name=p) for p in POINTS])
    items = services.campaign_items(campaign)
    likert_ids = {i.pk for i in items if i.scale == ItemScale.LIKERT4}
    limits = integrity.pattern_limits()
    rng = random.Random(f"survey-{period.year}-{unit.code}")  # noqa: S311 - demo data, not security
    rows: list[tuple[Response, dict[int, int]]] = []
    for n in range(count):
        answers = {
            item.pk: (_value(rng, quality) if item.scale == ItemScale.LIKERT4 else int(rng.random() > quality))
            for item in items
        }
        rows.append((_response(campaign, rng, points, f"demo-{n}", _moment(rng, opens, last), answers), answers))
    if stuffed:
        burst_start = last - dt.timedelta(days=3)
        network = integrity.keyed_hash("ip", campaign.pk, "10.12.0.7")
        for n in range(12):
            answers = {item.pk: (4 if item.scale == ItemScale.LIKERT4 else 0) for item in items}
            response = _response(
                campaign, rng, points, f"demo-burst-{n}", burst_start + dt.timedelta(seconds=40 * n), answers
            )
            response.ip_hash = network
            response.flags = {"pattern_cluster": 12, "straightline_network": 12, "ip_burst": max(1, n - 4)}
            response.is_flagged = True
            rows.append((response, answers))
    for response, answers in rows:
        response.pattern_hash, response.straight_line = integrity.answer_pattern(answers, likert_ids, limits.min_items)
    Response.objects.bulk_create([r for r, _ in rows], batch_size=500)
    ResponseItem.objects.bulk_create(
        [
            ResponseItem(response_id=r.pk, item_id=item_id, value=value)
            for r, answers in rows
            for item_id, value in answers.items()
        ],
        batch_size=2000,
    )
    return campaign, rows


def rollups_population(respondents: int) -> int:
    """A plausible number of service users in the period for the sample-size rule (demo only)."""
    return respondents * 9


def _response(
    campaign: Campaign, rng: random.Random, points: list[ServicePoint], nonce: str, at: dt.datetime, answers: dict
) -> Response:
    group = _group(rng)
    return Response(
        campaign=campaign,
        service_point=rng.choice(points),
        channel=Channel.KIOSK if rng.random() < 0.3 else Channel.PUBLIC,
        group=group,
        service_type=rng.choice(SERVICE_TYPES),
        submitted_at=at,
        quarter=services.quarter_of(at),
        form_nonce=nonce,
        device_hash=secrets.token_hex(16),
        ip_hash=integrity.keyed_hash("ip", campaign.pk, f"198.51.100.{rng.randint(1, 250)}"),
    )


@transaction.atomic
def align_lke_with_surveys(period: Period | None = None, stdout: Any = None) -> int:
    """Every demo assessment's IPAK/IPKP items take the unit's index (external value first, else its campaigns),
    in every lane that holds them and always in the self-assessment, as a team would by pressing "Pakai nilai ini".
    Idempotent (only differing rows are written); audited; the touched lanes are rescored. Returns rows written."""
    period = period or Period.objects.filter(year=DEMO_YEAR).first()
    if period is None:
        return 0
    spec = template_spec(period.template)
    items = {code: kind for code, q in spec.questions.items() if (kind := survey_kind(q))}
    questions = {q.code: q for q in LkeQuestion.objects.filter(template=period.template, code__in=list(items))}
    assessments = list(Assessment.objects.filter(period=period).select_related("unit"))
    found = survey_indices_many([a.unit_id for a in assessments], period)
    existing = {
        (a.assessment_id, a.lane, a.question.code): a
        for a in Answer.objects.filter(assessment__in=assessments, question__code__in=list(items)).select_related(
            "question"
        )
    }
    changes: list[audit.Change] = []
    touched: set[tuple[int, str]] = set()
    written = 0
    for assessment in assessments:
        lanes = {Lane.SELF.value} | {lane for (aid, lane, _c) in existing if aid == assessment.pk}
        for code, kind in items.items():
            index = found[assessment.unit_id].get(kind)
            if index is None or index.value is None:
                continue
            normalized = normalize_answer(spec.questions[code], index.value, spec.settings)
            for lane in sorted(lanes):
                row = existing.get((assessment.pk, lane, code))
                if row is not None and row.value == normalized.value and row.inputs == normalized.inputs:
                    continue
                before = {"inputs": row.inputs, "value": row.value, "source": row.source} if row else None
                if row is None:
                    row = Answer(assessment=assessment, lane=lane, question=questions[code])
                row.choice, row.inputs, row.value, row.source = "", normalized.inputs, normalized.value, ""
                row.save()
                written += 1
                touched.add((assessment.pk, lane))
                after = {"inputs": row.inputs, "value": row.value, "source": index.source}
                changes.append(answer_change(assessment, lane, code, before=before, after=after))
    if changes:
        audit.record_many(ACTOR, changes)
    by_pk = {a.pk: a for a in assessments}
    for assessment_id, lane in sorted(touched):
        lane_rescore(assessment=by_pk[assessment_id], lane=lane)
    if stdout is not None:
        stdout.write(f"Demo LKE: {written} IPAK/IPKP answers taken from the units' surveys")
    return written
