"""Reads of the building-work records, always cut to what the person may see (via ``restrict``),
plus the computed figures: staff reach of activities per month and the LKE inputs the records feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from django.db.models import Count, F, Model, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.assessments.models import Assessment, Period
from zi.assessments.selectors import HASIL_SECTION
from zi.core.actors import Actor
from zi.lke.services import with_template
from zi.organisations.access import Action, restrict
from zi.organisations.models import Unit
from zi.programme.models import (
    OPEN_COMPLAINT_STATUSES,
    Activity,
    AttachedEvidence,
    Attendance,
    ChangeAgent,
    ChangeArea,
    Complaint,
    ComplaintStatus,
    ConcreteChange,
    Innovation,
    PlanItem,
    PublicService,
    WorkPlan,
)
from zi.surveys.models import Campaign, InstrumentItem, ItemRollup, ItemScale


class Bounded(Protocol):
    """A span with aware start and end datetimes: a :class:`Period`, or a window of days (workflow.monitoring)."""

    def bounds(self) -> tuple[dt.datetime, dt.datetime]: ...


_M = TypeVar("_M", bound=Model)


def readable(queryset: QuerySet[_M], user: Actor) -> QuerySet[_M]:
    """Rows the user may read (``programme.read``: reviewers/leaders/TPI and the unit team), placed by the model's
    ``unit_field``."""
    return restrict(queryset, user, Action.PROGRAMME_READ)


def current_period(year: Any = None) -> Period | None:
    periods = with_template(Period.objects.all())
    if year:
        try:
            return periods.filter(year=int(year)).first()
        except (TypeError, ValueError):
            return None
    return periods.filter(is_open=True).order_by("-year").first() or periods.order_by("-year").first()


def work_plan_for(*, user: Actor, unit: Unit, period: Period) -> WorkPlan | None:
    plans = readable(WorkPlan.objects.filter(unit=unit, period=period), user)
    return plans.prefetch_related(
        Prefetch("items", queryset=PlanItem.objects.select_related("owner").order_by("area_key", "due_on", "pk"))
    ).first()


def plan_by_area(plan: WorkPlan | None) -> list[dict[str, Any]]:
    """The plan's items per area of change, each with ``produced`` (:func:`plan_item_evidence`)."""
    items = list(plan.items.all()) if plan else []
    produced = plan_item_evidence(plan)
    for item in items:
        item.produced = produced.get(item.pk, {"activities": 0, "codes": [], "other": []})  # type: ignore[attr-defined]  # for the template
    areas = []
    for key, label in ChangeArea.choices:
        area_items = [item for item in items if item.area_key == key]
        progress = round(sum(item.progress for item in area_items) / len(area_items)) if area_items else None
        areas.append({"key": key, "label": label, "items": area_items, "progress": progress})
    return areas


def worksheet_link(assessment: Any, code: str) -> str:
    """The worksheet place of an LKE question: its tab (``?bagian=``, area number or "hasil") and its anchor."""

    parts = code.split(".")
    section = parts[2] if parts[0] == "A" and len(parts) > 2 and parts[2].isdigit() else HASIL_SECTION
    url = reverse("assessments:worksheet", args=[assessment.pk])
    return f"{url}?bagian={section}#q-{code.replace('.', '-')}"


def plan_item_evidence(plan: WorkPlan | None) -> dict[int, dict[str, Any]]:
    """What each work-plan item has produced so far, against the LKE questions it says it supports.

    Per item id: ``activities`` (recorded against the item) and ``codes`` — one row per LKE code of the item with
    ``evidence`` (evidence items on the unit's assessment of the plan's period made from those activities, not
    withdrawn) and ``url`` (that question on the worksheet; empty without an assessment). Evidence the activities
    produced for questions the item does not name is listed under ``other``. Three queries.
    """
    if plan is None:
        return {}
    items = list(plan.items.all())
    assessment = Assessment.objects.filter(unit_id=plan.unit_id, period_id=plan.period_id).first()
    activity_item = dict(Activity.objects.filter(plan_item__work_plan=plan).values_list("pk", "plan_item_id"))
    counts: dict[tuple[int, str], int] = {}
    if assessment is not None and activity_item:
        rows = AttachedEvidence.objects.filter(
            record_type="activity",
            record_id__in=list(activity_item),
            evidence__assessment=assessment,
            evidence__is_withdrawn=False,
        ).values_list("record_id", "evidence__question__code")
        for record_id, code in rows:
            key = (activity_item[record_id], code)
            counts[key] = counts.get(key, 0) + 1
    result: dict[int, dict[str, Any]] = {}
    for item in items:
        codes = list(item.lke_codes or [])
        result[item.pk] = {
            "activities": sum(1 for plan_item in activity_item.values() if plan_item == item.pk),
            "codes": [
                {
                    "code": code,
                    "evidence": counts.get((item.pk, code), 0),
                    "url": worksheet_link(assessment, code) if assessment is not None else "",
                }
                for code in codes
            ],
            "other": sorted(
                {code for (item_pk, code), n in counts.items() if item_pk == item.pk and code not in codes and n}
            ),
        }
    return result


