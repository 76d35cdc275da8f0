"""Demo post-predicate monitoring: TPI reports, a TPN field check, internal surveys after the predicate and
complaints, so that the "Pemantauan pasca-predikat" page shows at least one holder at risk for each reason.

Runs after the register, the surveys and the journeys are seeded, and works on whichever units hold a predicate
then (the demo story decides who they are): each reason goes to a different holder where there are enough,

- **report overdue**: the holder with the oldest decree gets no report for the last two years;
- **revocation recommended**: a TPN field check a month ago that recommends revocation;
- **index falling**: the internal survey of the previous period (a closed period, created if missing) was better
  than this period's value (the unit's own campaigns; a recorded internal value where it has none and takes no part
  in this year's LKE);
- **complaints rising**: complaints through the public form until there are more than a year earlier.

The other holders get a recent TPI report that finds the predicate kept. Every date lies between the decree and
today. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext

from zi.assessments.models import Assessment, Period
from zi.demo.workflow import previous_period
from zi.insights.services import rollup_refresh
from zi.organisations.models import Unit
from zi.predicates.models import Award
from zi.predicates.selectors import held_awards
from zi.programme import services as programme_services
from zi.programme.models import ComplaintCategory
from zi.programme.selectors import complaint_counts_many
from zi.surveys import services as survey_services
from zi.surveys.models import ExternalIndex
from zi.surveys.unit_indices import survey_index_dicts
from zi.workflow import monitoring, monitoring_services
from zi.workflow.models import FieldCheck, MonitoringRecommendation, MonitoringReport, MonitoringResult

ACTOR = "seed_demo"
SOURCE = "Survei internal pasca-predikat (TPI, demo)"
# a small valid PDF: the report file goes through the evidence checks like an upload
REPORT_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RISING_SUBJECTS = [
    "Diminta uang tambahan untuk mempercepat layanan",
    "Petugas loket meminta imbalan",
    "Calo menawarkan jalur cepat di depan kantor",
    "Antrean diserobot kenalan petugas",
]


def _report_file(award: Award, day: dt.date) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"laporan-pemantauan-{award.unit.code}-{day:%Y%m%d}.pdf", REPORT_PDF)


def _pick(awards: list[Award], used: set[int], fits: Callable[[Award], bool]) -> Award | None:
    """The first holder that fits and has no reason yet; else the first that fits."""
    fitting = [a for a in awards if fits(a)]
    fresh = [a for a in fitting if a.pk not in used]
    chosen = next(iter(fresh or fitting), None)
    if chosen is not None:
        used.add(chosen.pk)
    return chosen


def _index_falling(award: Award, period: Period, today: dt.date) -> bool:
    before = previous_period(period, actor=None, self_assessment_deadline=dt.date(period.year - 1, 12, 15))
    if ExternalIndex.objects.filter(unit=award.unit, period=before).exists():
        return False
    now = survey_index_dicts([award.unit_id], period)[award.unit_id]
    values: dict[str, Any] = {kind: now.get(kind) for kind in ("ipak", "ipkp")}
    if any(v is None for v in values.values()):
        if Assessment.objects.filter(unit=award.unit, period=period).exists():
            return False  # an internal value would change this year's LKE
        values = {"ipak": 3.48, "ipkp": 3.31}
        for kind, value in values.items():
            survey_services.external_index_record(
                actor=ACTOR, unit=award.unit, period=period, kind=kind, value=value, source=SOURCE, respondents=64
            )
    earlier = {"ipak": min(3.95, values["ipak"] + 0.18), "ipkp": min(3.95, values["ipkp"] + 0.15)}
    for kind, value in earlier.items():
        survey_services.external_index_record(
            actor=ACTOR,
            unit=award.unit,
            period=before,
            kind=kind,
            value=f"{value:.2f}",
            source=SOURCE.replace("demo", f"demo {before.year}"),
            respondents=71,
        )
    # the period's rollup (with the value just recorded), so the dashboards' summaries cover every period
    rollup_refresh(period=before, actor=ACTOR)
    return True


def _complaints_rising(award: Award, period: Period, today: dt.date) -> int:
    now, before = monitoring.complaint_windows(period, today)
    counts_now = complaint_counts_many([award.unit_id], now)[award.unit_id]["total"]
    counts_before = complaint_counts_many([award.unit_id], before)[award.unit_id]["total"]
    needed = max(int(monitoring.thresholds()["complaints_rising_min"]), counts_before + 1) - counts_now
    for index in range(max(0, needed)):
        programme_services.complaint_submit_public(
            unit=award.unit,
            category=ComplaintCategory.PUNGLI,
            subject=RISING_SUBJECTS[index % len(RISING_SUBJECTS)],
            description="Disampaikan melalui formulir pengaduan daring (demo pemantauan pasca-predikat).",
        )
    return max(0, needed)


def seed_monitoring(stdout: Any = None, *, today: dt.date | None = None) -> dict[str, int]:
    """Record the demo's monitoring; returns what was added."""
    today = today or timezone.localdate()
    period = Period.objects.filter(year__lte=today.year).order_by("-year").first()
    held = held_awards(Unit.objects.filter(is_active=True), on=today)
    awards = sorted(
        Award.objects.filter(pk__in=[a.pk for a in held.values()]).select_related("unit"),
        key=lambda a: (a.decree_date, a.unit.path),
    )
    made = {"reports": 0, "checks": 0, "indices": 0, "complaints": 0}
    if period is None or not awards or MonitoringReport.objects.exists() or FieldCheck.objects.exists():
        return made
    every = int(monitoring.thresholds()["report_every_years"])
    used: set[int] = set()
    overdue = _pick(awards, used, lambda a: monitoring.anniversary(a.decree_date, every) < today)
    month_ago = today - dt.timedelta(days=30)
    revoke = _pick(awards, used, lambda a: a.decree_date <= month_ago)
    falling = _pick(awards, used, lambda a: a.year < period.year)
    if falling is not None and _index_falling(falling, period, today):
        made["indices"] += 1
    rising = _pick(awards, used, lambda a: True)
    if rising is not None:
        made["complaints"] += _complaints_rising(rising, period, today)
    if revoke is not None:
        monitoring_services.field_check_record(
            actor=ACTOR,
            award=revoke,
            check_date=month_ago,
            result=MonitoringResult.NOT_MAINTAINED,
            recommendation=MonitoringRecommendation.REVOKE,
            findings="Pemeriksaan lapangan menemukan pungutan pada layanan dan tindak lanjut pengaduan yang tidak "
            "tuntas; TPN merekomendasikan pencabutan predikat (demo).",
            today=today,
        )
        made["checks"] += 1
    for award in awards:
        if overdue is not None and award.pk == overdue.pk:
            # its last report is more than two years old (or it never had one)
            day = monitoring.anniversary(award.decree_date, every) - dt.timedelta(days=20)
            if monitoring.anniversary(day, every) < today and day > award.decree_date:
                result, recommendation = MonitoringResult.MAINTAINED, MonitoringRecommendation.KEEP
            else:
                continue
        else:
            if monitoring.anniversary(award.decree_date, every) - dt.timedelta(days=90) > today:
                continue  # a recent decree: no report needed yet
            day = max(award.decree_date, today - dt.timedelta(days=75))
            result, recommendation = MonitoringResult.MAINTAINED, MonitoringRecommendation.KEEP
            if falling is not None and award.pk == falling.pk:
                result, recommendation = MonitoringResult.NEEDS_IMPROVEMENT, MonitoringRecommendation.COACHING
            if revoke is not None and award.pk == revoke.pk:
                day = max(award.decree_date, month_ago - dt.timedelta(days=60))  # before the field check
        monitoring_services.report_record(
            actor=ACTOR,
            award=award,
            report_date=day,
            result=result,
            recommendation=recommendation,
            summary="Survei internal, penanganan pengaduan dan inovasi layanan dipantau TPI (demo).",
            uploaded_file=_report_file(award, day),
            today=today,
        )
        made["reports"] += 1
    if stdout is not None:
        stdout.write(
            gettext(
                "Pemantauan pasca-predikat: %(reports)d laporan TPI, %(checks)d pemeriksaan lapangan TPN, "
                "%(indices)d survei pembanding, %(complaints)d pengaduan."
            )
            % made
        )
    return made
