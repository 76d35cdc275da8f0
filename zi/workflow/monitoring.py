"""Post-predicate monitoring (pemantauan pasca-predikat, P90 Bab IV; regulation.md §4.1 stage 13).

A unit that holds a predicate (an awarded or monitored, not revoked journey) keeps being watched: each period's
survey indices (IPAK, IPKP, IKM) and complaint handling are compared with the thresholds in
``data/monitoring.yaml``, and the two-yearly monitoring report falls due. Any reason puts the unit on the
"predicate at risk" list that leaders and TPI see. Reads only; facts come from :mod:`zi.insights.facts`
(a fixed number of queries for any number of units).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q
from django.utils.translation import gettext as _

from zi.assessments.models import Period
from zi.organisations.access import Action, may, scope_filter
from zi.programme.selectors import complaint_counts_many
from zi.surveys.unit_indices import survey_index_dicts
from zi.workflow.models import Journey, State

DATA = Path(__file__).resolve().parent / "data" / "monitoring.yaml"
HELD_STATES = (State.AWARDED, State.MONITORED)


@lru_cache(maxsize=1)
def thresholds() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def may_view(user: Any) -> bool:
    """Leaders (dashboards) and TPI see the watch list, each within their own scope."""
    return may(user, Action.DASHBOARD_VIEW) or may(user, Action.TPI_SCORE)


@dataclass
class WatchRow:
    journey: Journey
    indices: dict[str, Any]
    complaints: dict[str, int]
    report_due: dt.date | None
    reasons: list[str] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def predicate(self) -> str:
        return self.journey.awarded_predicate or self.journey.target_predicate


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def reasons_for(predicate: str, indices: dict[str, Any], complaints: dict[str, int]) -> list[str]:
    """Every way the period's facts miss the monitoring thresholds (Indonesian, for the list)."""
    limits = thresholds()
    need = limits["indices"].get(predicate, limits["indices"]["WBK"])
    reasons = []
    for key, label in (("ipak", "IPAK"), ("ipkp", "IPKP")):
        value = indices.get(key)
        if value is None:
            reasons.append(_("Belum ada hasil survei %(index)s pada periode ini.") % {"index": label})
        elif value < float(need[key]):
            reasons.append(
                _("%(index)s %(value)s di bawah ambang %(need)s untuk %(predicate)s.")
                % {"index": label, "value": f"{value:.2f}", "need": f"{float(need[key]):.2f}", "predicate": predicate}
            )
    ikm = indices.get("ikm")
    if ikm is not None and ikm < float(limits["ikm_min"]):
        reasons.append(
            _("IKM %(value)s di bawah %(need)s (mutu pelayanan B).")
            % {"value": f"{ikm:.2f}", "need": f"{float(limits['ikm_min']):.2f}"}
        )
    if complaints["overdue"] > int(limits["complaints_overdue_max"]):
        reasons.append(
            _("%(count)s pengaduan terbuka melewati batas waktu layanan.") % {"count": complaints["overdue"]}
        )
    if complaints["total"]:
        rate = complaints["on_time"] / complaints["total"]
        if rate < float(limits["complaints_on_time_min"]):
            reasons.append(
                _("Hanya %(rate)s pengaduan selesai tepat waktu (ambang %(need)s).")
                % {"rate": f"{rate:.0%}", "need": f"{float(limits['complaints_on_time_min']):.0%}"}
            )
    return reasons


def predicate_watch(*, user: Any, period: Period, today: dt.date) -> list[WatchRow]:
    """Units holding a predicate within the user's dashboard or TPI scope, at-risk first.

    One row per unit: its latest awarded journey. Survey indices and complaints are those of ``period``."""
    scope = scope_filter(user, Action.DASHBOARD_VIEW) | scope_filter(user, Action.TPI_SCORE)
    journeys = (
        Journey.objects.filter(scope)
        .filter(Q(state__in=HELD_STATES), revoked_on__isnull=True)
        .select_related("unit", "period")
        .order_by("unit_id", "-decree_date", "-period__year")
    )
    latest: dict[int, Journey] = {}
    for journey in journeys:
        latest.setdefault(journey.unit_id, journey)
    unit_ids = list(latest)
    indices = survey_index_dicts(unit_ids, period)
    complaints = complaint_counts_many(unit_ids, period)
    proposed_since = set(
        Journey.objects.filter(unit_id__in=unit_ids, proposed_at__isnull=False).values_list("unit_id", "period__year")
    )
    every = int(thresholds()["report_every_years"])
    rows = []
    for uid, journey in latest.items():
        row = WatchRow(journey, indices[uid], complaints[uid], None)
        row.reasons = reasons_for(row.predicate, row.indices, row.complaints)
        if journey.decree_date is not None:
            row.report_due = _anniversary(journey.decree_date, every)
            renewed = any(u == uid and year > journey.period.year for u, year in proposed_since)
            if today >= row.report_due and not renewed:
                row.reasons.append(
                    _("Laporan pemantauan %(years)s tahunan jatuh tempo sejak %(date)s.")
                    % {"years": every, "date": f"{row.report_due:%d-%m-%Y}"}
                )
        rows.append(row)
    return sorted(rows, key=lambda r: (not r.at_risk, r.journey.unit.path))