def activities_for(*, user: Actor, unit: Unit, period: Period) -> QuerySet[Activity]:
    return (
        readable(Activity.objects.filter(unit=unit, period=period), user)
        .annotate(n_attendees=Count("attendance"))
        .select_related("plan_item")
        .order_by("-held_on", "-pk")
    )


def staff_count(unit: Unit) -> int:
    return unit.staff.filter(is_active=True).count()


def activity_reach(activity: Activity, staff: int | None = None) -> float | None:
    staff = staff_count(activity.unit) if staff is None else staff
    if not staff:
        return None
    n = getattr(activity, "n_attendees", None)
    if n is None:
        n = activity.attendance.count()
    return round(100.0 * n / staff, 1)


def reach_by_month(*, unit: Unit, period: Period) -> list[dict[str, Any]]:
    """Per month of the period: distinct staff attending that month, and the cumulative share of staff reached.

    ``share`` = distinct people who attended at least one activity from the start of the period to the end of
    that month ÷ the unit's current active staff count (percent, one decimal; None without staff).
    """
    staff = staff_count(unit)
    rows = (
        Attendance.objects.filter(activity__unit=unit, activity__period=period)
        .annotate(month=TruncMonth("activity__held_on"))
        .values_list("month", "person_id")
    )
    by_month: dict[dt.date, set[int]] = {}
    for month, person_id in rows:
        month_start = month if isinstance(month, dt.date) and not isinstance(month, dt.datetime) else month.date()
        by_month.setdefault(month_start.replace(day=1), set()).add(person_id)
    result = []
    reached: set[int] = set()
    last = min(period.ends_on, max(timezone.localdate(), period.starts_on))
    cursor = period.starts_on.replace(day=1)
    while cursor <= last:
        month_people = by_month.get(cursor, set())
        reached |= month_people
        result.append(
            {
                "month": cursor,
                "attendees": len(month_people),
                "reached": len(reached),
                "staff": staff,
                "share": round(100.0 * len(reached) / staff, 1) if staff else None,
            }
        )
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return result


def change_agents_for(*, user: Actor, unit: Unit, period: Period) -> QuerySet[ChangeAgent]:
    return (
        readable(ChangeAgent.objects.filter(unit=unit, period=period), user)
        .select_related("person")
        .prefetch_related(Prefetch("changes", queryset=ConcreteChange.objects.order_by("made_on", "pk")))
    )


def complaints_for(*, user: Actor, unit: Unit, status: str = "") -> QuerySet[Complaint]:
    complaints = readable(Complaint.objects.filter(unit=unit), user)
    if status == "open":
        complaints = complaints.filter(status__in=OPEN_COMPLAINT_STATUSES)
    elif status == "overdue":
        complaints = complaints.filter(status__in=OPEN_COMPLAINT_STATUSES, sla_due_at__lt=timezone.now())
    elif status:
        complaints = complaints.filter(status=status)
    return complaints.order_by("-received_at", "-pk")


def complaint_summary(*, unit: Unit) -> dict[str, int]:
    now = timezone.now()
    return Complaint.objects.filter(unit=unit).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_COMPLAINT_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_COMPLAINT_STATUSES, sla_due_at__lt=now)),
        resolved=Count("pk", filter=Q(status=ComplaintStatus.RESOLVED)),
    )


