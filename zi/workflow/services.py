"""Writes of the yearly journey. Every function: keyword-only, ``actor`` first, one transaction, permission
through :mod:`zi.organisations.access`, an audit event. State changes only through :func:`transition`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zi.accounts.actors import actor_user
from zi.assessments import evidence as evidence_checks
from zi.assessments.models import Answer, Assessment, Lane
from zi.assessments.scoring import lane_rescore
from zi.assessments.stages import UNREGISTERED_STATES
from zi.core import audit, events
from zi.core.actors import Actor, actor_label
from zi.lke.models import LkeQuestion
from zi.organisations.access import Action, may
from zi.organisations.models import Agency, Unit
from zi.organisations.records import clean_percent
from zi.predicates import services as predicate_services
from zi.predicates.models import Award, Source
from zi.workflow import conditions, machine, returns, rules
from zi.workflow.conditions import (  # re-exported: pages and other modules ask services.<name>
    precondition_checks as precondition_checks,
)
from zi.workflow.conditions import (
    precondition_reasons as precondition_reasons,
)
from zi.workflow.conditions import (
    proposal_deadline as proposal_deadline,
)
from zi.workflow.conditions import (
    proposal_reasons as proposal_reasons,
)
from zi.workflow.conditions import (
    revocation_ban_until as revocation_ban_until,
)
from zi.workflow.conditions import (
    sptjm_check as sptjm_check,
)
from zi.workflow.conditions import (
    unit_holds_wbk as unit_holds_wbk,
)
from zi.workflow.machine import TRANSITIONS, Move, coi_reasons
from zi.workflow.machine import may_write_lane as may_write_lane  # re-exported
from zi.workflow.models import (
    AgencyProfile,
    Declaration,
    DeclarationDocument,
    DocumentKind,
    Journey,
    JourneyEvent,
    PerformanceAgreement,
    PerformanceTarget,
    PeriodCalendar,
    Predicate,
    State,
    TpiTeam,
)
from zi.workflow.notifications import notify_transition
from zi.workflow.reminders import notify_without_team

STALE = gettext_lazy("Data sudah diubah orang lain, muat ulang halaman lalu ulangi keputusan Anda.")
JOURNEY_FIELDS = (
    "version",
    "target_predicate",
    "afirmasi",
    "tlhp_percent",
    "lhkpn_percent",
    "sakip_internal",
    "tpi_team",
    "tpi_stage",
    "tpi_due",
    "proposed_at",
    "awarded_predicate",
    "decree_number",
    "decree_date",
    "revoked_on",
    "tpi_override_reason",
    "tpi_override_checks",
)
ACTIVE_TPI_STATES = (State.SELF_SUBMITTED, State.REVIEWED, State.TPI_EVALUATION, State.TPI_RETURNED)


def _snapshot(journey: Journey) -> dict[str, Any]:
    """The journey's audited fields, its state (kept on the assessment) included."""
    return {**audit.snapshot(journey, JOURNEY_FIELDS), "state": journey.state}


# --- participation ---------------------------------------------------------------------------------------------


def journeys_open(assessments: list[Assessment]) -> None:
    """Every assessment gets its journey when it is created (registered with
    :func:`zi.assessments.stages.register_on_open`): the state lives on the assessment, the journey holds the rest of
    the year (target, TPI team, proposal, result). It starts ``started``: participation not registered yet."""
    Journey.objects.bulk_create(
        [
            Journey(assessment=a, unit_id=a.unit_id, period_id=a.period_id, target_predicate=a.target_predicate)
            for a in assessments
        ]
    )


@transaction.atomic
def participation_create(
    *, actor: Actor, assessment: Assessment, target_predicate: str | None = None, afirmasi: bool = False
) -> Journey:
    """Register the unit's participation for the assessment's period: its journey moves ``started`` → ``declared``."""
    journey = Journey.objects.select_related("unit", "assessment").get(assessment_id=assessment.pk)
    if not may(actor, Action.PARTICIPATION_MANAGE, journey.unit):
        raise PermissionDenied(_("Anda tidak berwenang mendaftarkan keikutsertaan unit ini."))
    if journey.state not in UNREGISTERED_STATES:
        raise ValidationError(_("Keikutsertaan untuk penilaian ini sudah tercatat."))
    data = {"target_predicate": target_predicate or journey.assessment.target_predicate, "afirmasi": bool(afirmasi)}
    return transition(
        actor=actor, journey=journey, to_state=State.DECLARED, expected_version=journey.version, data=data
    )


