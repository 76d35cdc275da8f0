"""The one table of allowed journey moves: (from, to) → required action and guard.

A guard gets a :class:`Move` and returns the reasons the move is refused (empty list = allowed). Guards only
read; effects of a move (copy-forward of lanes, stage counters) live in :mod:`zi.workflow.services`. Which lane is
open in which state is data of the assessments app (:data:`zi.assessments.stages.LANE_OPEN`, the state's owner);
the workflow adds the TPI team and conflict-of-interest rule to it (:func:`tpi_lane_reasons`, registered in
``WorkflowConfig.ready``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zi.assessments import stages
from zi.assessments.models import Lane, LaneScore
from zi.assessments.submission import submission_check
from zi.core.actors import Actor
from zi.lke.scoring.breakdown import expand_breakdown
from zi.lke.services import template_spec
from zi.organisations.access import Action, may
from zi.workflow import conditions
from zi.workflow.models import Declaration, DocumentKind, Journey, Predicate, State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class Move:
    journey: Journey
    actor: Actor
    to_state: str
    note: str
    data: dict[str, Any] = field(default_factory=dict)
    today: dt.date = field(default_factory=timezone.localdate)


Guard = Callable[[Move], list[str]]


def _ok(move: Move) -> list[str]:
    return []


def _note_required(move: Move) -> list[str]:
    return [] if move.note.strip() else [_("Catatan wajib diisi untuk mengembalikan atau memutuskan.")]


def _declared(move: Move) -> list[str]:
    return declaration_reasons(move.journey)


def declaration_reasons(journey: Journey) -> list[str]:
    """What the unit's declaration (pencanangan) still lacks before building may start."""
    declaration = Declaration.objects.filter(unit=journey.unit).order_by("-declared_on").first()
    if declaration is None:
        return [_("Unit belum mencatat pencanangan.")]
    reasons = []
    if not declaration.documents.filter(kind=DocumentKind.PACT).exists():
        reasons.append(_("Dokumen pakta integritas belum diunggah."))
    if not declaration.signatories.exists():
        reasons.append(_("Belum ada pegawai yang menandatangani pakta integritas."))
    return reasons


def _ready_to_submit(move: Move) -> list[str]:
    """The one pre-submit check (:func:`zi.assessments.submission.submission_check`, which the submit page lists):
    unanswered questions, carried-over answers to confirm (stale evidence never passes silently), preconditions."""
    return submission_check(move.journey.assessment).reasons()


def coi_reasons(actor: Actor, journey: Journey) -> list[str]:
    """Conflict of interest: an evaluator whose own unit is the evaluated unit or inside its subtree."""
    home = getattr(actor, "unit", None)
    if home is not None and home.path.startswith(journey.unit.path):
        return [_("Konflik kepentingan: evaluator berasal dari unit yang dievaluasi atau unit di bawahnya.")]
    return []


def team_reasons(actor: Actor, journey: Journey, *, lead: bool = False) -> list[str]:
    team = journey.tpi_team
    if team is None:
        return [_("Unit belum ditugaskan ke tim TPI.")]
    if getattr(actor, "is_superuser", False):
        return []
    if lead:
        if getattr(actor, "pk", None) not in (team.leader_id, team.controller_id):
            return [_("Hanya ketua tim atau pengendali teknis yang dapat menyimpulkan LHE.")]
        return []
    if getattr(actor, "pk", None) not in team.member_ids():
        return [_("Anda bukan anggota tim TPI yang ditugaskan untuk unit ini.")]
    return []


def tpi_lane_reasons(actor: Actor, journey: Journey) -> list[str]:
    """Why ``actor`` may not write the TPI lane of ``journey`` (empty = the team rule allows it): a conflict of
    interest, or not being in the assigned team (before a team is assigned, the role decides)."""
    reasons = coi_reasons(actor, journey)
    if journey.tpi_team_id is not None:
        reasons += team_reasons(actor, journey)
    return reasons


def may_write_lane(actor: Actor, journey: Journey, lane: str) -> bool:
    """May ``actor`` write ``lane`` of the journey's assessment now: the state (the lane table), the TPI team rule and,
    for the scored lanes, the scorer's role."""
    if not stages.lane_open_in(journey.state, lane):
        return False
    if lane == Lane.SELF:
        return True
    if lane == Lane.TPI and tpi_lane_reasons(actor, journey):
        return False
    action = Action.REVIEW_SCORE if lane == Lane.REVIEW else Action.TPI_SCORE
    return may(actor, action, journey.unit)


def _tpi_start(move: Move) -> list[str]:
    return team_reasons(move.actor, move.journey) + coi_reasons(move.actor, move.journey)


def _tpi_return(move: Move) -> list[str]:
    reasons = _note_required(move) + _tpi_start(move)
    if move.journey.tpi_stage >= 2:
        reasons.append(_("LHE 1 sudah dikembalikan; tahap kedua harus disimpulkan (LHE 2)."))
    return reasons


