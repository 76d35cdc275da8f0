"""Early warnings: the six ways building Zona Integritas fails (Inspektorat Jenderal Kemenkumham, Banten 2024),
each a pure function over plain :class:`UnitFacts` with thresholds from :data:`DEFAULT_RULES`.

Thresholds are judgement calls, not regulation: override any of them with the Django setting
``ZI_WARNING_RULES`` or the environment variable ``ZI_WARNING_RULES`` (JSON), e.g.
``{"rushed": {"min_months": 4}, "few_people": {"enabled": false}}`` — see ``docs/insights.md``.
The facts are gathered for many units at once by :func:`zi.insights.selectors.warning_facts_many`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    # 1. Built in a rush: submitted too soon after the first plan/activity/declaration ("June plan, August proposal").
    "rushed": {"enabled": True, "min_months": 6},
    # 2. No stakeholder input: no survey responses, complaints or public consultations in the period.
    "no_stakeholders": {"enabled": True, "min_inputs": 1},
    # 3. Paperwork only: evidence uploaded in a burst before submission, answers without activities, one file
    #    reused for many questions.
    "paperwork": {
        "enabled": True,
        "burst_days": 14,
        "burst_share": 0.7,
        "burst_min_revisions": 10,
        "max_areas_without_activity": 3,
        "max_questions_per_file": 5,
    },
    # 4. A few people doing everything: share of staff who attended activities or contributed answers/evidence.
    "few_people": {"enabled": True, "min_share": 0.3, "min_staff": 5},
    # 5. Innovations without a recorded need (or a need that looks written after the fact).
    "innovation_need": {"enabled": True, "min_need_chars": 40},
    # 6. Reward-chasing: the LKE score climbs while surveys and complaint handling do not.
    "reward_chasing": {"enabled": True, "min_score_gain": 5.0, "min_index_gain": 0.0, "min_rate_gain": 0.0},
}

ORDER = ("rushed", "no_stakeholders", "paperwork", "few_people", "innovation_need", "reward_chasing")

TITLES = {
    "rushed": _("Pembangunan ZI terburu-buru"),
    "no_stakeholders": _("Tanpa masukan pemangku kepentingan"),
    "paperwork": _("Hanya pemenuhan dokumen"),
    "few_people": _("Hanya dikerjakan segelintir orang"),
    "innovation_need": _("Inovasi tidak berdasar kebutuhan"),
    "reward_chasing": _("Mengejar predikat/tunjangan"),
}


def rules() -> dict[str, dict[str, Any]]:
    """The defaults merged with ``settings.ZI_WARNING_RULES`` and then the ``ZI_WARNING_RULES`` env JSON."""
    merged = {key: dict(value) for key, value in DEFAULT_RULES.items()}
    overrides: list[Any] = [getattr(settings, "ZI_WARNING_RULES", None)]
    raw = os.environ.get("ZI_WARNING_RULES", "").strip()
    if raw:
        overrides.append(json.loads(raw))
    for override in overrides:
        for key, values in (override or {}).items():
            if key in merged and isinstance(values, dict):
                merged[key].update(values)
    return merged


@dataclass
class InnovationFact:
    title: str
    started_on: dt.date
    need_chars: int
    complaint_received_on: dt.date | None = None


@dataclass
class UnitFacts:
    """Plain data about one unit in one period; everything the rules look at."""

    unit_id: int
    submitted_at: dt.datetime | None = None
    first_work_on: dt.date | None = None  # earliest work plan, activity or declaration
    survey_responses: int = 0
    complaints: int = 0
    consultations: int = 0
    evidence_revisions: int = 0
    evidence_in_burst: int = 0
    answered_areas: tuple[int, ...] = ()  # lever areas (1..6) with a positive self-assessment answer
    activity_areas: tuple[int, ...] = ()  # areas with at least one activity
    max_questions_per_file: int = 0
    staff: int = 0
    participants: int = 0
    innovations: list[InnovationFact] = field(default_factory=list)
    score_now: float | None = None
    score_before: float | None = None
    indices_now: dict[str, float | None] = field(default_factory=dict)  # ikm, ipak, ipkp
    indices_before: dict[str, float | None] = field(default_factory=dict)
    complaint_rate_now: float | None = None  # resolved on time ÷ received
    complaint_rate_before: float | None = None


@dataclass(frozen=True)
class Warning:
    code: str
    explanation: str
    details: dict[str, Any]

    @property
    def title(self) -> str:
        return str(TITLES[self.code])


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def check_rushed(f: UnitFacts, cfg: dict[str, Any]) -> Warning | None:
    if f.submitted_at is None:
        return None
    submitted = f.submitted_at.date()
    if f.first_work_on is None:
        return Warning(
            "rushed",
            str(_("LKE dikirim tanpa rencana kerja, kegiatan, atau pencanangan yang tercatat sebelumnya.")),
            {"submitted_on": submitted.isoformat()},
        )
    months = _months_between(f.first_work_on, submitted)
    if months >= cfg["min_months"]:
        return None
    return Warning(
        "rushed",
        str(
            _(
                "LKE dikirim %(months).1f bulan setelah pekerjaan pertama yang tercatat (%(start)s); kurang dari "
                "%(min)s bulan. Pembangunan ZI perlu proses perencanaan dan pelaksanaan yang cukup, bukan "
                "'Juni perencanaan, Agustus diajukan'."
            )
        )
        % {"months": months, "start": f.first_work_on.isoformat(), "min": cfg["min_months"]},
        {
            "months": round(months, 1),
            "first_work_on": f.first_work_on.isoformat(),
            "submitted_on": submitted.isoformat(),
        },
    )


def check_no_stakeholders(f: UnitFacts, cfg: dict[str, Any]) -> Warning | None:
    inputs = f.survey_responses + f.complaints + f.consultations
    if inputs >= cfg["min_inputs"]:
        return None
    return Warning(
        "no_stakeholders",
        str(
            _(
                "Tidak ada responden survei, pengaduan, atau konsultasi publik yang tercatat pada periode ini. "
                "Tanpa masukan pemangku kepentingan, pembangunan ZI tidak berdampak pada persepsi mereka."
            )
        ),
        {"survey_responses": f.survey_responses, "complaints": f.complaints, "consultations": f.consultations},
    )


def check_paperwork(f: UnitFacts, cfg: dict[str, Any]) -> Warning | None:
    reasons: list[str] = []
    details: dict[str, Any] = {}
    if f.evidence_revisions >= cfg["burst_min_revisions"]:
        share = f.evidence_in_burst / f.evidence_revisions
        details["burst_share"] = round(share, 2)
        if share >= cfg["burst_share"]:
            reasons.append(
                str(_("%(pct)d%% data dukung diunggah dalam %(days)s hari terakhir sebelum pengiriman."))
                % {"pct": round(share * 100), "days": cfg["burst_days"]}
            )
    missing = sorted(set(f.answered_areas) - set(f.activity_areas))
    details["areas_without_activity"] = missing
    if len(missing) >= cfg["max_areas_without_activity"]:
        reasons.append(
            str(_("%(n)s area perubahan dijawab tanpa satu pun kegiatan tercatat (area %(areas)s)."))
            % {"n": len(missing), "areas": ", ".join(str(a) for a in missing)}
        )
    details["max_questions_per_file"] = f.max_questions_per_file
    if f.max_questions_per_file >= cfg["max_questions_per_file"]:
        reasons.append(
            str(_("Berkas yang sama dipakai sebagai data dukung untuk %(n)s pertanyaan."))
            % {"n": f.max_questions_per_file}
        )
    if not reasons:
        return None
    lead = str(_("Tanda pembangunan ZI hanya sebagai pemenuhan dokumen:"))
    return Warning("paperwork", " ".join([lead, *reasons]), details)


def check_few_people(f: UnitFacts, cfg: dict[str, Any]) -> Warning | None:
    if f.staff < cfg["min_staff"]:
        return None
    share = f.participants / f.staff
    if share >= cfg["min_share"]:
        return None
    return Warning(
        "few_people",
        str(
            _(
                "Hanya %(n)s dari %(staff)s pegawai (%(pct)d%%) yang hadir dalam kegiatan atau mengisi jawaban/data "
                "dukung. Pembangunan ZI perlu melibatkan seluruh pegawai, bukan hanya tim kerja."
            )
        )
        % {"n": f.participants, "staff": f.staff, "pct": round(share * 100)},
        {"participants": f.participants, "staff": f.staff, "share": round(share, 2)},
    )


def check_innovation_need(f: UnitFacts, cfg: dict[str, Any]) -> Warning | None:
    flagged = []
    for item in f.innovations:
        if item.complaint_received_on is not None and item.complaint_received_on > item.started_on:
            flagged.append(
                str(_("'%(title)s' dimulai %(start)s, sebelum pengaduan yang dijadikan dasarnya (%(c)s)."))
                % {"title": item.title, "start": item.started_on.isoformat(), "c": item.complaint_received_on}
            )
        elif item.complaint_received_on is None and item.need_chars < cfg["min_need_chars"]:
            flagged.append(
                str(_("'%(title)s' hanya memiliki uraian kebutuhan %(n)s karakter."))
                % {"title": item.title, "n": item.need_chars}
            )
    if not flagged:
        return None
    lead = str(_("Inovasi perlu menjawab kebutuhan pemangku kepentingan atau masalah pelayanan yang tercatat:"))
    return Warning("innovation_need", " ".join([lead, *flagged]), {"innovations": len(flagged)})


def check_reward_chasing(f: UnitFacts, cfg: dict[str, Any]) -> Warning | None:
    if f.score_now is None or f.score_before is None:
        return None
    gain = f.score_now - f.score_before
    if gain < cfg["min_score_gain"]:
        return None
    improved = []
    for key in ("ikm", "ipak", "ipkp"):
        now, before = f.indices_now.get(key), f.indices_before.get(key)
        if now is not None and before is not None and now - before > cfg["min_index_gain"]:
            improved.append(key)
    rate_now, rate_before = f.complaint_rate_now, f.complaint_rate_before
    if rate_now is not None and rate_before is not None and rate_now - rate_before > cfg["min_rate_gain"]:
        improved.append("complaints")
    if improved:
        return None
    return Warning(
        "reward_chasing",
        str(
            _(
                "Nilai LKE naik %(gain).2f poin dari periode sebelumnya, tetapi indeks survei (IKM/IPAK/IPKP) dan "
                "penyelesaian pengaduan tidak membaik. Predikat tanpa perbaikan layanan tidak berarti bagi masyarakat."
            )
        )
        % {"gain": gain},
        {
            "score_now": f.score_now,
            "score_before": f.score_before,
            "indices_now": f.indices_now,
            "indices_before": f.indices_before,
            "complaint_rate_now": rate_now,
            "complaint_rate_before": rate_before,
        },
    )


CHECKS: dict[str, Callable[[UnitFacts, dict[str, Any]], Warning | None]] = {
    "rushed": check_rushed,
    "no_stakeholders": check_no_stakeholders,
    "paperwork": check_paperwork,
    "few_people": check_few_people,
    "innovation_need": check_innovation_need,
    "reward_chasing": check_reward_chasing,
}


def evaluate(facts: UnitFacts, config: dict[str, dict[str, Any]] | None = None) -> list[Warning]:
    """Every enabled rule that fires for ``facts``, in the order of the six patterns."""
    config = config or rules()
    found = []
    for code in ORDER:
        cfg = config[code]
        if not cfg.get("enabled", True):
            continue
        warning = CHECKS[code](facts, cfg)
        if warning is not None:
            found.append(warning)
    return found