@transaction.atomic
def preconditions_record(
    *, actor: Actor, journey: Journey, tlhp_percent: Any, lhkpn_percent: Any, sakip_internal: str
) -> Journey:
    """Record the unit-level preconditions (TLHP, LHKPN/LHKASN, internal SAKIP grade)."""
    journey = Journey.objects.select_for_update().select_related("unit").get(pk=journey.pk)
    if not may(actor, Action.PARTICIPATION_MANAGE, journey.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data keikutsertaan unit ini."))
    sakip_internal = (sakip_internal or "").strip().upper()
    if sakip_internal and sakip_internal not in rules.rules()["scales"]["sakip"]:
        raise ValidationError(_("Nilai SAKIP internal tidak dikenal."))
    before = _snapshot(journey)
    journey.tlhp_percent = clean_percent(tlhp_percent, _("Tindak lanjut hasil pengawasan"))
    journey.lhkpn_percent = clean_percent(lhkpn_percent, _("Kepatuhan LHKPN/LHKASN"))
    journey.sakip_internal = sakip_internal
    journey.save(update_fields=["tlhp_percent", "lhkpn_percent", "sakip_internal", "updated_at"])
    audit.record(actor, "update", journey, before=before, after=_snapshot(journey))
    return journey


@transaction.atomic
def sptjm_upload(*, actor: Actor, journey: Journey, uploaded_file: Any) -> Journey:
    """The unit head's SPTJM (statement of responsibility for the data dukung), needed for the proposal."""
    journey = Journey.objects.select_for_update().select_related("unit").get(pk=journey.pk)
    if not may(actor, Action.PARTICIPATION_MANAGE, journey.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengunggah SPTJM unit ini."))
    checked = evidence_checks.check_upload(uploaded_file)
    if checked.content_type != evidence_checks.PDF:
        raise ValidationError(_("SPTJM harus berupa berkas PDF."))
    uploaded_file.seek(0)
    journey.sptjm.save(checked.display_name, File(uploaded_file), save=False)
    journey.sptjm_sha256 = checked.sha256
    journey.save(update_fields=["sptjm", "sptjm_sha256", "updated_at"])
    audit.record(actor, "sptjm", journey, after={"sptjm_sha256": checked.sha256, "name": checked.display_name})
    return journey


@transaction.atomic
def agency_profile_save(
    *,
    actor: Actor,
    agency: Agency,
    year: int,
    bpk_opinion: str,
    sakip: str,
    indeks_rb: str,
    spip_level: int | None,
    source: str = "",
) -> AgencyProfile:
    if not may(actor, Action.PROPOSAL_SUBMIT, agency):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data syarat instansi."))
    scales = rules.rules()["scales"]
    values = {"bpk_opinion": bpk_opinion, "sakip": sakip, "indeks_rb": indeks_rb}
    for key, value in values.items():
        if value and value not in scales[key]:
            raise ValidationError(_("Nilai %(key)s tidak dikenal: %(value)s.") % {"key": key, "value": value})
    if spip_level is not None and not 1 <= int(spip_level) <= 5:
        raise ValidationError(_("Maturitas SPIP harus antara 1 dan 5."))
    profile = AgencyProfile.objects.select_for_update().filter(agency=agency, year=year).first()
    before = audit.snapshot(profile) if profile else None
    profile = profile or AgencyProfile(agency=agency, year=year)
    profile.bpk_opinion, profile.sakip, profile.indeks_rb = bpk_opinion, sakip, indeks_rb
    profile.spip_level = spip_level
    profile.source = source.strip()
    audit.save_and_record(actor, profile, before=before)
    return profile


# --- declaration and performance agreement ---------------------------------------------------------------------


def _staff_users(unit: Unit, users: Any) -> list[Any]:
    ids = {getattr(u, "pk", u) for u in users}
    staff = list(unit.staff.filter(pk__in=ids))
    if len(staff) != len(ids):
        raise ValidationError(_("Penanda tangan harus pegawai unit ini (termasuk pegawai non-ASN/honorer)."))
    return staff


def _create_with_people(actor: Actor, record: Any, relation: str, people: Callable[[], Sequence[Any]]) -> None:
    """Validate and save a new record, set its people (the many-to-many ``relation``: a declaration's signatories, a
    TPI team's members) and record one "create" event that names them. ``people`` is asked after the save, so the
    record's own errors are reported before those of its people."""
    record.full_clean()
    record.save()
    chosen = list(people())
    getattr(record, relation).set(chosen)
    audit.record(actor, "create", record, after=audit.snapshot_with(record, **{relation: chosen}))


@transaction.atomic
def declaration_record(
    *,
    actor: Actor,
    unit: Unit,
    declared_on: dt.date,
    place: str,
    target_predicate: str = Predicate.WBK,
    signatories: Any = (),
) -> Declaration:
    if not may(actor, Action.PARTICIPATION_MANAGE, unit):
        raise PermissionDenied(_("Anda tidak berwenang mencatat pencanangan unit ini."))
    if declared_on > timezone.localdate():
        raise ValidationError(_("Tanggal pencanangan tidak boleh di masa depan."))
    if target_predicate not in Predicate.values:
        raise ValidationError(_("Predikat yang dituju tidak dikenal."))
    declaration = Declaration(unit=unit, declared_on=declared_on, place=" ".join((place or "").split()))
    declaration.target_predicate = target_predicate
    _create_with_people(actor, declaration, "signatories", lambda: _staff_users(unit, signatories))
    return declaration


@transaction.atomic
def declaration_sign(*, actor: Actor, declaration: Declaration, users: Any) -> Declaration:
    """Add signatories who sign later (stragglers may sign after the ceremony, P90 Lampiran I)."""
    if not may(actor, Action.PARTICIPATION_MANAGE, declaration.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengubah pencanangan unit ini."))
    staff = _staff_users(declaration.unit, users)
    before = sorted(declaration.signatories.values_list("pk", flat=True))
    declaration.signatories.add(*staff)
    after = sorted(declaration.signatories.values_list("pk", flat=True))
    audit.record(actor, "sign", declaration, before={"signatories": before}, after={"signatories": after})
    return declaration


@transaction.atomic
def declaration_add_document(*, actor: Actor, declaration: Declaration, kind: str, uploaded_file: Any) -> Any:
    if not may(actor, Action.PARTICIPATION_MANAGE, declaration.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengubah pencanangan unit ini."))
    if kind not in DocumentKind.values:
        raise ValidationError(_("Jenis dokumen tidak dikenal."))
    checked = evidence_checks.check_upload(uploaded_file)
    if kind == DocumentKind.PHOTO and not evidence_checks.is_image_type(checked.content_type):
        raise ValidationError(_("Foto harus berupa gambar (PNG, JPEG, GIF atau WebP)."))
    document = DeclarationDocument(
        declaration=declaration,
        kind=kind,
        original_name=checked.display_name,
        content_type=checked.content_type,
        sha256=checked.sha256,
    )
    uploaded_file.seek(0)
    document.file.save(checked.display_name, File(uploaded_file), save=False)
    document.save()
    audit.record(
        actor, "create", document, after={"declaration": declaration.pk, "kind": kind, "sha256": checked.sha256}
    )
    return document


@transaction.atomic
def performance_agreement_save(
    *, actor: Actor, unit: Unit, year: int, signed_on: dt.date, targets: list[tuple[str, str]]
) -> PerformanceAgreement:
    """The yearly perjanjian kinerja with its targets (replaces the targets of that year)."""
    if not may(actor, Action.PARTICIPATION_MANAGE, unit):
        raise PermissionDenied(_("Anda tidak berwenang mencatat perjanjian kinerja unit ini."))
    cleaned = [(" ".join(i.split()), " ".join(t.split())) for i, t in targets if (i or "").strip()]
    if not cleaned:
        raise ValidationError(_("Perjanjian kinerja memerlukan paling sedikit satu target."))
    agreement = PerformanceAgreement.objects.select_for_update().filter(unit=unit, year=year).first()
    before = None
    if agreement is not None:
        before = {**audit.snapshot(agreement), "targets": list(agreement.targets.values_list("indicator", "target"))}
    agreement = agreement or PerformanceAgreement(unit=unit, year=year, signed_on=signed_on)
    agreement.signed_on = signed_on
    agreement.full_clean()
    agreement.save()
    agreement.targets.all().delete()
    PerformanceTarget.objects.bulk_create(
        [PerformanceTarget(agreement=agreement, indicator=i, target=t) for i, t in cleaned]
    )
    after = {**audit.snapshot(agreement), "targets": [list(p) for p in cleaned]}
    audit.record(actor, "update" if before else "create", agreement, before=audit.to_jsonable(before), after=after)
    return agreement


# --- TPI teams -------------------------------------------------------------------------------------------------


@transaction.atomic
def tpi_team_create(
    *,
    actor: Actor,
    agency: Agency,
    period: Any,
    name: str,
    leader: Any,
    controller: Any,
    members: Any = (),
    capacity: int | None = None,
) -> TpiTeam:
    if not may(actor, Action.TPI_TEAM_MANAGE, agency):
        raise PermissionDenied(_("Anda tidak berwenang mengelola tim TPI instansi ini."))
    people = [leader, controller, *members]
    for person in people:
        if not may(person, Action.TPI_SCORE):
            raise ValidationError(_("%(person)s tidak memiliki peran evaluator TPI.") % {"person": person})
    team = TpiTeam(agency=agency, period=period, name=" ".join((name or "").split()), leader=leader)
    team.controller = controller
    team.capacity = capacity
    _create_with_people(actor, team, "members", lambda: members)
    return team


@transaction.atomic
def tpi_team_set_members(*, actor: Actor, team: TpiTeam, members: Any) -> TpiTeam:
    """Replace the team's (ordinary) members; the leader and the technical controller stay as they are."""
    team = TpiTeam.objects.select_for_update().select_related("leader", "controller").get(pk=team.pk)
    if not may(actor, Action.TPI_TEAM_MANAGE, team.agency):
        raise PermissionDenied(_("Anda tidak berwenang mengelola tim TPI instansi ini."))
    members = list(members)
    for person in members:
        if not may(person, Action.TPI_SCORE):
            raise ValidationError(_("%(person)s tidak memiliki peran evaluator TPI.") % {"person": person})
    before = sorted(team.members.values_list("pk", flat=True))
    team.members.set(members)
    after = sorted(m.pk for m in members)
    audit.record(actor, "members", team, before={"members": before}, after={"members": after})
    return team


def team_load(team: TpiTeam) -> int:
    return Journey.objects.filter(tpi_team=team).exclude(assessment__state__in=(State.DECLARED, State.BUILDING)).count()


@transaction.atomic
def tpi_assign(*, actor: Actor, journey: Journey, team: TpiTeam, due: dt.date | None = None) -> Journey:
    """Assign a unit to a TPI team within the team's capacity."""
    journey = Journey.objects.select_for_update().select_related("unit").get(pk=journey.pk)
    if not may(actor, Action.TPI_TEAM_MANAGE, journey.unit.agency):
        raise PermissionDenied(_("Anda tidak berwenang menugaskan tim TPI."))
    if team.agency_id != journey.unit.agency_id or team.period_id != journey.period_id:
        raise ValidationError(_("Tim TPI harus dari instansi dan periode yang sama."))
    TpiTeam.objects.select_for_update().filter(pk=team.pk).first()  # serialise assignments to one team
    if journey.tpi_team_id != team.pk and team_load(team) >= team.effective_capacity():
        raise ValidationError(
            _("Tim %(team)s sudah penuh (%(capacity)s unit).")
            % {"team": team.name, "capacity": team.effective_capacity()}
        )
    if coi_reasons(team.leader, journey) and coi_reasons(team.controller, journey):
        raise ValidationError(
            _(
                "Konflik kepentingan: ketua tim (%(leader)s) dan pengendali teknis (%(controller)s) berasal "
                "dari %(unit)s atau unit di bawahnya; tidak ada yang dapat menyimpulkan LHE. Pilih tim lain."
            )
            % {"leader": team.leader, "controller": team.controller, "unit": journey.unit.name}
        )
    before = _snapshot(journey)
    journey.tpi_team = team
    journey.tpi_due = due
    journey.save(update_fields=["tpi_team", "tpi_due", "updated_at"])
    audit.record(actor, "assign", journey, before=before, after=_snapshot(journey))
    return journey


# --- lanes ---------------------------------------------------------------------------------------------------


def copy_lane(*, actor: Actor, assessment: Assessment, source: str, target: str, missing_only: bool = False) -> int:
    """Copy answers (choice, inputs, value; never notes) from one lane to the next and rescore the target.

    A question the target lane has not answered gets the source answer. Without ``missing_only`` a target row
    older than its source row is refreshed too. With it (every re-entry of a scorer's lane after a return) the
    target lane's answers are never touched: the unit's later edits do not overwrite the scorer's values; a changed
    unit answer is flagged "jawaban unit berubah" instead (:func:`zi.workflow.returns.handoff`).
    """
    existing = {a.question_id: a for a in Answer.objects.filter(assessment=assessment, lane=target)}
    now = timezone.now()
    create, update = [], []
    for row in Answer.objects.filter(assessment=assessment, lane=source):
        current = existing.get(row.question_id)
        if current is None:
            create.append(
                Answer(
                    assessment=assessment,
                    lane=target,
                    question_id=row.question_id,
                    choice=row.choice,
                    inputs=row.inputs,
                    value=row.value,
                    updated_by=actor_user(actor),
                )
            )
        elif (
            not missing_only
            and current.updated_at < row.updated_at
            and (current.choice, current.inputs, current.value)
            != (
                row.choice,
                row.inputs,
                row.value,
            )
        ):
            current.choice, current.inputs, current.value, current.updated_at = row.choice, row.inputs, row.value, now
            update.append(current)
    Answer.objects.bulk_create(create)
    Answer.objects.bulk_update(update, ["choice", "inputs", "value", "updated_at"])
    audit.record(
        actor,
        "copy_lane",
        assessment,
        after={
            "from": source,
            "to": target,
            "created": len(create),
            "refreshed": len(update),
            "missing_only": missing_only,
        },
    )
    lane_rescore(assessment=assessment, lane=target, actor=actor)
    return len(create) + len(update)


@transaction.atomic
def lane_note_save(*, actor: Actor, journey: Journey, lane: str, question_code: str, text: str) -> Answer:
    """A scorer's note on one question of their lane (the unit reads it while the LKE is returned)."""
    journey = Journey.objects.select_related("unit", "assessment", "period").get(pk=journey.pk)
    if lane not in (Lane.REVIEW, Lane.TPI) or not may_write_lane(actor, journey, lane):
        raise PermissionDenied(_("Anda tidak berwenang menulis catatan pada jalur ini sekarang."))
    if len(text or "") > 5000:
        raise ValidationError(_("Catatan terlalu panjang (maksimal 5000 karakter)."))

    question = LkeQuestion.objects.filter(template_id=journey.period.template_id, code=question_code).first()
    if question is None:
        raise ValidationError(
            _("Pertanyaan %(code)s tidak ada pada template LKE periode ini.") % {"code": question_code}
        )
    existing = Answer.objects.select_for_update().filter(assessment=journey.assessment, lane=lane, question=question)
    answer = existing.first() or Answer(assessment=journey.assessment, lane=lane, question=question)
    before = answer.note if answer.pk else None
    answer.note = (text or "").strip()
    answer.updated_by = actor_user(actor)
    answer.save()
    audit.record(actor, "note", answer, before={"note": before}, after={"note": answer.note}, extra={"lane": lane})
    return answer


# --- what the workflow registers with zi.assessments.stages ------------------------------------------------------


def tpi_lane_guard(actor: Actor, assessment: Assessment, lane: str) -> bool:
    """The TPI lane is written by members of the assigned team without a conflict of interest."""
    return lane != Lane.TPI or not machine.tpi_lane_reasons(actor, Journey.of(assessment))


# --- the state machine -------------------------------------------------------------------------------------------


def _apply_effects(actor: Actor, journey: Journey, to_state: str, note: str, data: dict[str, Any]) -> None:
    frm = journey.state
    assessment = journey.assessment
    if to_state == State.DECLARED:
        journey.target_predicate = str(data.get("target_predicate") or assessment.target_predicate)
        journey.afirmasi = bool(data.get("afirmasi")) and journey.target_predicate == Predicate.WBK
    elif to_state in (State.SELF_SUBMITTED, State.SUBMITTED):
        assessment.submitted_at = timezone.now()
    if to_state == State.IN_REVIEW:  # after a return the reviewer's values stay (returns.handoff flags changes)
        copy_lane(actor=actor, assessment=assessment, source=Lane.SELF, target=Lane.REVIEW, missing_only=True)
    elif to_state == State.TPI_EVALUATION and frm == State.TPI_RETURNED:
        journey.tpi_stage = 2
        copy_lane(actor=actor, assessment=assessment, source=Lane.SELF, target=Lane.TPI, missing_only=True)
    elif to_state == State.TPI_EVALUATION:
        reviewed = Answer.objects.filter(assessment=assessment, lane=Lane.REVIEW).exists()
        copy_lane(actor=actor, assessment=assessment, source=Lane.REVIEW if reviewed else Lane.SELF, target=Lane.TPI)
    elif to_state in (State.RETURNED, State.TPI_RETURNED):
        lane = Lane.REVIEW if to_state == State.RETURNED else Lane.TPI
        flags = data.get("flags") or []
        returns.record_return(actor=actor, journey=journey, lane=lane, reason=note, flags=flags)
    elif to_state in (State.TPI_MEETS, State.TPI_NOT_MEETS):
        journey.tpi_conclusion = note
        journey.tpi_override_reason, journey.tpi_override_checks = "", []
        if to_state == State.TPI_MEETS:
            failing = conditions.precondition_reasons(journey, today=timezone.localdate())
            override = str(data.get("override_reason") or "").strip()
            if failing and override:
                journey.tpi_override_reason, journey.tpi_override_checks = override, [str(r) for r in failing]
    elif to_state == State.PROPOSED:
        journey.proposed_at = timezone.now()
    elif to_state == State.AWARDED:
        journey.awarded_predicate = data.get("predicate") or journey.target_predicate
        journey.decree_number = " ".join(str(data["decree_number"]).split())
        journey.decree_date = data["decree_date"]
        predicate_services.award_record(
            actor=actor,
            unit=journey.unit,
            predicate=journey.awarded_predicate,
            year=journey.period.year,
            decree_number=journey.decree_number,
            decree_date=journey.decree_date,
            source=Source.TPN,
        )
    elif to_state == State.REVOKED:
        journey.revoked_on = data.get("revoked_on") or timezone.localdate()
        award = Award.objects.filter(unit=journey.unit, year=journey.period.year, revoked_on__isnull=True).first()
        if award is not None:
            predicate_services.award_revoke(actor=actor, award=award, revoked_on=journey.revoked_on, reason=note)


@transaction.atomic
def transition(
    *,
    actor: Actor,
    journey: Journey,
    to_state: str,
    note: str = "",
    expected_version: int,
    data: dict[str, Any] | None = None,
) -> Journey:
    """Move ``journey`` to ``to_state`` if the table allows it, the actor may, the guard passes and nobody
    changed the journey since ``expected_version`` was read. Refusals change nothing."""
    journey = (
        Journey.objects.select_for_update(of=("self", "assessment"))
        .select_related("unit", "unit__agency", "assessment", "period", "tpi_team")
        .get(pk=journey.pk)
    )
    if journey.version != expected_version:
        raise ValidationError(STALE, code="stale")
    rule = TRANSITIONS.get((journey.state, to_state))
    if rule is None:
        to_label = State(to_state).label if to_state in State.values else to_state
        raise ValidationError(
            _("Perpindahan dari tahap “%(from)s” ke “%(to)s” tidak diizinkan.")
            % {"from": journey.get_state_display(), "to": to_label},
            code="illegal",
        )
    if not may(actor, rule.action, journey.unit):
        raise PermissionDenied(_("Anda tidak berwenang mengambil keputusan ini untuk unit ini."))
    note = (note or "").strip()
    if len(note) > 5000:
        raise ValidationError(_("Catatan terlalu panjang (maksimal 5000 karakter)."))
    data = data or {}
    reasons = rule.guard(Move(journey=journey, actor=actor, to_state=to_state, note=note, data=data))
    if reasons:
        raise ValidationError(reasons, code="guard")
    before = _snapshot(journey)
    frm = journey.state
    _apply_effects(actor, journey, to_state, note, data)
    journey.state = to_state  # Assessment.state, the one owner
    journey.assessment.save(update_fields=["state", "submitted_at", "updated_at"])
    if rule.recorded:
        journey.version += 1
    journey.save()
    if rule.recorded:
        JourneyEvent.objects.create(
            journey=journey,
            actor=actor_user(actor),
            actor_label=actor_label(actor),
            from_state=frm,
            to_state=to_state,
            note=note,
            version=journey.version,
        )
    if rule.recorded:
        audit.record(
            actor,
            "transition",
            journey,
            before=before,
            after=_snapshot(journey),
            extra={"from": frm, "to": to_state, "note": note},
        )
    elif to_state == State.SUBMITTED:  # an unregistered LKE submitted: the assessment's submission
        fields = ("state", "submitted_at")
        after = audit.snapshot(journey.assessment, fields)
        audit.record(
            actor, "submit", journey.assessment, before={**after, "state": frm, "submitted_at": None}, after=after
        )
    else:  # the participation is registered: its journey's history begins
        audit.record(actor, "create", journey, after=_snapshot(journey))
    if to_state == State.TPI_MEETS and journey.tpi_override_reason:
        # The override is its own event in the chain: who concluded "memenuhi" despite which unmet checks, and why.
        audit.record(
            actor,
            "tpi_override",
            journey,
            after={"reason": journey.tpi_override_reason, "checks": journey.tpi_override_checks},
        )
    events.on_unit_changed(journey.unit_id, journey.period_id)  # the dashboards' stage, status and predicate
    # E-mails leave after the commit (on_commit).
    if to_state in (State.SELF_SUBMITTED, State.REVIEWED) and journey.tpi_team_id is None:
        notify_without_team(journey)
    notify_transition(journey, frm, note)
    return journey


@transaction.atomic
def calendar_save(
    *,
    actor: Actor,
    period: Any,
    proposal_deadline: dt.date,
    review_deadline: dt.date | None = None,
    tpi_deadline: dt.date | None = None,
    remind_days: int = 14,
) -> PeriodCalendar:
    """Deadlines of a period (national: ``workflow.calendar``, which only superusers hold, or the system)."""
    if actor is not None and not isinstance(actor, str) and not may(actor, Action.CALENDAR_MANAGE):
        raise PermissionDenied(_("Hanya administrator sistem yang dapat mengubah kalender periode."))
    if remind_days is None or not 0 <= int(remind_days) <= 365:
        raise ValidationError(_("Pengingat harus antara 0 dan 365 hari."))
    for label, value in ((_("Batas reviu"), review_deadline), (_("Batas evaluasi TPI"), tpi_deadline)):
        if value is not None and value > proposal_deadline:
            raise ValidationError(_("%(label)s tidak boleh setelah batas pengusulan ke TPN.") % {"label": label})
    calendar = PeriodCalendar.objects.filter(period=period).first()
    before = audit.snapshot(calendar) if calendar else None
    calendar = calendar or PeriodCalendar(period=period)
    calendar.proposal_deadline = proposal_deadline
    calendar.review_deadline = review_deadline
    calendar.tpi_deadline = tpi_deadline
    calendar.remind_days = remind_days
    audit.save_and_record(actor, calendar, before=before)
    return calendar


def submit_lke(actor: Actor, assessment: Assessment) -> None:
    """The submission registered with :func:`zi.assessments.stages.register_submitter`."""
    submit(actor=actor, assessment=assessment)


def submit(*, actor: Actor, assessment: Assessment) -> Journey:
    """Submission from the worksheet moves the journey (building/returned → self_submitted, LHE 1 fixes → TPI, an
    unregistered LKE started → submitted)."""
    journey = Journey.objects.get(assessment_id=assessment.pk)
    after: dict[str, str] = {State.TPI_RETURNED: State.TPI_EVALUATION, State.STARTED: State.SUBMITTED}
    to_state = after.get(journey.state, State.SELF_SUBMITTED)
    return transition(actor=actor, journey=journey, to_state=to_state, expected_version=journey.version)
