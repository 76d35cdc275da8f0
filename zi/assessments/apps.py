from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "zi.assessments"
    label = "assessments"

    def ready(self) -> None:
        from zi.assessments.models import Lane
        from zi.core.labels import register_key_values, register_live_names

        # the audit trail's words for lanes in bulk events ("lane", a copy "from"/"to") and the answers' names
        register_key_values(["lane", "from", "to"], Lane.choices)
        register_live_names("assessments.answer", answer_names)
        register_live_names("assessments.lanescore", lane_score_names)


def answer_names(ids: list[str]) -> dict[int, str]:
    """{answer id: "A.I.1.i.a · Penilaian mandiri · Lapas Kelas I Palembang"}: one query (the audit trail)."""
    from zi.assessments.models import Answer, lane_label

    answers = Answer.objects.filter(pk__in=ids).select_related("question", "assessment__unit")
    return {a.pk: f"{a.question.code} · {lane_label(a.lane)} · {a.assessment.unit.name}" for a in answers}


def lane_score_names(ids: list[str]) -> dict[int, str]:
    """{score id: "Penilaian mandiri · Lapas Kelas I Palembang"}: one query (the audit trail)."""
    from zi.assessments.models import LaneScore, lane_label

    scores = LaneScore.objects.filter(pk__in=ids).select_related("assessment__unit")
    return {s.pk: f"{lane_label(s.lane)} · {s.assessment.unit.name}" for s in scores}
