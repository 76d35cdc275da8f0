from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zi.workflow"
    label = "workflow"

    def ready(self) -> None:
        from zi.assessments import stages
        from zi.assessments.panels import register_worksheet_panel
        from zi.assessments.submission import register
        from zi.core.home import register_inbox
        from zi.workflow import services
        from zi.workflow.home import workflow_inbox
        from zi.workflow.presubmit import journey_items
        from zi.workflow.returns import worksheet_panel

        register_inbox(workflow_inbox)
        register_worksheet_panel(worksheet_panel)
        register(journey_items)  # carried-over answers and preconditions in the one pre-submit check
        # The state lives on the assessment (zi.assessments.stages); the workflow owns its moves and its rules:
        stages.register_on_open(services.journeys_open)  # every assessment has its journey from the start
        stages.register_lane_guard(services.tpi_lane_guard)  # TPI team and conflict of interest
        stages.register_submitter(services.submit_lke)  # submission is the journey's submission move
