from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "zi.programme"
    label = "programme"

    def ready(self) -> None:
        # lazy: imports of models and services wait until AppConfig.ready, when the app registry is loaded
        from zi.assessments.known_values import register_record_inputs
        from zi.core.home import register_inbox
        from zi.programme.home import overdue_complaints
        from zi.programme.selectors import lke_inputs_for

        register_inbox(overdue_complaints)
        register_record_inputs(lke_inputs_for)  # the LKE's computed items, offered on the worksheet
