"""The seeds' story in the demo (issue #21), after the journeys: what the other demo steps do not set on their own.

- **Pemprov Kalimantan Selatan**: 25 SKPD/UPT building ZI in 2026 (the Inspektorat's monitoring of early 2024:
  25 building, 228 not). "Building" on the dashboards is having a self-assessment in the period
  (``zi.insights.services``: ``participates``), so the 25 get a draft assessment; the other 228 units whose type
  builds ZI have none. They have recorded no survey or complaint yet, so the dashboards warn "no stakeholder input".
- **Kanwil Kemenkumham Sumatera Selatan**, the six early warnings each on a named satker, with the facts behind
  them (:data:`WARNING_EXAMPLES`):

  1. *rushed* — Lapas Kelas IIA Banyuasin declared in June and submitted in August (``zi.demo.workflow``);
  2. *no stakeholder input* — Lapas Kelas IIB Muara Enim, just declared, has no survey or complaint yet;
  3. *paperwork only* — Rutan Kelas IIB Prabumulih uploaded its evidence in the last days
     (``zi.demo.assessments.PAPERWORK_EXAMPLE``) and Lapas Kelas IIB Muara Enim answers without any activity;
  4. *a few people* — at LPKA Kelas I Palembang two of sixteen staff answer the LKE and nobody attends anything;
  5. *innovation without a need* — Banyuasin's application, "made for the evaluation";
  6. *reward-chasing* — Lapas Perempuan Kelas IIA Palembang: its LKE score climbs from 2025 while its survey indices
     fall (a 2025 self-assessment and survey are seeded here).

- **Submission dates**: the journeys submit "now"; the demo's submitted units sent their LKE in spring 2026 (Banyuasin
  in August), as the calendar has it, so the early warnings and the evidence spreading read a plausible year.

Idempotent: every step looks for what it made first. Deterministic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zi.assessments import services as assessment_services
from zi.assessments.models import Assessment, Lane, Period, Predicate
from zi.assessments.scoring import lane_rescore
from zi.core import audit
from zi.demo import surveys as demo_surveys
from zi.demo.workflow import SYSTEM, _previous_assessment, previous_period
from zi.organisations.models import Unit
from zi.programme import services as programme_services
from zi.programme.models import Innovation
from zi.surveys import rollups
from zi.surveys.models import Campaign
from zi.workflow.models import Journey

ACTOR = "seed_demo"

KALSEL = "PEMPROV-KALSEL"
# The province's revenue offices (UPT Samsat), one per place: the demo tree builds them (zi.demo.organisations)
# and the story has them all building ZI.
SAMSAT = [
    "Banjarmasin I",
    "Banjarmasin II",
    "Banjarbaru",
    "Martapura",
    "Pelaihari",
    "Marabahan",
    "Rantau",
    "Kandangan",
    "Barabai",
    "Amuntai",
    "Tanjung",
    "Paringin",
    "Kotabaru",
    "Batulicin",
]

KALSEL_BUILDING = [
    *(f"UPT Samsat {place}" for place in SAMSAT),
    "Badan Pendapatan Daerah",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "RSUD Ulin Banjarmasin",
    "RSUD Dr. H. Moch. Ansari Saleh Banjarmasin",
    "RSJ Sambang Lihum",
    "Dinas Kesehatan",
    "UPT Laboratorium Kesehatan Daerah",
    "UPT Pengujian Kendaraan Bermotor",
    "UPT Balai Latihan Kerja Banjarmasin",
    "Badan Kepegawaian Daerah",
    "Dinas Sosial",
]
KALSEL_BUILDING_COUNT = 25
KALSEL_NOT_BUILDING_COUNT = 228

RUSHED = "Lapas Kelas IIA Banyuasin"
NO_STAKEHOLDERS = "Lapas Kelas IIB Muara Enim"
PAPERWORK = "Rutan Kelas IIB Prabumulih"
FEW_PEOPLE = "LPKA Kelas I Palembang"
INNOVATION_NEED = "Lapas Kelas IIA Banyuasin"
REWARD_CHASING = "Lapas Perempuan Kelas IIA Palembang"
# early-warning code → the named demo unit it fires on (zi.insights.rules.ORDER)
WARNING_EXAMPLES = {
    "rushed": RUSHED,
    "no_stakeholders": NO_STAKEHOLDERS,
    "paperwork": PAPERWORK,
    "few_people": FEW_PEOPLE,
    "innovation_need": INNOVATION_NEED,
    "reward_chasing": REWARD_CHASING,
}

# When the demo's submitted units sent their 2026 LKE (month, day); Banyuasin two and a half months after its
# pencanangan of 8 June.
SUBMITTED_ON = {
    "Kanim Kelas I TPI Palembang": (3, 2),
    "Bapas Kelas I Palembang": (3, 9),
    "LPKA Kelas I Palembang": (3, 16),
    "Lapas Perempuan Kelas IIA Palembang": (3, 23),
    RUSHED: (8, 24),
}

# The reward-chasing example's 2025: a weaker self-assessment, better-perceived service than in 2026.
PREVIOUS_QUALITY = 0.45
PREVIOUS_SURVEY_QUALITY = 0.8
PREVIOUS_SURVEY_RESPONDENTS = 36


def seed_kalsel_building(period: Period) -> int:
    """Draft self-assessments for the 25 Kalsel units building ZI; returns how many were made."""
    units = list(Unit.objects.filter(agency__code=KALSEL, name__in=KALSEL_BUILDING).order_by("pk"))
    have = set(Assessment.objects.filter(period=period, unit__in=units).values_list("unit_id", flat=True))
    made = [
        Assessment(unit=unit, period=period, target_predicate=Predicate.WBK) for unit in units if unit.pk not in have
    ]
    if not made:
        return 0
    made = assessment_services.assessments_open(made)
    audit.record_many(ACTOR, [audit.Change("create", obj=a, after=audit.snapshot(a)) for a in made])
    for assessment in made:
        lane_rescore(assessment=assessment, lane=Lane.SELF)
    return len(made)


def date_submissions(period: Period) -> int:
    """Give the demo's submitted 2026 assessments their submission day (never in the future); returns how many."""
    now = timezone.now()
    tz = timezone.get_current_timezone()
    moved = 0
    for assessment in Assessment.objects.filter(
        period=period, unit__name__in=list(SUBMITTED_ON), submitted_at__isnull=False
    ).select_related("unit"):
        month, day = SUBMITTED_ON[assessment.unit.name]
        when = min(now, dt.datetime(period.year, month, day, 10, 0, tzinfo=tz))
        if assessment.submitted_at <= when:  # type: ignore[operator]  # filtered on submitted_at__isnull=False
            continue  # already dated (a second run changes nothing)
        before = audit.snapshot(assessment, ["submitted_at"])
        assessment.submitted_at = when
        assessment.save(update_fields=["submitted_at"])
        audit.record(ACTOR, "update", assessment, before=before, after=audit.snapshot(assessment, ["submitted_at"]))
        moved += 1
    return moved


