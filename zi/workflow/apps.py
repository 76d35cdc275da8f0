from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zi.workflow"
    label = "workflow"

    def ready(self) -> None:
        from zi.assessments.panels import register_worksheet_panel
        from zi.core.home import register_panel
        from zi.workflow.home import without_team_panel
        from zi.workflow.returns import worksheet_panel

        register_panel(without_team_panel)
        register_worksheet_panel(worksheet_panel)
