"""Writes of the insights app: rebuilding the per-unit rollup the dashboards read.

The rollup is derived data (like :class:`zi.assessments.models.LaneScore`): it is recomputed, never edited, so
refreshing it is not audited record by record; one audit event per refresh records who ran it and how many rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from zi.assessments.models import Assessment, Lane, LaneScore, Period
from zi.core import audit
from zi.insights import facts as facts_mod
from zi.insights.models import AREA_FIELDS, HELD_STATES, STAGE_RANK, PeriodSummary, UnitPeriodRollup
from zi.insights.rules import evaluate, rules
from zi.insights.selectors import _COVERAGE_AGGS, _GROUP_AGGS, bump_rollup_version, summary_aggregates
from zi.lke.services import template_spec
from zi.organisations.models import Unit
from zi.programme.models import Activity, Innovation
from zi.workflow.models import Journey

BATCH_SIZE = 2000
_UPDATE_FIELDS = [f.name for f in UnitPeriodRollup._meta.concrete_fields if f.name not in ("id", "unit", "period")]


def _area_values(breakdown: Any, area_names: tuple[str, ...]) -> list[float | None]:
    areas = (breakdown or {}).get("areas") or {}
    values = []
    for index, name in enumerate(area_names):
        data = areas.get(name) or areas.get(str(index + 1)) or {}
        score = data.get("score") if isinstance(data, dict) else None
        values.append(float(score) if score is not None else None)
    return values


def _batch_rows(units: list[tuple], period: Period, area_names: tuple[str, ...], now: Any) -> list[UnitPeriodRollup]:
    ids = [u[0] for u in units]
    assessments = {
        uid: status
        for uid, status in Assessment.objects.filter(unit_id__in=ids, period=period).values_list("unit_id", "status")
    }
    scores = {
        row[0]: row[1:]
        for row in LaneScore.objects.filter(
            assessment__unit_id__in=ids, assessment__period=period, lane=Lane.SELF
        ).values_list(
            "assessment__unit_id", "total", "pengungkit", "hasil", "eligible_wbk", "eligible_wbbm", "breakdown"
        )
    }
    surveys = facts_mod.survey_indices_many(ids, period)
    complaints = facts_mod.complaint_counts_many(ids, period)
    activities = dict(
        Activity.objects.filter(unit_id__in=ids, period=period).values_list("unit_id").annotate(n=Count("pk"))
    )
    innovations = dict(
        Innovation.objects.filter(unit_id__in=ids, started_on__range=(period.starts_on, period.ends_on))
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    journeys = {
        uid: (state, predicate)
        for uid, state, predicate in Journey.objects.filter(unit_id__in=ids, period=period).values_list(
            "unit_id", "state", "awarded_predicate"
        )
    }
    participating = [uid for uid in ids if uid in assessments]
    warning_facts = facts_mod.warning_facts_many(participating, period, now=now) if participating else {}
    config = rules()
    rows = []
    for uid, path, depth, agency_id, unit_type_id, builds_zi in units:
        score = scores.get(uid)
        areas = _area_values(score[5], area_names) if score else [None] * 6
        codes = [w.code for w in evaluate(warning_facts[uid], config)] if uid in warning_facts else []
        state, predicate = journeys.get(uid, ("", ""))
        row = UnitPeriodRollup(
            unit_id=uid,
            period_id=period.pk,
            path=path,
            depth=depth,
            agency_id=agency_id,
            unit_type_id=unit_type_id,
            builds_zi=builds_zi,
            participates=uid in assessments,
            status=assessments.get(uid, ""),
            total=score[0] if score else None,
            pengungkit=score[1] if score else None,
            hasil=score[2] if score else None,
            eligible_wbk=bool(score and score[3]),
            eligible_wbbm=bool(score and score[4]),
            ikm=surveys[uid]["ikm"],
            ipak=surveys[uid]["ipak"],
            ipkp=surveys[uid]["ipkp"],
            respondents=surveys[uid]["respondents"],
            complaints=complaints[uid]["total"],
            complaints_resolved=complaints[uid]["resolved"],
            complaints_overdue=complaints[uid]["overdue"],
            activities=activities.get(uid, 0),
            innovations=innovations.get(uid, 0),
            stage=state,
            stage_rank=STAGE_RANK.get(state, 0),
            predicate=predicate if state in HELD_STATES else "",
            warnings=codes,
            warning_count=len(codes),
            refreshed_at=now,
        )
        for field, value in zip(AREA_FIELDS, areas, strict=False):
            setattr(row, field, value)
        rows.append(row)
    return rows


def rollup_refresh(*, period: Period, units: Iterable[int] | None = None, actor: Any = None) -> int:
    """Recompute the rollup rows of ``period`` for all units (or the given unit ids), set-based: per batch of
    :data:`BATCH_SIZE` units a fixed number of aggregate queries and one upsert. Returns the number of rows."""
    queryset = Unit.objects.filter(is_active=True)
    if units is not None:
        queryset = queryset.filter(pk__in=list(units))
    unit_rows = list(
        queryset.order_by("pk").values_list("pk", "path", "depth", "agency_id", "unit_type_id", "unit_type__builds_zi")
    )
    area_names = template_spec(period.template).area_names
    now = timezone.now()
    count = 0
    for start in range(0, len(unit_rows), BATCH_SIZE):
        batch = unit_rows[start : start + BATCH_SIZE]
        rows = _batch_rows(batch, period, area_names, now)
        with transaction.atomic():
            UnitPeriodRollup.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["unit", "period"], update_fields=_UPDATE_FIELDS
            )
        count += len(rows)
    with transaction.atomic():
        if units is None:  # units deactivated since the last refresh leave the dashboards
            UnitPeriodRollup.objects.filter(period=period).exclude(refreshed_at=now).delete()
        summaries_refresh(period=period)
        audit.record(actor, "refresh", period, after={"rollup_rows": count, "all_units": units is None})
    bump_rollup_version()  # cached dashboards of the old rollup are stale now (a rollback only costs a recompute)
    return count


def summaries_refresh(*, period: Period) -> int:
    """Rebuild the :class:`PeriodSummary` rows of ``period`` from its rollup: three ``GROUP BY`` aggregates over the
    period's rows (the whole period, per agency, per unit type of units that build ZI) with the expressions the
    dashboards use, then one insert of the few resulting rows. Part of :func:`rollup_refresh`; call it directly
    after writing rollup rows any other way. Returns the number of summary rows."""
    qs = UnitPeriodRollup.objects.filter(period=period)
    total = qs.aggregate(rows=Count("pk"), **{**summary_aggregates(), **_GROUP_AGGS})
    if total["refreshed_at"] is not None:
        total["refreshed_at"] = total["refreshed_at"].isoformat()
    rows = [PeriodSummary(period=period, level=PeriodSummary.ALL, units=total["units"], data=total)]
    rows += [
        PeriodSummary(period=period, level=PeriodSummary.AGENCY, agency_id=r.pop("agency_id"), units=r["units"], data=r)
        for r in qs.values("agency_id").annotate(**_GROUP_AGGS).order_by()
    ]
    rows += [
        PeriodSummary(
            period=period, level=PeriodSummary.TYPE, unit_type_id=r.pop("unit_type_id"), units=r["units"], data=r
        )
        for r in qs.filter(builds_zi=True).values("unit_type_id").annotate(**_COVERAGE_AGGS).order_by()
    ]
    with transaction.atomic():
        PeriodSummary.objects.filter(period=period).delete()
        PeriodSummary.objects.bulk_create(rows)
    return len(rows)


def rollup_refresh_all(*, actor: Any = None) -> dict[int, int]:
    """Refresh every period (what ``zi insights refresh`` does without ``--year``)."""
    return {p.year: rollup_refresh(period=p, actor=actor) for p in Period.objects.order_by("year")}
