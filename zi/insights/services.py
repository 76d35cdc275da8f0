"""Writes of the insights app: rebuilding the per-unit rollup the dashboards read.

The rollup is derived data (like :class:`zi.assessments.models.LaneScore`): it is recomputed, never edited, so
refreshing it is not audited record by record; one audit event per refresh records who ran it and how many rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zi.assessments.models import Assessment, Lane, LaneScore, Period
from zi.assessments.stages import UNREGISTERED_STATES, status_for
from zi.core import audit
from zi.core.actors import Actor
from zi.insights import facts as facts_mod
from zi.insights.models import AREA_FIELDS, STAGE_RANK, PeriodSummary, UnitPeriodRollup
from zi.insights.rules import evaluate, rules
from zi.insights.selectors.aggregates import (
    COVERAGE_AGGS,
    GROUP_AGGS,
    path_prefix,
    summary_aggregates,
    summary_depth,
    summary_min_rows,
    value_rows,
)
from zi.insights.selectors.rollup_cache import bump_rollup_version
from zi.lke.scoring.breakdown import stored_area_scores
from zi.lke.services import template_spec, with_template
from zi.organisations.models import Unit
from zi.predicates.selectors import held_awards
from zi.programme.models import Activity, Innovation
from zi.programme.selectors import complaint_counts_many
from zi.surveys.unit_indices import survey_index_dicts
from zi.workflow.models import Journey

BATCH_SIZE = 2000
PARTIAL_SUMMARY_MAX_UNITS = 100  # more changed rows than this: rebuild the period's summaries whole
_UPDATE_FIELDS = [f.name for f in UnitPeriodRollup._meta.concrete_fields if f.name not in ("id", "unit", "period")]


def _batch_rows(
    units: list[tuple[Any, ...]], period: Period, area_names: tuple[str, ...], now: Any
) -> list[UnitPeriodRollup]:
    ids = [u[0] for u in units]
    assessments = {
        uid: status_for(state)
        for uid, state in Assessment.objects.filter(unit_id__in=ids, period=period).values_list("unit_id", "state")
    }
    scores = {
        row[0]: row[1:]
        for row in LaneScore.objects.filter(
            assessment__unit_id__in=ids, assessment__period=period, lane=Lane.SELF
        ).values_list(
            "assessment__unit_id", "total", "pengungkit", "hasil", "eligible_wbk", "eligible_wbbm", "breakdown"
        )
    }
    surveys = survey_index_dicts(ids, period)
    complaints = complaint_counts_many(ids, period)
    activities = dict(
        Activity.objects.filter(unit_id__in=ids, period=period).values_list("unit_id").annotate(n=Count("pk"))
    )
    innovations = dict(
        Innovation.objects.filter(unit_id__in=ids, started_on__range=(period.starts_on, period.ends_on))
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    journeys = dict(
        Journey.objects.filter(unit_id__in=ids, period=period)
        .exclude(assessment__state__in=UNREGISTERED_STATES)  # participation not registered yet: no stage
        .values_list("unit_id", "assessment__state")
    )
    # the predicate held (predicate register) at the period's end, or today while the period runs
    held = held_awards(ids, on=min(period.ends_on, timezone.localdate()))
    participating = [uid for uid in ids if uid in assessments]
    warning_facts = facts_mod.warning_facts_many(participating, period, now=now) if participating else {}
    config = rules()
    rows = []
    for uid, path, depth, agency_id, unit_type_id, builds_zi in units:
        score = scores.get(uid)
        areas = stored_area_scores(score[5], area_names) if score else [None] * 6
        codes = [w.code for w in evaluate(warning_facts[uid], config)] if uid in warning_facts else []
        state = journeys.get(uid, "")
        award = held.get(uid)
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
            predicate=award.predicate if award is not None else "",
            warnings=codes,
            warning_count=len(codes),
            refreshed_at=now,
        )
        for field, value in zip(AREA_FIELDS, areas, strict=False):
            setattr(row, field, value)
        rows.append(row)
    return rows


def rollup_refresh(*, period: Period, units: Iterable[int] | None = None, actor: Actor = None) -> int:
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
    rows = [_all_summary(qs, period)]
    rows += [
        PeriodSummary(period=period, level=PeriodSummary.AGENCY, agency_id=r.pop("agency_id"), units=r["units"], data=r)
        for r in value_rows(qs.values("agency_id").annotate(**GROUP_AGGS).order_by())
    ]
    rows += [
        PeriodSummary(
            period=period, level=PeriodSummary.TYPE, unit_type_id=r.pop("unit_type_id"), units=r["units"], data=r
        )
        for r in value_rows(qs.filter(builds_zi=True).values("unit_type_id").annotate(**COVERAGE_AGGS).order_by())
    ]
    rows += _node_summaries(qs, period)
    with transaction.atomic():
        PeriodSummary.objects.filter(period=period).delete()
        PeriodSummary.objects.bulk_create(rows)
    return len(rows)


def _all_summary(qs: Any, period: Period) -> PeriodSummary:
    total = qs.aggregate(rows=Count("pk"), **{**summary_aggregates(), **GROUP_AGGS})
    total["node_depth"] = summary_depth()  # nodes down to this depth have summaries (absent: written before 0005)
    if total["refreshed_at"] is not None:
        total["refreshed_at"] = total["refreshed_at"].isoformat()
    return PeriodSummary(period=period, level=PeriodSummary.ALL, units=total["units"], data=total)


def _summaries_refresh_for(*, period: Period, keys: set[tuple[str, int, int]]) -> int:
    """Rebuild only the :class:`PeriodSummary` rows that rollup rows with these ``(path, agency, unit type)`` keys
    count in: the period's ``all`` row, their agencies' and unit types' rows, and their ancestors' node rows (down
    to :func:`summary_depth`) — the same expressions as :func:`summaries_refresh`, over the same rows, so the
    numbers equal a full rebuild's. Falls back to the full rebuild when the period has no current summaries."""
    depth = summary_depth()
    current = PeriodSummary.objects.filter(period=period, level=PeriodSummary.ALL).only("data").first()
    if current is None or current.data.get("node_depth") != depth or len(keys) > PARTIAL_SUMMARY_MAX_UNITS:
        return summaries_refresh(period=period)  # (many units: a few GROUP BYs beat hundreds of prefix filters)
    qs = UnitPeriodRollup.objects.filter(period=period)
    agencies = sorted({agency for _path, agency, _type in keys})
    types = sorted({unit_type for _path, _agency, unit_type in keys})
    only: dict[int, set[str]] = {}
    for path, _agency, _type in keys:
        parts = path.strip("/").split("/")
        for level in range(min(depth + 1, len(parts))):
            only.setdefault(level, set()).add("/".join(parts[: level + 1]) + "/")
    rows = [_all_summary(qs, period)]
    rows += [
        PeriodSummary(period=period, level=PeriodSummary.AGENCY, agency_id=r.pop("agency_id"), units=r["units"], data=r)
        for r in value_rows(qs.filter(agency_id__in=agencies).values("agency_id").annotate(**GROUP_AGGS).order_by())
    ]
    rows += [
        PeriodSummary(
            period=period, level=PeriodSummary.TYPE, unit_type_id=r.pop("unit_type_id"), units=r["units"], data=r
        )
        for r in value_rows(
            qs.filter(builds_zi=True, unit_type_id__in=types)
            .values("unit_type_id")
            .annotate(**COVERAGE_AGGS)
            .order_by()
        )
    ]
    rows += _node_summaries(qs, period, only) if only else []
    paths = sorted(set().union(*only.values())) if only else []
    stale = (
        Q(level=PeriodSummary.ALL)
        | Q(level=PeriodSummary.AGENCY, agency_id__in=agencies)
        | Q(level=PeriodSummary.TYPE, unit_type_id__in=types)
        | Q(level__in=(PeriodSummary.NODE, PeriodSummary.NODE_TYPE, PeriodSummary.NODE_CHILD), path__in=paths)
    )
    with transaction.atomic():
        PeriodSummary.objects.filter(stale, period=period).delete()
        PeriodSummary.objects.bulk_create(rows)
    return len(rows)


