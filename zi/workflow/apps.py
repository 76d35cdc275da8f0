from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zi.workflow"
    label = "workflow"

    def ready(self) -> None:
        # lazy: models load once the app registry is ready (AppConfig.ready)
        from zi.assessments import stages
        from zi.assessments.panels import register_worksheet_panel
        from zi.assessments.submission import register
        from zi.core.home import register_inbox
        from zi.core.labels import register_live_names
        from zi.workflow import services
        from zi.workflow.audit_names import NAMERS
        from zi.workflow.home import workflow_inbox
        from zi.workflow.presubmit import journey_items
        from zi.workflow.returns import worksheet_panel

        register_inbox(workflow_inbox)
        register_worksheet_panel(worksheet_panel)
        register(journey_items)  # carried-over answers and preconditions in the one pre-submit check
        for object_type, namer in NAMERS.items():  # the audit trail names these records by unit and question
            register_live_names(object_type, namer)
        # The state lives on the assessment (zi.assessments.stages); the workflow owns its moves and its rules:
        stages.register_on_open(services.journeys_open)  # every assessment has its journey from the start
        stages.register_lane_guard(services.tpi_lane_guard)  # TPI team and conflict of interest
        stages.register_submitter(services.submit_lke)  # submission is the journey's submission move