def seed_innovation_without_need(period: Period) -> int:
    """Banyuasin's innovation, started for the evaluation with a one-line need (the fifth early warning)."""
    unit = Unit.objects.filter(name=INNOVATION_NEED).first()
    if unit is None or Innovation.objects.filter(unit=unit).exists():
        return 0
    programme_services.innovation_create(
        actor=SYSTEM,
        unit=unit,
        title="Aplikasi SI-BANYU (layanan informasi WBP)",
        beneficiaries="Keluarga WBP",
        started_on=min(timezone.localdate(), dt.date(period.year, 7, 20)),
        description="Aplikasi web informasi layanan, dibuat menjelang penilaian TPI.",
        problem_statement="Untuk penilaian ZI.",
    )
    return 1


def seed_reward_chasing(period: Period) -> int:
    """The reward-chasing example's 2025: a weaker submitted self-assessment and a better survey; returns 1 when
    made, 0 when it was there (or the unit has no 2026 journey)."""
    journey = Journey.objects.filter(period=period, unit__name=REWARD_CHASING).select_related("unit").first()
    if journey is None:
        return 0
    previous = previous_period(period)
    if Assessment.objects.filter(unit=journey.unit, period=previous).exists():
        return 0
    _previous_assessment(journey, previous, quality=PREVIOUS_QUALITY)
    if not Campaign.objects.filter(unit=journey.unit, period=previous).exists():
        tz = timezone.get_current_timezone()
        opens = dt.datetime(previous.year, 2, 3, 8, 0, tzinfo=tz)
        closes = dt.datetime(previous.year, 11, 28, 17, 0, tzinfo=tz)
        demo_surveys.seed_campaign(
            journey.unit,
            previous,
            demo_surveys.demo_instruments(),
            f"Survei IPAK, IPKP dan SKM {previous.year}",
            PREVIOUS_SURVEY_QUALITY,
            PREVIOUS_SURVEY_RESPONDENTS,
            (opens, closes, closes - dt.timedelta(hours=1)),
        )
        rollups.apply_pending()
    demo_surveys.align_lke_with_surveys(period=previous)  # 2025's LKE takes 2025's survey, like 2026's
    return 1


@transaction.atomic
def seed_story(stdout: Any = None) -> int:
    """Every step above for the demo period; returns how many records changed (0 on a second run)."""
    period = Period.objects.filter(year=demo_surveys.DEMO_YEAR).first()
    if period is None:
        return 0
    kalsel = seed_kalsel_building(period)
    changed = kalsel + date_submissions(period) + seed_innovation_without_need(period) + seed_reward_chasing(period)
    if stdout is not None and changed:
        stdout.write(
            gettext("Demo cerita: %(kalsel)d SKPD/UPT Kalsel membangun ZI; peringatan dini pada %(units)s.")
            % {"kalsel": kalsel, "units": ", ".join(sorted(set(WARNING_EXAMPLES.values())))}
        )
    return changed
