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
from zi.programme.views.common import SESSION_CODE_KEY, SUGGESTED_CODES
from zi.programme.views.complaints import (
    complaint_action_delete,
    complaint_action_edit,
    complaint_create,
    complaint_detail,
    complaint_edit,
    complaint_photo,
)
from zi.programme.views.downloads import export
from zi.programme.views.evidence import attach_evidence
from zi.programme.views.innovations import innovation_create, innovation_detail, innovation_edit, innovation_list
from zi.programme.views.integrity import (
    REGISTER_PAGES,
    RegisterPage,
    conflict_edit,
    conflict_list,
    gratification_edit,
    gratification_list,
    whistle_detail,
    whistle_list,
)
from zi.programme.views.overview import unit_overview
from zi.programme.views.public import complaint_public, public_sent, track, whistle_public
from zi.programme.views.public_services import service_edit, service_list
from zi.programme.views.workplan import plan_item_create, plan_item_edit, workplan_create, workplan_edit

__all__ = [
    "REGISTER_PAGES",
    "RegisterPage",
    "SESSION_CODE_KEY",
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
    "conflict_edit",
    "conflict_list",
    "export",
    "gratification_edit",
    "gratification_list",
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
    "whistle_detail",
    "whistle_list",
    "whistle_public",
    "workplan_create",
    "workplan_edit",
]