def innovations_for(*, user: Actor, unit: Unit, subtree: bool = False) -> QuerySet[Innovation]:
    innovations = Innovation.objects.filter(unit__path__startswith=unit.path) if subtree else unit.innovations.all()
    return (
        readable(innovations, user)
        .select_related("unit", "complaint", "survey_item")
        .order_by("unit__path", "-started_on")
    )


def services_for(*, user: Actor, unit: Unit) -> QuerySet[PublicService]:
    """The unit's register of services, each with how many innovations simplified it."""
    return (
        readable(PublicService.objects.filter(unit=unit), user)
        .annotate(n_innovations=Count("innovations"))
        .order_by("-is_active", "name", "pk")
    )


# Mean (1–4) below which a survey item counts as a low-scoring finding (SKM "kurang baik" ends at 2.59; IPAK/IPKP
# aspects below 3 are the ones units are asked to act on). Items above it are still offered, after the low ones.
LOW_SCORE = 3.0


def survey_findings_for(unit: Unit, limit: int = 40) -> list[dict[str, Any]]:
    """Scored survey items of the unit's campaigns, lowest mean first (read-only from the surveys app's rollups).

    Each row: ``campaign`` (id), ``campaign_title``, ``item`` (id), ``code``, ``aspect``, ``text``, ``n``,
    ``mean`` (1–4, 2 decimals) and ``low`` (mean < :data:`LOW_SCORE`). One query.
    """
    rows = (
        ItemRollup.objects.filter(campaign__unit=unit, item__scale=ItemScale.LIKERT4)
        .values(
            "campaign_id", "campaign__title", "item_id", "item__code", "item__aspect", "item__text", "item__position"
        )
        .annotate(total_n=Sum("n"), total_s=Sum("s"))
        .filter(total_n__gt=0)
    )
    findings = [
        {
            "campaign": row["campaign_id"],
            "campaign_title": row["campaign__title"],
            "item": row["item_id"],
            "code": row["item__code"],
            "aspect": row["item__aspect"],
            "text": row["item__text"],
            "n": row["total_n"],
            "mean": round(row["total_s"] / row["total_n"], 2),
            "position": row["item__position"],
        }
        for row in rows
    ]
    for finding in findings:
        finding["low"] = finding["mean"] < LOW_SCORE
    findings.sort(key=lambda f: (f["mean"], f["campaign"], f["position"]))
    return findings[:limit]


def survey_finding_of(innovation: Innovation) -> dict[str, Any] | None:
    """The survey result an innovation answers (campaign, item, current mean), or None without a survey link."""
    if not innovation.survey_item_id or not innovation.survey_campaign_id:
        return None

    campaign = Campaign.objects.filter(pk=innovation.survey_campaign_id).select_related("period").first()
    item = InstrumentItem.objects.filter(pk=innovation.survey_item_id).select_related("instrument").first()
    if campaign is None or item is None:
        return None
    totals = ItemRollup.objects.filter(campaign=campaign, item=item).aggregate(n=Sum("n"), s=Sum("s"))
    n = totals["n"] or 0
    return {
        "campaign": campaign,
        "item": item,
        "n": n,
        "mean": round(totals["s"] / n, 2) if n else None,
        "low": bool(n) and totals["s"] / n < LOW_SCORE,
    }


# --- LKE inputs -----------------------------------------------------------------------------------------------


