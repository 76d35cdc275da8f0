"""The stage of a unit's year, owned by ``Assessment.state``, and the one table of which lane is open in which state.

``Assessment.state`` is the only place the stage is kept (docs/architecture.md "One state, one owner"). The
workflow moves it (``zi.workflow.machine.TRANSITIONS`` is the one table of moves, ``zi.workflow.services.transition``
the one writer); this app reads it as data:

- :data:`LANE_OPEN` — which lane (self answers and evidence, review, TPI) may be written in which state;
- :func:`status_for` — the draft/submitted word shown and filtered on (derived, never stored).

Apps above add what only they know without being imported (docs/architecture.md layers), in their
``AppConfig.ready``:

- :func:`register_lane_guard` — a further condition on writing a lane (the workflow: the actor is in the assigned
  TPI team and has no conflict of interest);
- :func:`register_on_open` — called with every assessment created (the workflow creates its journey, so every
  assessment has one from the moment it exists);
- :func:`register_submitter` — what submitting the LKE does (the workflow: the journey's submission move, through
  its one transition service, which sets the state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.actors import Actor


class State(models.TextChoices):
    # Before the participation is registered (the assessment is started, the unit may fill and submit its LKE):
    STARTED = "started", _("Penilaian dimulai")
    SUBMITTED = "submitted", _("Penilaian dikirim, keikutsertaan belum terdaftar")
    # The registered journey (zi.workflow.machine.TRANSITIONS):
    DECLARED = "declared", _("Pencanangan")
    BUILDING = "building", _("Pembangunan")
    SELF_SUBMITTED = "self_submitted", _("Penilaian mandiri dikirim")
    IN_REVIEW = "in_review", _("Sedang direviu")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    REVIEWED = "reviewed", _("Direviu, diteruskan ke TPI")
    TPI_EVALUATION = "tpi_evaluation", _("Evaluasi TPI")
    TPI_RETURNED = "tpi_returned", _("LHE 1: dikembalikan TPI")
    TPI_MEETS = "tpi_meets", _("TPI: memenuhi")
    TPI_NOT_MEETS = "tpi_not_meets", _("TPI: belum memenuhi")
    PROPOSED = "proposed", _("Diusulkan ke TPN")
    AWARDED = "awarded", _("Ditetapkan (predikat)")
    NOT_AWARDED = "not_awarded", _("Tidak ditetapkan")
    MONITORED = "monitored", _("Pemantauan pasca-predikat")
    REVOKED = "revoked", _("Predikat dicabut")


class Lane(models.TextChoices):
    SELF = "self", _("Penilaian mandiri")
    REVIEW = "review", _("Reviu Kanwil/Eselon I")
    TPI = "tpi", _("TPI")
    TPN = "tpn", _("TPN")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Dikirim")


# An assessment whose participation is not registered yet: no review or TPI stage, no team, not in the journey lists.
UNREGISTERED_STATES = frozenset({State.STARTED, State.SUBMITTED})
# Which lane is open in which state: the self lane (answers, evidence, submission) while the unit builds or
# fixes, the review lane while the review runs, the TPI lane while the TPI evaluates. An unregistered LKE is the
# unit's until submitted, then open to its reviewers and evaluators. No other lane is ever written.
LANE_OPEN: dict[str, frozenset[str]] = {
    Lane.SELF: frozenset({State.STARTED, State.BUILDING, State.RETURNED, State.TPI_RETURNED}),
    Lane.REVIEW: frozenset({State.IN_REVIEW, State.SUBMITTED}),
    Lane.TPI: frozenset({State.TPI_EVALUATION, State.SUBMITTED}),
}
# "draft" while the unit's LKE is its own (open to it, or waiting for the declaration), "submitted" afterwards.
DRAFT_STATES = LANE_OPEN[Lane.SELF] | {State.DECLARED}
SUBMITTED_STATES = frozenset(State.values) - DRAFT_STATES


def status_for(state: str) -> str:
    return AssessmentStatus.DRAFT if state in DRAFT_STATES else AssessmentStatus.SUBMITTED


def states_with_status(status: str) -> frozenset[str]:
    """The states shown as ``status`` (for filters on the derived draft/submitted word)."""
    return DRAFT_STATES if status == AssessmentStatus.DRAFT else SUBMITTED_STATES


def lane_open_in(state: str, lane: str) -> bool:
    return state in LANE_OPEN.get(lane, ())


# --- what apps above register -------------------------------------------------------------------------------

LaneGuard = Callable[[Any, Any, str], bool]  # (actor, assessment, lane) -> may write (the state already allows)
OnOpen = Callable[[list[Any]], None]  # called with assessments just created, in the creating transaction
Submitter = Callable[[Any, Any], None]  # (actor, assessment): move the state on submission, or raise why not
_LANE_GUARDS: list[LaneGuard] = []
_ON_OPEN: list[OnOpen] = []
_SUBMITTER: list[Submitter] = []


def register_lane_guard(guard: LaneGuard) -> LaneGuard:
    if guard not in _LANE_GUARDS:
        _LANE_GUARDS.append(guard)
    return guard


def register_on_open(hook: OnOpen) -> OnOpen:
    if hook not in _ON_OPEN:
        _ON_OPEN.append(hook)
    return hook


def register_submitter(submitter: Submitter) -> Submitter:
    """The one submission (a second registration replaces the first: there is exactly one)."""
    _SUBMITTER[:] = [submitter]
    return submitter


def lane_open(actor: Actor, assessment: Any, lane: str) -> bool:
    """The state allows writing ``lane`` and every registered guard agrees (permission is the caller's part)."""
    return lane_open_in(assessment.state, lane) and all(guard(actor, assessment, lane) for guard in _LANE_GUARDS)


def opened(assessments: Iterable[Any]) -> None:
    """Run the registered hooks on assessments just created (see :func:`zi.assessments.services.assessments_open`)."""
    created = list(assessments)
    for hook in _ON_OPEN:
        hook(created)


def submit(actor: Actor, assessment: Any) -> None:
    """Submit through the registered submitter (the workflow is always installed: ``zi.config.settings``)."""
    (submitter,) = _SUBMITTER
    submitter(actor, assessment)
