"""Forms of the programme pages. They only shape input; the services validate and decide.

One module per record family; this package re-exports them (and
``record_initial``, an edit form's starting values) so ``from zi.programme import forms`` keeps working."""

from zi.organisations.fields import record_initial
from zi.programme.forms.activities import ActivityForm, AttendanceForm, PhotoForm, activity_initial
from zi.programme.forms.change_agents import ChangeAgentEditForm, ChangeAgentForm, ConcreteChangeForm
from zi.programme.forms.complaints import (
    ComplaintPublicForm,
    ComplaintStaffForm,
    ComplaintUpdateForm,
    FollowUpForm,
    MultipleImageField,
    MultipleImageInput,
    TrackForm,
    complaint_update_initial,
)
from zi.programme.forms.evidence import AttachEvidenceForm
from zi.programme.forms.innovations import InnovationForm, innovation_initial
from zi.programme.forms.public_services import PublicServiceForm
from zi.programme.forms.workplan import PlanItemForm, WorkPlanForm, plan_item_initial

__all__ = [
    "ActivityForm",
    "AttachEvidenceForm",
    "AttendanceForm",
    "ChangeAgentEditForm",
    "ChangeAgentForm",
    "ComplaintPublicForm",
    "ComplaintStaffForm",
    "ComplaintUpdateForm",
    "ConcreteChangeForm",
    "FollowUpForm",
    "InnovationForm",
    "MultipleImageField",
    "MultipleImageInput",
    "PhotoForm",
    "PlanItemForm",
    "PublicServiceForm",
    "TrackForm",
    "WorkPlanForm",
    "activity_initial",
    "complaint_update_initial",
    "innovation_initial",
    "plan_item_initial",
    "record_initial",
]
