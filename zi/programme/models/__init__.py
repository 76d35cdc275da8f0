"""The building work of Zona Integritas (issue #5): what a unit actually does, recorded as it happens.

Work plans with targets/activities per area of change, activities with attendance from the unit's own staff,
change agents and the concrete changes they make, public complaints with an SLA and a public tracking code,
innovations that must answer a documented need. The integrity registers (gratification, conflict of interest,
whistle-blowing) are their own app, :mod:`zi.integrity`.

Every record declares its place in the unit tree once (``unit_field``; :class:`zi.organisations.scoped.ScopedModel`), so
:mod:`zi.organisations.access` scopes it like everything else. Writes go through :mod:`zi.programme.services` (audited).

One module per record family; this package re-exports every model, so ``from zi.programme.models import X``
keeps working.
"""

from zi.programme.models.activities import Activity, ActivityKind, ActivityPhoto, Attendance, photo_upload_to
from zi.programme.models.change_agents import ChangeAgent, ConcreteChange
from zi.programme.models.complaints import (
    OPEN_COMPLAINT_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintPhoto,
    ComplaintStatus,
    FollowUpAction,
    complaint_photo_upload_to,
)
from zi.programme.models.evidence import AttachedEvidence
from zi.programme.models.innovations import Innovation, Simplification
from zi.programme.models.public_services import PublicService
from zi.programme.models.workplan import ChangeArea, PlanItem, PlanItemKind, PlanItemStatus, WorkPlan

__all__ = [
    "OPEN_COMPLAINT_STATUSES",
    "complaint_photo_upload_to",
    "photo_upload_to",
    "ChangeArea",
    "PlanItem",
    "PlanItemKind",
    "PlanItemStatus",
    "WorkPlan",
    "Activity",
    "ActivityKind",
    "ActivityPhoto",
    "Attendance",
    "ChangeAgent",
    "ConcreteChange",
    "Complaint",
    "ComplaintCategory",
    "ComplaintChannel",
    "ComplaintPhoto",
    "ComplaintStatus",
    "FollowUpAction",
    "PublicService",
    "Innovation",
    "Simplification",
    "AttachedEvidence",
]
