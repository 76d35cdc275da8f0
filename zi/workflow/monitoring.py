"""Post-predicate monitoring (pemantauan pasca-predikat, P90 Bab IV; regulation.md §4.1 stage 13).

A unit that holds a predicate (the predicate register, :mod:`zi.predicates`) keeps being watched: the TPI reports
on it at least every two years (:class:`~zi.workflow.models.MonitoringReport`), the TPN checks it in the field
(:class:`~zi.workflow.models.FieldCheck`) and either may recommend revocation; its internal surveys after the
predicate (:mod:`zi.surveys.unit_indices`) and the maladministration complaints against it
(:mod:`zi.programme`) are compared with the thresholds in ``data/monitoring.yaml`` and with the award year. Any
reason puts the holder on the "holders at risk" list that leaders and TPI see. Reads only (the records are
written by :mod:`zi.workflow.monitoring_services`), in a fixed number of queries for any number of holders.

This lives in ``workflow`` and not in ``predicates`` because it reads surveys and programme, which sit above the
register in the layers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from zi.assessments.models import Period
from zi.core.actors import Actor
from zi.organisations.access import Action, restrict
from zi.organisations.models import Unit
from zi.predicates.models import Award, Predicate
from zi.predicates.selectors import held_awards
from zi.programme.selectors import complaint_counts_many
from zi.surveys.unit_indices import survey_index_dicts
from zi.workflow.models import FieldCheck, Journey, MonitoringRecommendation, MonitoringReport

DATA = Path(__file__).resolve().parent / "data" / "monitoring.yaml"
LKE_INDICES = (("ipak", "IPAK"), ("ipkp", "IPKP"))

# reason codes (stable, for filters and tests); the text shown is the reason's own
INDEX_BELOW = "index_below"
INDEX_FALLING = "index_falling"
COMPLAINTS_OVERDUE = "complaints_overdue"
COMPLAINTS_RISING = "complaints_rising"
REPORT_OVERDUE = "report_overdue"
REVOCATION_RECOMMENDED = "revocation_recommended"


def _num(value: float) -> str:
    """Two decimals in the reader's format (3,60 in Indonesian, 3.60 in English), as the pages show indices."""
    return formats.number_format(value, 2)


@lru_cache(maxsize=1)
def thresholds() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def watched_units(user: Actor) -> Any:
    """The units whose holders ``user`` may watch (dashboard or TPI scope)."""
    return restrict(Unit.objects.all(), user, Action.MONITORING_VIEW)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass
class WatchRow:
    award: Award
    indices: dict[str, Any]
    baseline: dict[str, Any] | None  # the indices at the award (see :func:`index_baseline`), with its "year"
    complaints: dict[str, int]
    complaints_before: dict[str, int]  # the same months a year earlier
    reports: list[MonitoringReport]
    checks: list[FieldCheck]
    report_due: dt.date | None
    report_status: str  # "ok" | "due" | "overdue" | "waived"
    reasons: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def unit(self) -> Unit:
        return self.award.unit

    @property
    def predicate(self) -> str:
        return self.award.predicate

    @property
    def last_report(self) -> MonitoringReport | None:
        return self.reports[0] if self.reports else None

    @property
    def last_check(self) -> FieldCheck | None:
        return self.checks[0] if self.checks else None

    @property
    def reason_texts(self) -> list[str]:
        return [r.text for r in self.reasons]

    @property
    def reason_codes(self) -> set[str]:
        return {r.code for r in self.reasons}


# --- one function per fact ---------------------------------------------------------------------------------------


def anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def report_due_date(award: Award, reports: list[MonitoringReport]) -> dt.date:
    """The next two-yearly TPI report falls due ``report_every_years`` after the last report (or the decree)."""
    last = max((r.report_date for r in reports), default=award.decree_date)
    return anniversary(max(last, award.decree_date), int(thresholds()["report_every_years"]))


def report_status(due: dt.date, today: dt.date, *, waived: bool = False) -> str:
    """``overdue`` after the due date, ``due`` within ``report_due_soon_days`` of it, else ``ok``; ``waived`` when
    the WBK holder was proposed for WBBM in the span (P90 Bab IV: the report is for units not proposed)."""
    if waived:
        return "waived"
    if today > due:
        return "overdue"
    if today >= due - dt.timedelta(days=int(thresholds()["report_due_soon_days"])):
        return "due"
    return "ok"


