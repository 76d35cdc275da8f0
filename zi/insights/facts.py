"""Set-based gathering of per-unit facts for a period: survey indices, complaint and activity counts, and the
plain data the early-warning rules read. Every function takes many unit ids and issues a fixed number of
queries whatever their count (callers batch the ids); the one-unit variants are the same call with one id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zi.assessments.models import Answer, Assessment, EvidenceRevision, Lane, LaneScore, Period
from zi.insights.rules import InnovationFact, UnitFacts, rules
from zi.programme.models import (
    OPEN_COMPLAINT_STATUSES,
    Activity,
    Attendance,
    Complaint,
    ComplaintStatus,
    Innovation,
    WorkPlan,
)
from zi.surveys import unit_indices
from zi.surveys.models import Response

CONSULTATION_WORDS = ("konsultasi publik", "forum konsultasi", "fkp")


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.starts_on, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.ends_on, dt.time.max, tzinfo=tz)
    return start, end


def previous_period(period: Period) -> Period | None:
    return Period.objects.filter(year__lt=period.year).order_by("-year").first()


# --- survey indices --------------------------------------------------------------------------------------------


def survey_indices_many(unit_ids: Sequence[int], period: Period | None) -> dict[int, dict[str, Any]]:
    """Per unit: ``ikm`` (25–100), ``ipak`` and ``ipkp`` (0–4), their sources and ``respondents`` in ``period``:
    :func:`zi.surveys.unit_indices.survey_indices_many` (external value first, else the campaigns' rollups; a fixed
    number of queries) in the plain shape the rollup, the dossier and monitoring keep."""
    found = unit_indices.survey_indices_many(unit_ids, period)
    return {uid: found[uid].as_dict() for uid in unit_ids}


# --- counts ---------------------------------------------------------------------------------------------------


def complaint_counts_many(unit_ids: Sequence[int], period: Period | None) -> dict[int, dict[str, int]]:
    """Complaints received in the period per unit: total, resolved, resolved within the SLA, open past the SLA."""
    result = {uid: {"total": 0, "resolved": 0, "on_time": 0, "overdue": 0} for uid in unit_ids}
    if period is None or not unit_ids:
        return result
    start, end = period_bounds(period)
    now = timezone.now()
    rows = (
        Complaint.objects.filter(unit_id__in=unit_ids, received_at__range=(start, end))
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            resolved=Count("pk", filter=Q(status=ComplaintStatus.RESOLVED)),
            on_time=Count("pk", filter=Q(status=ComplaintStatus.RESOLVED, resolved_at__lte=F("sla_due_at"))),
            overdue=Count("pk", filter=Q(status__in=OPEN_COMPLAINT_STATUSES, sla_due_at__lt=now)),
        )
    )
    for row in rows:
        result[row.pop("unit_id")] = row
    return result


def _rate(counts: dict[str, int]) -> float | None:
    return round(counts["on_time"] / counts["total"], 4) if counts["total"] else None


def _declarations_many(unit_ids: Sequence[int], period: Period) -> dict[int, dt.date]:
    """Earliest ZI declaration (pencanangan) per unit up to the period's end, when the workflow app records them."""
    try:
        model = apps.get_model("workflow", "Declaration")
    except LookupError:
        return {}
    names = {f.name for f in model._meta.get_fields()}
    if not {"unit", "declared_on"} <= names:
        return {}
    rows = (
        model.objects.filter(unit_id__in=unit_ids, declared_on__lte=period.ends_on)
        .values_list("unit_id")
        .annotate(first=Min("declared_on"))
    )
    return dict(rows)


