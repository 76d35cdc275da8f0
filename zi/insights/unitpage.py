"""The unit's own page: scores per area against the WBK/WBBM minimums per lane, eligibility with reasons, gaps
between lanes, what to do next, deadlines and early warnings. Live data for one unit (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.assessments.models import Answer, Assessment, Evidence, Lane, LaneScore, Period
from zi.assessments.selectors import may_view, worksheet
from zi.assessments.suggestions import survey_checks
from zi.core.actors import Actor
from zi.core.deadlines import deadline_status
from zi.insights.facts import warning_facts
from zi.insights.rules import Warning, evaluate
from zi.lke.models import LkeQuestion
from zi.lke.scoring.breakdown import expand_breakdown, stored_area_scores
from zi.lke.services import template_spec, with_template
from zi.organisations.models import Unit
from zi.predicates.models import Award
from zi.predicates.selectors import history as predicate_history
from zi.programme.models import OPEN_COMPLAINT_STATUSES, Complaint
from zi.surveys.models import Campaign, InstrumentKind
from zi.surveys.unit_indices import KINDS, survey_indices_for
from zi.workflow import rules as workflow_rules
from zi.workflow.lanes import visible_lanes
from zi.workflow.models import CarriedQuestion, PeriodCalendar

LANE_ORDER = (Lane.SELF, Lane.REVIEW, Lane.TPI, Lane.TPN)


@dataclass
class UnitOverview:
    unit: Unit
    period: Period
    assessment: Assessment | None
    scores_visible: bool
    lanes: list[tuple[str, str]] = field(default_factory=list)  # (lane, label) that have a score
    totals: list[dict[str, Any]] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)
    eligibility: list[dict[str, Any]] = field(default_factory=list)
    todo: dict[str, Any] = field(default_factory=dict)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    predicates: list[Award] = field(default_factory=list)  # the unit's decrees, oldest first (predicate register)
    indices: list[Any] = field(default_factory=list)  # zi.surveys.unit_indices.SurveyIndex: IPAK, IPKP, IKM
    survey_checks: list[Any] = field(default_factory=list)  # the self-assessment's IPAK/IPKP beside them


def unit_overview(*, user: Actor, unit: Unit, period: Period) -> UnitOverview:
    assessment = with_template(
        Assessment.objects.filter(unit=unit, period=period).select_related("unit"), "period__template"
    ).first()
    visible = assessment is not None and may_view(user, assessment)
    ov = UnitOverview(unit, period, assessment, visible)
    spec = template_spec(period.template)
    if visible and assessment is not None:
        lanes = visible_lanes(user, assessment)
        scores = {s.lane: s for s in LaneScore.objects.filter(assessment=assessment, lane__in=lanes)}
        area_scores = {lane: stored_area_scores(s.breakdown, spec.area_names) for lane, s in scores.items()}
        labels = dict(Lane.choices)
        ov.lanes = [(lane, str(labels[lane])) for lane in LANE_ORDER if lane in scores]
        self_total = scores[Lane.SELF].total if Lane.SELF in scores else None
        for lane, label in ov.lanes:
            s = scores[lane]
            ov.totals.append(
                {
                    "lane": label,
                    "total": s.total,
                    "pengungkit": s.pengungkit,
                    "hasil": s.hasil,
                    "gap": round(self_total - s.total, 2) if self_total is not None and lane != Lane.SELF else None,
                }
            )
        wbk, wbbm = spec.thresholds.get("WBK"), spec.thresholds.get("WBBM")
        for index, name in enumerate(spec.area_names):
            weight = float(spec.area_weights[index])
            per_lane = [area_scores[lane][index] for lane, _ in ov.lanes]
            min_wbk = round(weight * wbk.per_area_min_fraction, 2) if wbk else None
            min_wbbm = round(weight * wbbm.per_area_min_fraction, 2) if wbbm else None
            first = per_lane[0] if per_lane else None
            ov.areas.append(
                {
                    "name": name,
                    "weight": round(weight, 2),
                    "scores": per_lane,
                    "min_wbk": min_wbk,
                    "min_wbbm": min_wbbm,
                    "meets_wbk": first is not None and min_wbk is not None and first + 1e-9 >= min_wbk,
                    "meets_wbbm": first is not None and min_wbbm is not None and first + 1e-9 >= min_wbbm,
                    "gaps": [
                        round(first - other, 2) if first is not None and other is not None else None
                        for other in per_lane[1:]
                    ],
                }
            )
        if Lane.SELF in scores:
            raw = expand_breakdown(spec, scores[Lane.SELF].breakdown or {}).get("eligibility") or {}
            for predicate in ("WBK", "WBBM"):
                item = raw.get(predicate)
                if isinstance(item, dict):
                    ov.eligibility.append(
                        {
                            "predicate": predicate,
                            "eligible": bool(item.get("eligible")),
                            "reasons": item.get("reasons") or [],
                        }
                    )
        sheet = worksheet(user=user, assessment=assessment)
        ov.todo["unanswered"] = len(sheet.unanswered)
        ov.todo["unanswered_codes"] = [row.code for row in sheet.unanswered[:15]]
        ov.todo["missing_evidence"] = len(sheet.missing_evidence)
        ov.todo["missing_evidence_codes"] = [row.code for row in sheet.missing_evidence[:15]]
        carried = list(
            CarriedQuestion.objects.filter(journey__assessment=assessment, confirmed_at__isnull=True)
            .order_by("question__order", "question__code")
            .values_list("question__code", flat=True)
        )
        ov.todo["carried_unconfirmed"] = len(carried)  # carried over from last year: submission waits for them
        ov.todo["carried_codes"] = carried[:15]
    now = timezone.now()
    ov.todo["overdue_complaints"] = Complaint.objects.filter(
        unit=unit, status__in=OPEN_COMPLAINT_STATUSES, sla_due_at__lt=now
    ).count()
    kinds = set(
        Campaign.objects.filter(unit=unit, period=period).values_list("instruments__kind", flat=True).distinct()
    )
    ov.todo["missing_surveys"] = [
        str(label) for kind, label in InstrumentKind.choices if kind != InstrumentKind.INTERNAL and kind not in kinds
    ]

    found = survey_indices_for(unit, period)
    ov.indices = [survey_index for kind in KINDS if (survey_index := found.get(kind)) is not None]
    if visible and assessment is not None:
        ov.survey_checks = [c for c in survey_checks(assessment, Lane.SELF) if c.differs or c.survey_differs]
    ov.deadlines = _deadlines(period, timezone.localdate())
    ov.predicates = predicate_history(unit)
    if assessment is not None:
        ov.warnings = evaluate(warning_facts(unit.pk, period))
    return ov


def _deadlines(period: Period, today: dt.date) -> list[dict[str, Any]]:
    """The period's dates in order: self-assessment, then the national calendar of zi.workflow (review, TPI,
    proposal to TPN — the regulation's default proposal date when no calendar is set), then the period's end."""
    calendar = PeriodCalendar.objects.filter(period=period).first()
    items = [
        (_("Batas penilaian mandiri"), period.self_assessment_deadline),
        (_("Batas reviu"), calendar.review_deadline if calendar else None),
        (_("Batas evaluasi TPI"), calendar.tpi_deadline if calendar else None),
        (
            _("Batas pengusulan ke TPN"),
            calendar.proposal_deadline if calendar else workflow_rules.default_proposal_deadline(period.year),
        ),
        (_("Akhir periode"), period.ends_on),
    ]
    dated = [(label, day) for label, day in items if day]
    return [
        {"label": label, "date": day, "days_left": deadline_status(day, today).days_left}
        for label, day in sorted(dated, key=lambda item: item[1])
    ]


def lke_recap_rows(assessment: Assessment, lanes: Any) -> tuple[list[str], list[list[Any]]]:
    """Per question: code, area, indicator, question, value per lane in ``lanes`` (the viewer's
    :func:`zi.workflow.lanes.visible_lanes`; 0–100 %), evidence items (3 queries)."""
    shown = [lane for lane in LANE_ORDER if lane in lanes]
    questions = list(LkeQuestion.objects.filter(template_id=assessment.period.template_id).order_by("order"))
    values: dict[tuple[int, str], float | None] = {
        (q, lane): v
        for q, lane, v in Answer.objects.filter(assessment=assessment, lane__in=shown).values_list(
            "question_id", "lane", "value"
        )
    }
    evidence = dict(
        Evidence.objects.filter(assessment=assessment, is_withdrawn=False)
        .values_list("question_id")
        .annotate(n=Count("pk"))
    )
    lane_headers = {
        Lane.SELF: _("Mandiri (%)"),
        Lane.REVIEW: _("Reviu (%)"),
        Lane.TPI: _("TPI (%)"),
        Lane.TPN: _("TPN (%)"),
    }
    headers = [
        _("Kode"),
        _("Area"),
        _("Indikator"),
        _("Pertanyaan"),
        *[lane_headers[lane] for lane in shown],
        _("Data dukung"),
    ]
    rows = []
    for q in questions:
        row: list[Any] = [q.code, q.area_name, q.indicator_name, q.text]
        for lane in shown:
            v = values.get((q.pk, lane))
            row.append(None if v is None else round(v * 100, 2))
        row.append(evidence.get(q.pk, 0))
        rows.append(row)
    return headers, rows


__all__ = ["UnitOverview", "dt", "lke_recap_rows", "unit_overview"]