def lke_inputs_for(unit: Unit, period: Period) -> dict[str, dict[str, Any]]:
    """Inputs for the computed LKE items, counted from the unit's records in the period.

    Returns ``{question_code: {"inputs": {input_key: int}, "source": str}}`` for A.II.1.i.a, A.II.1.i.b,
    A.II.5.ii.a and A.II.6.i.b (input keys as in the 90/2021 template). Counting rules:

    - change agents: appointed for the unit in the period; changes: made by those agents with a date in the period;
      integrated: those marked integrated into the management system;
    - complaints received (by date of receipt, local time) within the period: *harus ditindaklanjuti* = all but
      the rejected ones (outside the unit's remit/invalid), *sedang diproses* = received or in progress,
      *selesai* = resolved. So harus = diproses + selesai, which fits both readings of the formula.
    - services (A.II.6.i.b): *terdaftar* = the unit's registered services still provided; *dipermudah* = those
      linked to at least one of the unit's innovations that names how it simplified them (faster, integrated,
      shorter flow, in an application) and started on or before the end of the period.
    """
    agents = ChangeAgent.objects.filter(unit=unit, period=period)
    changes = ConcreteChange.objects.filter(
        agent__in=agents, made_on__gte=period.starts_on, made_on__lte=period.ends_on
    )
    n_agents = agents.count()
    n_changes = changes.count()
    n_integrated = changes.filter(integrated=True).count()
    complaints = Complaint.objects.filter(
        unit=unit, received_at__date__gte=period.starts_on, received_at__date__lte=period.ends_on
    ).aggregate(
        must=Count("pk", filter=~Q(status=ComplaintStatus.REJECTED)),
        in_progress=Count("pk", filter=Q(status__in=OPEN_COMPLAINT_STATUSES)),
        done=Count("pk", filter=Q(status=ComplaintStatus.RESOLVED)),
        rejected=Count("pk", filter=Q(status=ComplaintStatus.REJECTED)),
    )
    services = PublicService.objects.filter(unit=unit, is_active=True).aggregate(
        registered=Count("pk", distinct=True),
        # an innovation linked to a service always names how it simplified it (services.innovation_create)
        simplified=Count(
            "pk", distinct=True, filter=Q(innovations__unit=unit, innovations__started_on__lte=period.ends_on)
        ),
    )
    span = _("%(start)s s.d. %(end)s") % {"start": f"{period.starts_on:%d-%m-%Y}", "end": f"{period.ends_on:%d-%m-%Y}"}
    agent_source = _(
        "Register agen perubahan %(unit)s, periode %(period)s: %(agents)s agen ditetapkan, "
        "%(changes)s perubahan konkret bertanggal %(span)s"
    ) % {"unit": unit.name, "period": period.name, "agents": n_agents, "changes": n_changes, "span": span}
    return {
        "A.II.1.i.a": {
            "inputs": {"jumlah_agen_perubahan": n_agents, "jumlah_perubahan_dibuat": n_changes},
            "source": _("%(source)s.") % {"source": agent_source},
        },
        "A.II.1.i.b": {
            "inputs": {"jumlah_perubahan_dibuat": n_changes, "jumlah_perubahan_terintegrasi": n_integrated},
            "source": _("%(source)s, %(count)s di antaranya ditandai terintegrasi dalam sistem manajemen.")
            % {"source": agent_source, "count": n_integrated},
        },
        "A.II.5.ii.a": {
            "inputs": {
                "pengaduan_harus_ditindaklanjuti": complaints["must"],
                "pengaduan_sedang_diproses": complaints["in_progress"],
                "pengaduan_selesai": complaints["done"],
            },
            "source": (
                _(
                    "Register pengaduan %(unit)s, diterima %(span)s: %(must)s harus ditindaklanjuti "
                    "(%(rejected)s ditolak/bukan kewenangan tidak dihitung), %(in_progress)s "
                    "sedang diproses, %(done)s selesai."
                )
                % {"unit": unit.name, "span": span, **complaints}
            ),
        },
        "A.II.6.i.b": {
            "inputs": {
                "jumlah_layanan_terdaftar": services["registered"],
                "jumlah_layanan_dipermudah": services["simplified"],
            },
            "source": (
                _(
                    "Register layanan %(unit)s: %(registered)s layanan terdaftar dan masih diselenggarakan, "
                    "%(simplified)s di antaranya dipermudah oleh inovasi yang diterapkan sampai %(date)s."
                )
                % {"unit": unit.name, "date": f"{period.ends_on:%d-%m-%Y}", **services}
            ),
        },
    }


def complaint_counts_many(unit_ids: Sequence[int], period: Bounded | None) -> dict[int, dict[str, int]]:
    """Complaints received in the period per unit: total, resolved, resolved within the SLA, open past the SLA."""
    result = {uid: {"total": 0, "resolved": 0, "on_time": 0, "overdue": 0} for uid in unit_ids}
    if period is None or not unit_ids:
        return result
    start, end = period.bounds()
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
        result[row.pop("unit_id")] = row  # type: ignore[misc,assignment]  # a values() row, its counts are ints
    return result
