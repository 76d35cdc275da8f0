"""How the audit trail names the assessments' records whose ``str()`` is a key ("12/self/106"): by question, lane
and unit, one query per type and page (registered in ``AssessmentsConfig.ready``)."""

from __future__ import annotations

from zi.assessments.models import Answer, LaneScore, lane_label


def answer_names(ids: list[str]) -> dict[int, str]:
    """{answer id: "A.I.1.i.a · Penilaian mandiri · Lapas Kelas I Palembang"}."""
    answers = Answer.objects.filter(pk__in=ids).select_related("question", "assessment__unit")
    return {a.pk: f"{a.question.code} · {lane_label(a.lane)} · {a.assessment.unit.name}" for a in answers}


def lane_score_names(ids: list[str]) -> dict[int, str]:
    """{score id: "Penilaian mandiri · Lapas Kelas I Palembang"}."""
    scores = LaneScore.objects.filter(pk__in=ids).select_related("assessment__unit")
    return {s.pk: f"{lane_label(s.lane)} · {s.assessment.unit.name}" for s in scores}
