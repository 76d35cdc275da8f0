from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "zi.assessments"
    label = "assessments"

    def ready(self) -> None:
        # lazy: models load once the app registry is ready (AppConfig.ready)
        from zi.assessments.audit_names import answer_names, lane_score_names
        from zi.assessments.models import Lane
        from zi.assessments.stages import State
        from zi.core.labels import register_key_values, register_live_names

        # the audit trail's words for lanes in bulk events ("lane", a copy "from"/"to") and the answers' names
        register_key_values(["lane", "from", "to"], Lane.choices)
        # the one state (kept on the assessment, shown in journeys' snapshots and moves "from"/"to")
        register_key_values(["state", "from", "to"], State.choices)
        register_live_names("assessments.answer", answer_names)
        register_live_names("assessments.lanescore", lane_score_names)