def _tpi_conclude(move: Move) -> list[str]:
    return team_reasons(move.actor, move.journey, lead=True) + coi_reasons(move.actor, move.journey)


def eligibility_reasons(journey: Journey) -> list[str]:
    """Why the TPI lane's stored score does not meet the target predicate's thresholds (empty = it does), in the
    reader's language: the scorer's own reason codes rendered by :func:`zi.lke.scoring.expand_breakdown`, never
    recomputed here."""
    predicate = journey.target_predicate
    score = LaneScore.objects.filter(assessment_id=journey.assessment_id, lane=Lane.TPI).first()
    eligible = score is not None and (score.eligible_wbbm if predicate == Predicate.WBBM else score.eligible_wbk)
    if eligible:
        return []
    head = _("Nilai jalur TPI belum memenuhi ambang %(predicate)s.") % {"predicate": predicate}
    if score is None:
        return [head]
    # an empty or earlier breakdown expands to no reasons
    expanded = expand_breakdown(template_spec(journey.period.template), score.breakdown).get("eligibility") or {}
    return [head, *((expanded.get(predicate) or {}).get("reasons") or [])]


@dataclass
class ConclusionChecks:
    """What "memenuhi" needs, shown on the conclusion form before deciding: the TPI lane's eligibility (hard) and
    the proposal preconditions of P90 Tabel 5 (refused unless the TPI records an override with a reason)."""

    eligibility: list[str]
    preconditions: list[str]

    @property
    def ok(self) -> bool:
        return not self.eligibility and not self.preconditions


def conclusion_checks(journey: Journey, *, today: dt.date | None = None) -> ConclusionChecks:
    today = today or timezone.localdate()
    return ConclusionChecks(eligibility_reasons(journey), conditions.precondition_reasons(journey, today=today))


OVERRIDE_MAX = 2000


def _tpi_meets(move: Move) -> list[str]:
    reasons = _tpi_conclude(move)
    checks = conclusion_checks(move.journey, today=move.today)
    reasons += checks.eligibility
    override = str(move.data.get("override_reason") or "").strip()
    if checks.preconditions and not override:
        reasons += checks.preconditions
        reasons.append(
            _(
                "Simpulan “memenuhi” ditolak selama syarat di atas belum terpenuhi, kecuali TPI mencatat "
                "pengecualian beserta alasannya."
            )
        )
    if len(override) > OVERRIDE_MAX:
        reasons.append(_("Alasan pengecualian terlalu panjang (maksimal %(n)s karakter).") % {"n": OVERRIDE_MAX})
    return reasons


def _propose(move: Move) -> list[str]:
    return conditions.proposal_reasons(move.journey, today=move.today)


def _participate(move: Move) -> list[str]:
    """The participation's target: known, WBBM only for a unit holding WBK, no revocation ban."""
    target = str(move.data.get("target_predicate") or move.journey.assessment.target_predicate)
    if target not in Predicate.values:
        return [_("Predikat yang dituju tidak dikenal.")]
    if target == Predicate.WBBM and not conditions.unit_holds_wbk(move.journey.unit):
        return [_("Predikat WBBM hanya dapat dituju oleh unit yang telah berpredikat WBK.")]
    return conditions.ban_reasons(move.journey.unit, move.today)


def _award(move: Move) -> list[str]:
    """What the TPN result form must hold. The register's own rules (no future decree, one award per year, WBBM
    needs WBK, the ban after a revocation) are checked where the award is recorded: the move's effect calls
    :func:`zi.predicates.services.award_record`, which refuses with :func:`~zi.predicates.services.award_problems`
    inside the same transaction, so the move changes nothing then either."""
    reasons = []
    if not str(move.data.get("decree_number") or "").strip():
        reasons.append(_("Nomor keputusan menteri wajib diisi."))
    if not isinstance(move.data.get("decree_date"), dt.date):
        reasons.append(_("Tanggal keputusan wajib diisi."))
    if (move.data.get("predicate") or move.journey.target_predicate) not in Predicate.values:
        reasons.append(_("Predikat tidak dikenal."))
    return reasons


def _revoke(move: Move) -> list[str]:
    reasons = _note_required(move)
    if not isinstance(move.data.get("revoked_on", move.today), dt.date):
        reasons.append(_("Tanggal pencabutan tidak valid."))
    return reasons


@dataclass(frozen=True)
class Rule:
    action: Action
    guard: Guard = _ok
    label: StrOrPromise = ""
    # False for the moves before the participation is registered: the journey's history (its events and version)
    # begins with the registration, as the unit and the evaluators read it; the audit trail records every move.
    recorded: bool = True