def warning_facts_many(unit_ids: Sequence[int], period: Period, now: dt.datetime | None = None) -> dict[int, UnitFacts]:
    """The plain facts behind the early warnings for many units at once (a fixed number of queries)."""
    now = now or timezone.now()
    facts = {uid: UnitFacts(unit_id=uid) for uid in unit_ids}
    if not unit_ids:
        return facts
    start, end = period_bounds(period)
    assessments = dict(
        Assessment.objects.filter(unit_id__in=unit_ids, period=period).values_list("unit_id", "submitted_at")
    )
    for uid, submitted_at in assessments.items():
        facts[uid].submitted_at = submitted_at
    # 1. first recorded work: work plan, activity, declaration
    firsts: dict[int, list[dt.date]] = defaultdict(list)
    for uid, created in WorkPlan.objects.filter(unit_id__in=unit_ids, period=period).values_list(
        "unit_id", "created_at"
    ):
        firsts[uid].append(timezone.localdate(created))
    activity_rows = (
        Activity.objects.filter(unit_id__in=unit_ids, period=period)
        .annotate(area=Coalesce("area_key", "plan_item__area_key"))
        .values("unit_id", "area")
        .annotate(n=Count("pk"), first=Min("held_on"))
    )
    consult_q = Q()
    for word in CONSULTATION_WORDS:
        consult_q |= Q(title__icontains=word)
    consultations = dict(
        Activity.objects.filter(consult_q, unit_id__in=unit_ids, period=period)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    areas: dict[int, set[int]] = defaultdict(set)
    for row in activity_rows:
        firsts[row["unit_id"]].append(row["first"])
        if row["area"]:
            areas[row["unit_id"]].add(row["area"])
    for uid, declared in _declarations_many(unit_ids, period).items():
        firsts[uid].append(declared)
    # 2. stakeholder input
    responses = dict(
        Response.objects.filter(campaign__unit_id__in=unit_ids, campaign__period=period, excluded=False)
        .values_list("campaign__unit_id")
        .annotate(n=Count("pk"))
    )
    complaints = complaint_counts_many(unit_ids, period)
    # 3. paperwork: burst before the reference date (submission, else the deadline, else now)
    deadline = (
        dt.datetime.combine(period.self_assessment_deadline, dt.time.max, tzinfo=timezone.get_current_timezone())
        if period.self_assessment_deadline
        else None
    )
    default_ref = deadline if deadline and deadline < now else now
    ref = Coalesce(F("evidence__assessment__submitted_at"), Value(default_ref, output_field=DateTimeField()))
    burst_days = rules()["paperwork"]["burst_days"]
    window_start = ExpressionWrapper(ref - Value(dt.timedelta(days=burst_days)), output_field=DateTimeField())
    burst = dict(
        (row[0], row[1:])
        for row in EvidenceRevision.objects.filter(
            evidence__assessment__unit_id__in=unit_ids,
            evidence__assessment__period=period,
            evidence__is_withdrawn=False,
        )
        .values_list("evidence__assessment__unit_id")
        .annotate(total=Count("pk"), burst=Count("pk", filter=Q(uploaded_at__gte=window_start, uploaded_at__lte=ref)))
    )
    reuse: dict[int, int] = defaultdict(int)
    for uid, _sha, n in (
        EvidenceRevision.objects.filter(
            evidence__assessment__unit_id__in=unit_ids,
            evidence__assessment__period=period,
            evidence__is_withdrawn=False,
        )
        .exclude(sha256="")
        .values_list("evidence__assessment__unit_id", "sha256")
        .annotate(n=Count("evidence__question", distinct=True))
        .filter(n__gt=1)
    ):
        reuse[uid] = max(reuse[uid], n)
    answered: dict[int, set[int]] = defaultdict(set)
    for uid, area in (
        Answer.objects.filter(
            assessment__unit_id__in=unit_ids,
            assessment__period=period,
            lane=Lane.SELF,
            value__gt=0,
            question__area_key__gte=1,
        )
        .values_list("assessment__unit_id", "question__area_key")
        .distinct()
    ):
        answered[uid].add(area)
    # 4. participation of the unit's own staff
    user_model = get_user_model()
    staff = dict(
        user_model.objects.filter(unit_id__in=unit_ids, is_active=True).values_list("unit_id").annotate(n=Count("pk"))
    )
    people: dict[int, set[int]] = defaultdict(set)
    sources: Iterable[Any] = (
        Attendance.objects.filter(
            activity__unit_id__in=unit_ids, activity__period=period, person__unit_id=F("activity__unit_id")
        ).values_list("activity__unit_id", "person_id"),
        Answer.objects.filter(
            assessment__unit_id__in=unit_ids,
            assessment__period=period,
            lane=Lane.SELF,
            updated_by__unit_id=F("assessment__unit_id"),
        ).values_list("assessment__unit_id", "updated_by_id"),
        EvidenceRevision.objects.filter(
            evidence__assessment__unit_id__in=unit_ids,
            evidence__assessment__period=period,
            uploaded_by__unit_id=F("evidence__assessment__unit_id"),
        ).values_list("evidence__assessment__unit_id", "uploaded_by_id"),
    )
    for source in sources:
        for uid, person in source.distinct():
            people[uid].add(person)
    # 5. innovations started in the period
    innovations: dict[int, list[InnovationFact]] = defaultdict(list)
    for uid, title, started, finding, problem, received in Innovation.objects.filter(
        unit_id__in=unit_ids, started_on__range=(period.starts_on, period.ends_on)
    ).values_list("unit_id", "title", "started_on", "survey_finding", "problem_statement", "complaint__received_at"):
        innovations[uid].append(
            InnovationFact(
                title=title,
                started_on=started,
                need_chars=len((finding or "").strip()) + len((problem or "").strip()),
                complaint_received_on=timezone.localdate(received) if received else None,
            )
        )
    # 6. reward-chasing: this period against the previous one
    before = previous_period(period)
    scores: dict[tuple[int, int], float] = {
        (uid, pid): total
        for uid, pid, total in LaneScore.objects.filter(
            assessment__unit_id__in=unit_ids,
            lane=Lane.SELF,
            assessment__period_id__in=[period.pk] + ([before.pk] if before else []),
        ).values_list("assessment__unit_id", "assessment__period_id", "total")
    }
    indices_now = survey_indices_many(unit_ids, period)
    indices_before = survey_indices_many(unit_ids, before) if before else {}
    complaints_before = complaint_counts_many(unit_ids, before) if before else {}
    keys = ("ikm", "ipak", "ipkp")
    for uid, f in facts.items():
        f.first_work_on = min(firsts[uid]) if firsts.get(uid) else None
        f.survey_responses = responses.get(uid, 0)
        f.complaints = complaints[uid]["total"]
        f.consultations = consultations.get(uid, 0)
        f.evidence_revisions, f.evidence_in_burst = burst.get(uid, (0, 0))
        f.answered_areas = tuple(sorted(answered.get(uid, ())))
        f.activity_areas = tuple(sorted(areas.get(uid, ())))
        f.max_questions_per_file = reuse.get(uid, 0)
        f.staff = staff.get(uid, 0)
        f.participants = len(people.get(uid, ()))
        f.innovations = innovations.get(uid, [])
        f.score_now = scores.get((uid, period.pk))
        f.score_before = scores.get((uid, before.pk)) if before else None
        f.indices_now = {k: indices_now[uid][k] for k in keys}
        f.indices_before = {k: indices_before[uid][k] for k in keys} if before else {}
        f.complaint_rate_now = _rate(complaints[uid])
        f.complaint_rate_before = _rate(complaints_before[uid]) if before else None
    return facts


def warning_facts(unit_id: int, period: Period) -> UnitFacts:
    """The facts for one unit (the same query set as for many)."""
    return warning_facts_many([unit_id], period)[unit_id]
