"""The workflow's part of the one pre-submit check (:mod:`zi.assessments.submission`): carried-over answers still
to confirm (blockers, with the inline confirm), a journey not yet building (blocker) and the P90 preconditions the
TPI and the proposal will check (warnings: they never block the submission). Registered in ``WorkflowConfig``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.assessments.models import Assessment
from zi.assessments.selectors import Worksheet
from zi.assessments.stages import DRAFT_STATES, UNREGISTERED_STATES
from zi.assessments.submission import CARRIED, PRECONDITION, Item, question_url
from zi.workflow.carryover import unconfirmed
from zi.workflow.conditions import precondition_reasons
from zi.workflow.machine import declaration_reasons
from zi.workflow.models import Journey, State


def carried_label() -> str:
    """The one label of a carried-over answer not yet confirmed: on the worksheet, the pre-submit page, the
    carry-over page and the journey page."""
    return _("jawaban bawaan — konfirmasi")


def journey_items(assessment: Assessment, ws: Worksheet) -> list[Item]:
    journey = Journey.of(assessment)
    if journey.state in UNREGISTERED_STATES:  # participation not registered yet: nothing of the journey to check
        return []
    return carried_items(assessment, ws, journey) + precondition_items(journey)


def carried_items(assessment: Assessment, ws: Worksheet, journey: Journey) -> list[Item]:
    """One blocker per carried-over question not yet confirmed (one query)."""
    confirm = reverse("workflow:carry_confirm", args=[journey.pk])
    items = []
    codes = unconfirmed(journey).order_by("question__order", "question__code").values_list("question__code", flat=True)
    for code in codes:
        row = ws.rows.get(code)
        section = row.section_key if row is not None else ""
        items.append(
            Item(
                kind=CARRIED,
                label=carried_label(),
                url=question_url(assessment, section, code),
                code=code,
                section=section,
                text=row.question.text if row is not None else "",
                action_url=confirm,
            )
        )
    return items


def precondition_items(journey: Journey) -> list[Item]:
    """Blocker: the journey has not reached building (the declaration first); warnings: the P90 preconditions."""
    page = reverse("workflow:journey_detail", args=[journey.pk])
    items = []
    if journey.state == State.DECLARED:
        items.append(Item(kind=PRECONDITION, label=_("Pembangunan ZI belum dimulai (tahap pencanangan)."), url=page))
        declaration = reverse("workflow:declaration", args=[journey.pk])
        items += [Item(kind=PRECONDITION, label=reason, url=declaration) for reason in declaration_reasons(journey)]
    if journey.state in DRAFT_STATES:
        warning = _("Diperiksa TPI saat menyimpulkan dan saat pengusulan; tidak menghalangi pengiriman.")
        items += [
            Item(kind=PRECONDITION, label=str(reason), url=page, text=warning, blocking=False)
            for reason in precondition_reasons(journey, today=timezone.localdate())
        ]
    return items
