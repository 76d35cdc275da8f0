from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zi.workflow"
    label = "workflow"

    def ready(self) -> None:
        from zi.core.home import register_inbox
        from zi.workflow.home import workflow_inbox

        register_inbox(workflow_inbox)
