"""Writes on the building-work records, one module per record family. Keyword-only ``<entity>_<verb>``
functions, one transaction each.

Every function checks permission through :mod:`zi.organisations.access`, validates (Indonesian messages in
``ValidationError``), writes, and records an audit event with before/after snapshots in the same transaction.

Who may do what:

- the unit's ZI team (``assessment.answer`` on the unit) records everything of its unit;
- the public (no login) may only submit a complaint and track it by its code.

The integrity registers (gratification, conflict of interest, whistle-blowing) are :mod:`zi.integrity`.

This package re-exports every public name, so ``from zi.programme import services`` keeps working; new code
imports from the record family's module (``zi.programme.services.complaints`` ...)."""

from zi.programme.services.activities import (
    ACTIVITY_EDITABLE,
    ACTIVITY_FIELDS,
    activity_add_photo,
    activity_create,
    activity_set_attendance,
    activity_update,
    activity_withdraw_photo,
)
from zi.programme.services.change_agents import (
    CHANGE_FIELDS,
    change_agent_appoint,
    change_agent_update,
    change_create,
    change_update,
)
from zi.programme.services.common import MANAGE_DENIED
from zi.programme.services.complaints import (
    ACTION_FIELDS,
    COMPLAINT_DETAIL_FIELDS,
    COMPLAINT_FIELDS,
    COMPLAINT_MAX_PHOTOS,
    DEFAULT_SLA_DAYS,
    SLA_DAYS,
    complainant_emails_erase,
    complaint_action_delete,
    complaint_action_update,
    complaint_add_action,
    complaint_create,
    complaint_submit_public,
    complaint_update,
    complaint_update_details,
    sla_days,
    sla_due,
)
from zi.programme.services.evidence import ATTACHABLE, record_attach_as_evidence, record_type_of
from zi.programme.services.images import (
    IMAGE_EXTENSIONS,
    IMAGE_FORMATS,
    IMAGE_INFO_KEPT,
    IMAGE_TYPES,
    MAX_IMAGE_PIXELS,
    check_image,
    strip_metadata,
)
from zi.programme.services.innovations import (
    INNOVATION_FIELDS,
    NEED_REQUIRED_MESSAGE,
    innovation_create,
    innovation_update,
)
from zi.programme.services.public_services import SERVICE_FIELDS, service_create, service_update
from zi.programme.services.public_tracking import track
from zi.programme.services.workplan import (
    PLAN_ITEM_FIELDS,
    plan_item_create,
    plan_item_update,
    workplan_create,
    workplan_update,
)

__all__ = [
    "ACTION_FIELDS",
    "ACTIVITY_EDITABLE",
    "ACTIVITY_FIELDS",
    "ATTACHABLE",
    "CHANGE_FIELDS",
    "COMPLAINT_DETAIL_FIELDS",
    "COMPLAINT_FIELDS",
    "COMPLAINT_MAX_PHOTOS",
    "DEFAULT_SLA_DAYS",
    "IMAGE_EXTENSIONS",
    "IMAGE_FORMATS",
    "IMAGE_INFO_KEPT",
    "IMAGE_TYPES",
    "INNOVATION_FIELDS",
    "MANAGE_DENIED",
    "MAX_IMAGE_PIXELS",
    "NEED_REQUIRED_MESSAGE",
    "PLAN_ITEM_FIELDS",
    "SERVICE_FIELDS",
    "SLA_DAYS",
    "activity_add_photo",
    "activity_create",
    "activity_set_attendance",
    "activity_update",
    "activity_withdraw_photo",
    "change_agent_appoint",
    "change_agent_update",
    "change_create",
    "change_update",
    "check_image",
    "complainant_emails_erase",
    "complaint_action_delete",
    "complaint_action_update",
    "complaint_add_action",
    "complaint_create",
    "complaint_submit_public",
    "complaint_update",
    "complaint_update_details",
    "innovation_create",
    "innovation_update",
    "plan_item_create",
    "plan_item_update",
    "record_attach_as_evidence",
    "record_type_of",
    "service_create",
    "service_update",
    "sla_days",
    "sla_due",
    "strip_metadata",
    "track",
    "workplan_create",
    "workplan_update",
]
