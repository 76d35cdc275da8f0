from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zi.workflow"
    label = "workflow"

    def ready(self) -> None:
        from zi.assessments.submission import register
        from zi.core.home import register_panel
        from zi.workflow.home import without_team_panel
        from zi.workflow.presubmit import journey_items

        register_panel(without_team_panel)
        register(journey_items)  # carried-over answers and preconditions in the one pre-submit check