def index_below_reasons(predicate: str, indices: dict[str, Any]) -> list[Reason]:
    """IPAK/IPKP under the passing lines of the predicate held, and the IKM under its floor."""
    limits = thresholds()
    need = limits["indices"].get(predicate, limits["indices"]["WBK"])
    reasons = []
    for key, label in LKE_INDICES:
        value = indices.get(key)
        if value is not None and value < float(need[key]):
            text = _("%(index)s %(value)s di bawah ambang %(need)s untuk %(predicate)s.") % {
                "index": label,
                "value": _num(value),
                "need": _num(float(need[key])),
                "predicate": predicate,
            }
            reasons.append(Reason(INDEX_BELOW, text))
    ikm = indices.get("ikm")
    if ikm is not None and ikm < float(limits["ikm_min"]):
        text = _("IKM %(value)s di bawah %(need)s (mutu pelayanan B).") % {
            "value": _num(ikm),
            "need": _num(float(limits["ikm_min"])),
        }
        reasons.append(Reason(INDEX_BELOW, text))
    return reasons


def missing_survey_notes(indices: dict[str, Any]) -> list[str]:
    """No internal survey yet in the period: shown as a note, not a risk (the year may have just begun)."""
    return [
        _("Belum ada hasil survei %(index)s pada periode ini.") % {"index": label}
        for key, label in LKE_INDICES
        if indices.get(key) is None
    ]


def index_falling_reasons(indices: dict[str, Any], baseline: dict[str, Any] | None, year: int) -> list[Reason]:
    """IPAK/IPKP of the period lower than at the award by more than ``index_fall_min``."""
    if not baseline:
        return []
    margin = float(thresholds()["index_fall_min"])
    reasons = []
    for key, label in LKE_INDICES:
        now, then = indices.get(key), baseline.get(key)
        if now is not None and then is not None and now < then - margin:
            text = _("%(index)s turun dari %(then)s (%(then_year)s) menjadi %(now)s (%(year)s).") % {
                "index": label,
                "then": _num(then),
                "then_year": baseline["year"],
                "now": _num(now),
                "year": year,
            }
            reasons.append(Reason(INDEX_FALLING, text))
    return reasons


def complaint_reasons(complaints: dict[str, int]) -> list[Reason]:
    """Open complaints past their SLA, and too few resolved on time."""
    limits = thresholds()
    reasons = []
    if complaints["overdue"] > int(limits["complaints_overdue_max"]):
        text = _("%(count)s pengaduan terbuka melewati batas waktu layanan.") % {"count": complaints["overdue"]}
        reasons.append(Reason(COMPLAINTS_OVERDUE, text))
    if complaints["total"]:
        rate = complaints["on_time"] / complaints["total"]
        if rate < float(limits["complaints_on_time_min"]):
            text = _("Hanya %(rate)s pengaduan selesai tepat waktu (ambang %(need)s).") % {
                "rate": f"{rate:.0%}",
                "need": f"{float(limits['complaints_on_time_min']):.0%}",
            }
            reasons.append(Reason(COMPLAINTS_OVERDUE, text))
    return reasons


def complaints_rising_reasons(now: dict[str, int], before: dict[str, int]) -> list[Reason]:
    """More maladministration complaints than in the same months a year earlier (and at least
    ``complaints_rising_min``)."""
    if now["total"] > before["total"] and now["total"] >= int(thresholds()["complaints_rising_min"]):
        text = _("Pengaduan naik dari %(before)s menjadi %(now)s dibanding periode yang sama tahun lalu.") % {
            "before": before["total"],
            "now": now["total"],
        }
        return [Reason(COMPLAINTS_RISING, text)]
    return []


def report_reasons(due: dt.date, status: str) -> list[Reason]:
    if status != "overdue":
        return []
    text = _("Laporan pemantauan %(years)s tahunan TPI terlambat sejak %(date)s.") % {
        "years": thresholds()["report_every_years"],
        "date": f"{due:%d-%m-%Y}",
    }
    return [Reason(REPORT_OVERDUE, text)]


def revocation_reasons(reports: list[MonitoringReport], checks: list[FieldCheck]) -> list[Reason]:
    """The latest report or field check (by its date) recommends revocation."""
    dated: list[tuple[dt.date, int, Any]] = [(r.report_date, 0, r) for r in reports]
    dated += [(c.check_date, 1, c) for c in checks]
    if not dated:
        return []
    day, is_check, latest = max(dated, key=lambda item: (item[0], item[1], item[2].pk))
    if latest.recommendation != MonitoringRecommendation.REVOKE:
        return []
    who = _("Pemeriksaan lapangan TPN") if is_check else _("Laporan pemantauan TPI")
    text = _("%(who)s tanggal %(date)s merekomendasikan pencabutan predikat.") % {"who": who, "date": f"{day:%d-%m-%Y}"}
    return [Reason(REVOCATION_RECOMMENDED, text)]


@dataclass(frozen=True)
class Window:
    """A span of days with the ``bounds()`` of a period (complaint counts take either)."""

    starts_on: dt.date
    ends_on: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.starts_on, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.ends_on, dt.time.max, tzinfo=tz),
        )


def complaint_windows(period: Period, today: dt.date) -> tuple[Window, Window]:
    """The period so far, and the same days a year earlier (a running year is compared with its own months)."""
    now = Window(period.starts_on, max(period.starts_on, min(period.ends_on, today)))
    before = Window(anniversary(now.starts_on, -1), anniversary(now.ends_on, -1))
    return now, before


