"""The yearly journey of a unit: declaration, building, review, TPI evaluation, proposal, TPN result, predicate.

One :class:`Journey` per assessment (unit × period), created with it; the state it moves is ``Assessment.state``
(the one owner, :mod:`zi.assessments.stages`; ``Journey.state`` reads and writes it). Every change of state goes through
:func:`zi.workflow.services.transition` (one table of allowed moves in :mod:`zi.workflow.machine`) and leaves
an append-only :class:`JourneyEvent`. Declarations, performance agreements and agency preconditions are the
data the guards check.

One module per concept; this package re-exports every model, so ``from zi.workflow.models import X`` keeps
working.
"""

from zi.assessments.stages import State  # the journey's states (owned by the assessment), named here too
from zi.workflow.models.declaration import (
    Declaration,
    DeclarationDocument,
    DocumentKind,
    PerformanceAgreement,
    PerformanceTarget,
)
from zi.workflow.models.journey import Journey, JourneyEvent, Predicate
from zi.workflow.models.lhe import IssuedLhe, LheDraft, LheNote, issued_lhe_upload_to
from zi.workflow.models.monitoring import FieldCheck, MonitoringRecommendation, MonitoringReport, MonitoringResult
from zi.workflow.models.returns import CarriedQuestion, ChangeConfirmation, LaneReturn, ReturnNote
from zi.workflow.models.setup import AgencyProfile, PeriodCalendar, ReminderLog, TpiTeam

__all__ = [
    "State",
    "Journey",
    "JourneyEvent",
    "Predicate",
    "Declaration",
    "DeclarationDocument",
    "DocumentKind",
    "PerformanceAgreement",
    "PerformanceTarget",
    "AgencyProfile",
    "PeriodCalendar",
    "ReminderLog",
    "TpiTeam",
    "CarriedQuestion",
    "ChangeConfirmation",
    "LaneReturn",
    "ReturnNote",
    "IssuedLhe",
    "LheDraft",
    "LheNote",
    "issued_lhe_upload_to",
    "FieldCheck",
    "MonitoringRecommendation",
    "MonitoringReport",
    "MonitoringResult",
]