def rollup_refresh_units(*, unit_ids: Iterable[int], period_id: int | None = None) -> int:
    """The incremental refresh after an event (:mod:`zi.core.events`): recompute the rollup rows of just these units
    in ``period_id`` (None: every period where they have rows) and the summaries those rows count in, then make the
    cached dashboards stale. A period whose rollup was never built is left to the full build (first view, the
    periodic task or ``zi insights refresh``): a rollup of one unit would show a dashboard of one unit.

    Not audited row by row, unlike :func:`rollup_refresh`: the rollup is derived data and the event that caused the
    refresh (a transition, an award, a complaint…) is in the audit trail already. Returns the rows written."""
    ids = sorted({int(pk) for pk in unit_ids})
    if not ids:
        return 0
    built = UnitPeriodRollup.objects.values("period_id")
    if period_id is not None:
        periods = Period.objects.filter(pk=period_id, pk__in=built)
    else:
        periods = Period.objects.filter(pk__in=UnitPeriodRollup.objects.filter(unit_id__in=ids).values("period_id"))
    unit_rows = list(
        Unit.objects.filter(pk__in=ids, is_active=True)
        .order_by("pk")
        .values_list("pk", "path", "depth", "agency_id", "unit_type_id", "unit_type__builds_zi")
    )
    if len(ids) > BATCH_SIZE:  # a bulk change (an import, a seeded demo): the set-based path in batches
        return sum(rollup_refresh(period=p, units=ids, actor="insights-events") for p in periods.order_by("year"))
    count = 0
    for period in with_template(periods).order_by("year"):
        old = UnitPeriodRollup.objects.filter(period=period, unit_id__in=ids)
        keys = set(old.values_list("path", "agency_id", "unit_type_id"))
        keys |= {(path, agency, unit_type) for _pk, path, _depth, agency, unit_type, _zi in unit_rows}
        area_names = template_spec(period.template).area_names
        rows = _batch_rows(unit_rows, period, area_names, timezone.now()) if unit_rows else []
        with transaction.atomic():
            old.exclude(unit_id__in=[u[0] for u in unit_rows]).delete()  # deactivated units leave the dashboards
            UnitPeriodRollup.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["unit", "period"], update_fields=_UPDATE_FIELDS
            )
            _summaries_refresh_for(period=period, keys=keys)
        count += len(rows)
    bump_rollup_version()
    return count