# The two moves made from either of two states: registering the participation and starting the TPI evaluation.
_REGISTER = Rule(Action.PARTICIPATION_MANAGE, _participate, gettext_lazy("Daftarkan keikutsertaan"), recorded=False)
_TPI_START = Rule(Action.TPI_SCORE, _tpi_start, gettext_lazy("Mulai evaluasi TPI"))

TRANSITIONS: dict[tuple[str, str], Rule] = {
    # An assessment starts as "started" (its self lane open) and may be submitted before the participation is
    # registered; registering it declares the journey (a submitted LKE comes back to the unit as a draft).
    (State.STARTED, State.SUBMITTED): Rule(
        Action.ASSESSMENT_SUBMIT, _ready_to_submit, gettext_lazy("Kirim penilaian mandiri"), recorded=False
    ),
    (State.STARTED, State.DECLARED): _REGISTER,
    (State.SUBMITTED, State.DECLARED): _REGISTER,
    (State.DECLARED, State.BUILDING): Rule(Action.PARTICIPATION_MANAGE, _declared, gettext_lazy("Mulai pembangunan")),
    (State.BUILDING, State.SELF_SUBMITTED): Rule(
        Action.ASSESSMENT_SUBMIT, _ready_to_submit, gettext_lazy("Kirim penilaian mandiri")
    ),
    (State.RETURNED, State.SELF_SUBMITTED): Rule(
        Action.ASSESSMENT_SUBMIT, _ready_to_submit, gettext_lazy("Kirim ulang")
    ),
    (State.SELF_SUBMITTED, State.IN_REVIEW): Rule(Action.REVIEW_SCORE, _ok, gettext_lazy("Mulai reviu")),
    (State.IN_REVIEW, State.RETURNED): Rule(Action.REVIEW_SCORE, _note_required, gettext_lazy("Kembalikan ke unit")),
    (State.IN_REVIEW, State.REVIEWED): Rule(Action.REVIEW_SCORE, _ok, gettext_lazy("Teruskan ke TPI")),
    # Pemda and units without a preliminary review go straight to TPI (P90 Lampiran II, stage 5).
    (State.SELF_SUBMITTED, State.TPI_EVALUATION): _TPI_START,
    (State.REVIEWED, State.TPI_EVALUATION): _TPI_START,
    (State.TPI_EVALUATION, State.TPI_RETURNED): Rule(Action.TPI_SCORE, _tpi_return, gettext_lazy("LHE 1: kembalikan")),
    (State.TPI_RETURNED, State.TPI_EVALUATION): Rule(
        Action.ASSESSMENT_SUBMIT, _ready_to_submit, gettext_lazy("Kirim perbaikan ke TPI")
    ),
    (State.TPI_EVALUATION, State.TPI_MEETS): Rule(Action.TPI_SCORE, _tpi_meets, gettext_lazy("LHE: memenuhi")),
    (State.TPI_EVALUATION, State.TPI_NOT_MEETS): Rule(
        Action.TPI_SCORE, _tpi_conclude, gettext_lazy("LHE: belum memenuhi")
    ),
    (State.TPI_MEETS, State.PROPOSED): Rule(Action.PROPOSAL_SUBMIT, _propose, gettext_lazy("Usulkan ke TPN")),
    (State.PROPOSED, State.AWARDED): Rule(Action.TPN_RESULT_RECORD, _award, gettext_lazy("Catat penetapan predikat")),
    (State.PROPOSED, State.NOT_AWARDED): Rule(
        Action.TPN_RESULT_RECORD, _note_required, gettext_lazy("Catat tidak ditetapkan")
    ),
    (State.AWARDED, State.MONITORED): Rule(Action.TPI_SCORE, _ok, gettext_lazy("Mulai pemantauan")),
    (State.AWARDED, State.REVOKED): Rule(Action.TPN_RESULT_RECORD, _revoke, gettext_lazy("Cabut predikat")),
    (State.MONITORED, State.REVOKED): Rule(Action.TPN_RESULT_RECORD, _revoke, gettext_lazy("Cabut predikat")),
}


# The unit's submissions from the worksheet (:func:`zi.workflow.services.submit`): guarded by the one
# pre-submit check.
SUBMIT_MOVES = frozenset(
    {
        (State.STARTED, State.SUBMITTED),
        (State.BUILDING, State.SELF_SUBMITTED),
        (State.RETURNED, State.SELF_SUBMITTED),
        (State.TPI_RETURNED, State.TPI_EVALUATION),
    }
)

# Irreversible moves: the pages ask for confirmation on a separate step before applying them (works without JS).
CONFIRM_STATES = frozenset({State.TPI_MEETS, State.TPI_NOT_MEETS, State.AWARDED, State.NOT_AWARDED, State.REVOKED})


def moves_from(state: str) -> list[tuple[str, Rule]]:
    return [(to, rule) for (frm, to), rule in TRANSITIONS.items() if frm == state]
