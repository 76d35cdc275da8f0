from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zi.workflow"
    label = "workflow"

    def ready(self) -> None:
        from zi.core.home import register_panel
        from zi.workflow.home import without_team_panel

        register_panel(without_team_panel)
