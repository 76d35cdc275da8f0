from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zi.workflow"
    label = "workflow"