def _node_summaries(qs: Any, period: Period, only: dict[int, set[str]] | None = None) -> list[PeriodSummary]:
    """Per tree node at depth ≤ :func:`summary_depth` that has descendants in the period: its totals (like the
    ``all`` row; the node's trend), and for subtrees of at least :func:`summary_min_rows` rows (``detail``) also its
    coverage per unit type and its children's ranking columns — at most three ``GROUP BY`` over the period's rollup
    per depth, grouped by the ancestor's path (:func:`path_prefix`), so each node's numbers are the aggregates of
    exactly the rows under ``path LIKE 'node path%'`` that the computed dashboard reads. ``only`` (depth → node
    paths) limits it to those nodes' subtrees (the incremental refresh of one unit's ancestors)."""
    rows: list[PeriodSummary] = []
    min_rows = summary_min_rows()
    everything = qs
    for level in range(summary_depth() + 1):
        if only is not None:
            if not only.get(level):
                continue
            qs = everything.filter(reduce(or_, (Q(path__startswith=path) for path in sorted(only[level]))))
        # nodes with descendants first (one DISTINCT), so the heavy aggregate skips the leaves at this depth
        nodes = set(
            qs.filter(depth__gt=level).annotate(node=path_prefix(level)).values_list("node", flat=True).distinct()
        )
        if not nodes:
            if only is not None:
                continue  # this node has no descendants (any more): its summaries go
            break  # no row below this depth
        inside = qs.filter(Q(depth__gt=level) | Q(depth=level, path__in=sorted(nodes))).annotate(
            node=path_prefix(level)
        )
        parents: set[str] = set()
        totals = inside.values("node").annotate(
            rows=Count("pk"),
            descendants=Count("pk", filter=Q(depth__gt=level)),
            **{**summary_aggregates(), **GROUP_AGGS},
        )
        for r in totals.order_by():
            if not r.pop("descendants"):
                continue  # a leaf: its dashboard aggregates its own row
            r["detail"] = r["rows"] >= min_rows  # smaller subtrees: only the trend comes from here
            if r["detail"]:
                parents.add(r["node"])
            if r["refreshed_at"] is not None:
                r["refreshed_at"] = r["refreshed_at"].isoformat()
            rows.append(
                PeriodSummary(period=period, level=PeriodSummary.NODE, path=r.pop("node"), units=r["units"], data=r)
            )
        if not parents:
            continue
        within = reduce(or_, (Q(path__startswith=path) for path in sorted(parents)))  # at most rows / min_rows
        for r in (
            inside.filter(within, builds_zi=True).values("node", "unit_type_id").annotate(**COVERAGE_AGGS).order_by()
        ):
            if r["node"] in parents:
                path, type_id = r.pop("node"), r.pop("unit_type_id")
                rows.append(
                    PeriodSummary(
                        period=period,
                        level=PeriodSummary.NODE_TYPE,
                        path=path,
                        unit_type_id=type_id,
                        units=r["units"],
                        data=r,
                    )
                )
        children = (
            qs.filter(within, depth__gt=level)
            .annotate(node=path_prefix(level), child=path_prefix(level + 1))
            .values("node", "child")
            .annotate(**GROUP_AGGS)
            .order_by()
        )
        for r in children:
            if r["node"] not in parents:
                continue
            path = r.pop("node")
            r["child"] = int(r["child"][len(path) :].strip("/"))
            rows.append(
                PeriodSummary(period=period, level=PeriodSummary.NODE_CHILD, path=path, units=r["units"], data=r)
            )
    return rows


def summaries_refresh_stale() -> list[int]:
    """Summarise every period whose rollup has rows but whose summaries are missing or were written for another
    :func:`summary_depth` (after an upgrade, e.g. migration ``0005``, or a settings change): what ``migrate`` runs
    (``post_migrate``), so dashboards read summaries again without waiting for a refresh. Reads only the rollup
    (a few ``GROUP BY`` per period), never recomputes it. Returns the years summarised."""
    depth = summary_depth()
    current = {
        s.period_id
        for s in PeriodSummary.objects.filter(level=PeriodSummary.ALL).only("period_id", "data")
        if s.data.get("node_depth") == depth
    }
    with_rows = set(UnitPeriodRollup.objects.values_list("period_id", flat=True).distinct())
    stale = list(Period.objects.filter(pk__in=with_rows - current).order_by("year"))
    for period in stale:
        summaries_refresh(period=period)
    if stale:
        bump_rollup_version()
    return [p.year for p in stale]


def rollup_refresh_all(*, actor: Actor = None) -> dict[int, int]:
    """Refresh every period (what ``zi insights refresh`` does without ``--year``)."""
    return {p.year: rollup_refresh(period=p, actor=actor) for p in Period.objects.order_by("year")}