def index_baseline(unit_id: int, award: Award, by_year: dict[int, dict[int, dict[str, Any]]], year: int) -> Any:
    """The indices at the award: the award year's survey, or the first one recorded after it (before ``year``) when
    the platform has none for that year. ``by_year``: period year → unit id → indices."""
    for candidate in sorted(y for y in by_year if award.year <= y < year):
        found = by_year[candidate].get(unit_id) or {}
        if any(found.get(key) is not None for key, _label in LKE_INDICES):
            return {**found, "year": candidate}
    return None


# --- the list ----------------------------------------------------------------------------------------------------


def predicate_watch(*, user: Actor, period: Period, today: dt.date | None = None) -> list[WatchRow]:
    """Every unit holding a predicate (today) within the user's dashboard or TPI scope, at-risk first."""
    today = today or timezone.localdate()
    held = held_awards(watched_units(user), on=today)
    if not held:
        return []
    awards = {a.pk: a for a in Award.objects.filter(pk__in=[a.pk for a in held.values()]).select_related("unit")}
    unit_ids = list(held)
    reports: dict[int, list[MonitoringReport]] = {}
    for report in MonitoringReport.objects.filter(award_id__in=awards).order_by("-report_date", "-pk"):
        reports.setdefault(report.award_id, []).append(report)
    checks: dict[int, list[FieldCheck]] = {}
    for check in FieldCheck.objects.filter(award_id__in=awards).order_by("-check_date", "-pk"):
        checks.setdefault(check.award_id, []).append(check)
    indices = survey_index_dicts(unit_ids, period)
    oldest = min(a.year for a in awards.values())
    by_year = {
        p.year: survey_index_dicts(unit_ids, p) for p in Period.objects.filter(year__gte=oldest, year__lt=period.year)
    }
    now, before = complaint_windows(period, today)
    complaints = complaint_counts_many(unit_ids, now)
    complaints_before = complaint_counts_many(unit_ids, before)
    proposed = set(
        Journey.objects.filter(
            unit_id__in=unit_ids, proposed_at__isnull=False, target_predicate=Predicate.WBBM
        ).values_list("unit_id", "period__year")
    )
    rows = []
    for uid, held_award in held.items():
        award = awards[held_award.pk]
        own_reports, own_checks = reports.get(award.pk, []), checks.get(award.pk, [])
        due = report_due_date(award, own_reports)
        waived = award.predicate == Predicate.WBK and any(u == uid and y > award.year for u, y in proposed)
        status = report_status(due, today, waived=waived)
        baseline = index_baseline(uid, award, by_year, period.year)
        row = WatchRow(
            award=award,
            indices=indices[uid],
            baseline=baseline,
            complaints=complaints[uid],
            complaints_before=complaints_before[uid],
            reports=own_reports,
            checks=own_checks,
            report_due=due,
            report_status=status,
        )
        row.reasons = [
            *revocation_reasons(own_reports, own_checks),
            *report_reasons(due, status),
            *index_falling_reasons(row.indices, baseline, period.year),
            *index_below_reasons(award.predicate, row.indices),
            *complaints_rising_reasons(row.complaints, row.complaints_before),
            *complaint_reasons(row.complaints),
        ]
        row.notes = missing_survey_notes(row.indices)
        rows.append(row)
    return sorted(rows, key=lambda r: (not r.at_risk, r.unit.path))


def holders_at_risk(
    user: Actor, period: Period, *, today: dt.date | None = None, under: Unit | None = None
) -> list[WatchRow]:
    """The holders in the user's scope (and in ``under``'s subtree, when given) with at least one reason (index
    falling or below the line, complaints rising or overdue, report overdue, revocation recommended), each with its
    reasons."""
    rows = predicate_watch(user=user, period=period, today=today)
    return [r for r in rows if r.at_risk and (under is None or r.unit.path.startswith(under.path))]


def award_records(award: Award) -> tuple[list[MonitoringReport], list[FieldCheck]]:
    """The award's monitoring reports and field checks, newest first."""
    reports = list(award.monitoring_reports.select_related("recorded_by").order_by("-report_date", "-pk"))
    checks = list(award.field_checks.select_related("recorded_by").order_by("-check_date", "-pk"))
    return reports, checks


def indices_over_time(award: Award) -> list[dict[str, Any]]:
    """The holder's internal survey indices and complaints per period since the award year, oldest first (the
    award page's table: what "falling" and "rising" compare)."""
    rows = []
    for period in Period.objects.filter(year__gte=award.year).order_by("year"):
        indices = survey_index_dicts([award.unit_id], period)[award.unit_id]
        complaints = complaint_counts_many([award.unit_id], period)[award.unit_id]
        rows.append({"period": period, "indices": indices, "complaints": complaints})
    return rows
