"""Pages of the building work, one module per record family. Thin: scope with selectors/``may``, shape input with
forms, write with services. The URLconf reads the views from this package."""

from zi.programme.views.activities import (
    activity_attendance,
    activity_create,
    activity_detail,
    activity_edit,
    activity_photo,
    activity_photo_add,
    activity_photo_withdraw,
)
from zi.programme.views.change_agents import agent_create, agent_edit, change_create, change_edit
from zi.programme.views.common import SUGGESTED_CODES
from zi.programme.views.complaints import (
    complaint_action_delete,
    complaint_action_edit,
    complaint_create,
    complaint_detail,
    complaint_edit,
    complaint_photo,
)
from zi.programme.views.downloads import complaints_export
from zi.programme.views.evidence import attach_evidence
from zi.programme.views.innovations import innovation_create, innovation_detail, innovation_edit, innovation_list
from zi.programme.views.overview import unit_overview
from zi.programme.views.public import complaint_public, public_sent, track
from zi.programme.views.public_services import service_edit, service_list
from zi.programme.views.workplan import plan_item_create, plan_item_edit, workplan_create, workplan_edit

__all__ = [
    "SUGGESTED_CODES",
    "activity_attendance",
    "activity_create",
    "activity_detail",
    "activity_edit",
    "activity_photo",
    "activity_photo_add",
    "activity_photo_withdraw",
    "agent_create",
    "agent_edit",
    "attach_evidence",
    "change_create",
    "change_edit",
    "complaint_action_delete",
    "complaint_action_edit",
    "complaint_create",
    "complaint_detail",
    "complaint_edit",
    "complaint_photo",
    "complaint_public",
    "complaints_export",
    "innovation_create",
    "innovation_detail",
    "innovation_edit",
    "innovation_list",
    "plan_item_create",
    "plan_item_edit",
    "public_sent",
    "service_edit",
    "service_list",
    "track",
    "unit_overview",
    "workplan_create",
    "workplan_edit",
]
