"""The journey state machine: every move allowed and refused (role, subtree, state, stale version), effects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tests.workflow.conftest import OVERRIDE, declare, fill_lane, go, journey_at, pdf, team
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, AssessmentStatus, Lane, LaneScore
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.workflow import machine, services
from zi.workflow.models import Journey, JourneyEvent, State

COI = "Konflik kepentingan: evaluator berasal dari unit yang dievaluasi atau unit di bawahnya."
NO_OVERRIDE = (
    "Simpulan “memenuhi” ditolak selama syarat di atas belum terpenuhi, kecuali TPI mencatat pengecualian beserta "
    "alasannya."
)
LEAD_ONLY = "Hanya ketua tim atau pengendali teknis yang dapat menyimpulkan LHE."


def _unchanged(journey):
    fresh = Journey.objects.get(pk=journey.pk)
    assert (fresh.state, fresh.version) == (journey.state, journey.version)


def test_table_is_the_only_source_of_moves():
    states = {s for pair in machine.TRANSITIONS for s in pair}
    assert states == set(State.values)
    for rule in machine.TRANSITIONS.values():
        assert rule.action and callable(rule.guard)


def test_happy_path_with_events_status_and_audit(jw):
    journey = journey_at(jw, State.TPI_MEETS)
    a = jw["assessment"]
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    events = list(JourneyEvent.objects.filter(journey=journey).values_list("from_state", "to_state", "version"))
    assert events[0] == (State.DECLARED, State.BUILDING, 2)
    assert events[-1] == (State.TPI_EVALUATION, State.TPI_MEETS, 7)
    assert journey.tpi_conclusion == "Memenuhi"
    assert AuditEvent.objects.filter(action="transition", object_id=str(journey.pk)).count() == 6
    assert verify().ok


def test_illegal_move_refused_nothing_changed(jw):
    journey = journey_at(jw, State.BUILDING)
    with pytest.raises(ValidationError, match="tidak diizinkan"):
        go(jw, journey, State.PROPOSED, "admin")
    with pytest.raises(ValidationError):
        go(jw, journey, State.TPI_MEETS, "tpi1")
    _unchanged(journey)


def test_wrong_role_refused(jw):
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    with pytest.raises(PermissionDenied):
        go(jw, journey, State.SELF_SUBMITTED, "member")  # members answer but do not submit
    with pytest.raises(PermissionDenied):
        go(jw, journey, State.SELF_SUBMITTED, "reviewer")
    _unchanged(journey)
    journey = go(jw, journey, State.SELF_SUBMITTED, "leader")
    with pytest.raises(PermissionDenied):
        go(jw, journey, State.IN_REVIEW, "leader")
    with pytest.raises(PermissionDenied):
        go(jw, journey, State.IN_REVIEW, "tpi1")
    _unchanged(journey)


def test_outside_subtree_refused(jw, tree):
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    journey = go(jw, journey, State.SELF_SUBMITTED, "leader")
    kepri_reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["kepri"], username="rev-kepri")
    with pytest.raises(PermissionDenied):
        go(jw, journey, State.IN_REVIEW, kepri_reviewer)
    rutan_head = factories.make_user_with_role(Role.UNIT_HEAD, unit=tree["rutan"], username="head-rutan")
    journey2 = Journey.objects.get(pk=journey.pk)
    with pytest.raises(PermissionDenied):
        go(jw, journey2, State.IN_REVIEW, rutan_head)
    _unchanged(journey)


def test_stale_version_refused(jw):
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    stale = journey.version
    go(jw, journey, State.SELF_SUBMITTED, "leader")
    with pytest.raises(ValidationError, match="diubah orang lain"):
        services.transition(
            actor=jw["reviewer"], journey=journey, to_state=State.IN_REVIEW, expected_version=stale, note=""
        )
    assert Journey.objects.get(pk=journey.pk).state == State.SELF_SUBMITTED


def test_declared_needs_pact_and_signatures(jw):
    journey = services.participation_create(actor=jw["head"], assessment=jw["assessment"])
    with pytest.raises(ValidationError) as exc:
        go(jw, journey, State.BUILDING, "head")
    assert exc.value.messages == ["Unit belum mencatat pencanangan."]
    declaration = services.declaration_record(
        actor=jw["head"], unit=jw["lapas"], declared_on=dt.date(2025, 2, 1), place="Palembang"
    )
    with pytest.raises(ValidationError) as exc:
        go(jw, journey, State.BUILDING, "head")
    assert exc.value.messages == [
        "Dokumen pakta integritas belum diunggah.",
        "Belum ada pegawai yang menandatangani pakta integritas.",
    ]
    services.declaration_sign(actor=jw["head"], declaration=declaration, users=[jw["honorer"]])
    services.declaration_add_document(actor=jw["head"], declaration=declaration, kind="pact", uploaded_file=pdf())
    assert go(jw, journey, State.BUILDING, "head").state == State.BUILDING


def test_an_assessment_has_its_journey_from_the_start(jw):
    """One state, one owner: an assessment is created with its journey ("started", the self lane open); an LKE
    submitted before the participation is registered is "submitted" (open to its reviewers); registering declares
    it. Neither move is a journey event: the history begins with the registration."""
    a = jw["assessment"]
    assert Journey.objects.get(assessment=a).state == State.STARTED and a.status == AssessmentStatus.DRAFT
    fill_lane(jw)
    assessment_services.assessment_submit(actor=jw["leader"], assessment=a)
    a.refresh_from_db()
    assert (a.state, a.status) == (State.SUBMITTED, AssessmentStatus.SUBMITTED) and a.submitted_at
    assert assessment_services.may_answer(jw["reviewer"], a, Lane.REVIEW)
    assert not assessment_services.may_answer(jw["member"], a)
    journey = services.participation_create(actor=jw["head"], assessment=a)
    assert (journey.state, journey.version) == (State.DECLARED, 1) and not journey.events.exists()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT and not assessment_services.may_answer(jw["member"], a)
    with pytest.raises(ValidationError, match="sudah tercatat"):
        services.participation_create(actor=jw["head"], assessment=a)


def test_self_lane_follows_the_state(jw):
    a, code = jw["assessment"], jw["codes"]["abc"]
    journey = services.participation_create(actor=jw["head"], assessment=a)
    with pytest.raises(PermissionDenied):  # declared: not yet building
        assessment_services.answer_save(actor=jw["member"], assessment=a, question_code=code, raw="A")
    declare(jw)
    journey = go(jw, journey, State.BUILDING, "head")
    assert services.may_write_lane(jw["member"], journey, Lane.SELF)  # the unit's own lane: the state decides
    with pytest.raises(ValidationError, match="belum dijawab"):  # the one pre-submit check: every question answered
        assessment_services.assessment_submit(actor=jw["leader"], assessment=a)
    fill_lane(jw)
    assessment_services.answer_save(actor=jw["member"], assessment=a, question_code=code, raw="A")
    assessment_services.assessment_submit(actor=jw["leader"], assessment=a)  # the worksheet button moves the journey
    journey.refresh_from_db()
    assert journey.state == State.SELF_SUBMITTED
    with pytest.raises(PermissionDenied):
        assessment_services.answer_save(actor=jw["member"], assessment=a, question_code=code, raw="B")
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    services.lane_note_save(
        actor=jw["reviewer"], journey=journey, lane=Lane.REVIEW, question_code=code, text="Perbaiki SK"
    )
    with pytest.raises(ValidationError) as refused:  # returning needs a note
        go(jw, journey, State.RETURNED, "reviewer", note="  ")
    assert refused.value.messages == ["Catatan wajib diisi untuk mengembalikan atau memutuskan."]
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Lengkapi data dukung")
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT
    from zi.workflow.selectors import returned_notes

    assert returned_notes(journey, jw["member"]) == [(Lane.REVIEW, code, "Perbaiki SK")]
    assessment_services.answer_save(actor=jw["member"], assessment=a, question_code=code, raw="B")  # open again
    assessment_services.assessment_submit(actor=jw["leader"], assessment=a)
    journey.refresh_from_db()
    assert journey.state == State.SELF_SUBMITTED
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    review = Answer.objects.get(assessment=a, lane=Lane.REVIEW, question__code=code)
    # the reviewer's value is never overwritten by the unit's fix: it is flagged "jawaban unit berubah" instead
    assert review.choice == "A" and review.note == "Perbaiki SK"
    from zi.workflow.returns import handoff

    assert [item.code for item in handoff(journey, Lane.REVIEW).awaiting] == [code]


def test_copy_forward_review_then_tpi(jw):
    journey = journey_at(jw, State.IN_REVIEW)
    a = jw["assessment"]
    own = dict(Answer.objects.filter(assessment=a, lane=Lane.SELF).values_list("question_id", "value"))
    review = dict(Answer.objects.filter(assessment=a, lane=Lane.REVIEW).values_list("question_id", "value"))
    assert own == review and len(own) == len(jw["spec"].questions)
    assert not Answer.objects.filter(assessment=a, lane=Lane.REVIEW).exclude(note="").exists()
    assert (
        LaneScore.objects.get(assessment=a, lane=Lane.REVIEW).total
        == LaneScore.objects.get(assessment=a, lane=Lane.SELF).total
    )
    code = jw["codes"]["abc"]
    assessment_services.answer_save(
        actor=jw["reviewer"], assessment=a, question_code=code, raw="C", note="Tidak ada bukti", lane=Lane.REVIEW
    )
    journey = go(jw, journey, State.REVIEWED, "reviewer")
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi3")
    tpi = Answer.objects.get(assessment=a, lane=Lane.TPI, question__code=code)
    assert tpi.choice == "C" and tpi.note == ""  # copied from review, not self; notes stay in their lane
    assert LaneScore.objects.filter(assessment=a, lane=Lane.TPI).exists()
    with pytest.raises(PermissionDenied):  # review lane closed now
        assessment_services.answer_save(actor=jw["reviewer"], assessment=a, question_code=code, raw="A", lane="review")


def test_direct_to_tpi_copies_self(jw):
    journey = journey_at(jw, State.SELF_SUBMITTED)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi1")
    assert Answer.objects.filter(assessment=jw["assessment"], lane=Lane.TPI).count() == len(jw["spec"].questions)


def test_tpi_two_stages_team_and_conflict_of_interest(jw):
    journey = journey_at(jw, State.REVIEWED)
    with pytest.raises(ValidationError) as refused:  # no team yet
        go(jw, journey, State.TPI_EVALUATION, "tpi1")
    assert refused.value.messages == ["Unit belum ditugaskan ke tim TPI."]
    t = team(jw, members=("tpi3", "tpi_home"))
    services.tpi_assign(actor=jw["admin"], journey=journey, team=t)
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_EVALUATION, "tpi_home")
    assert refused.value.messages == [COI]
    outsider = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=jw["agency"], username="tpi-out")
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_EVALUATION, outsider)
    assert refused.value.messages == ["Anda bukan anggota tim TPI yang ditugaskan untuk unit ini."]
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi3")
    a, code = jw["assessment"], jw["codes"]["abc"]
    for system in ("cli", None):  # a system process is no evaluator: refused (the team rule does not fail on it)
        assert not assessment_services.may_answer(system, a, Lane.TPI)
        assert not services.may_write_lane(system, journey, Lane.TPI)
    with pytest.raises(PermissionDenied):  # conflict of interest: may not score
        assessment_services.answer_save(actor=jw["tpi_home"], assessment=a, question_code=code, raw="A", lane="tpi")
    with pytest.raises(PermissionDenied):  # not in the assigned team
        assessment_services.answer_save(actor=outsider, assessment=a, question_code=code, raw="A", lane="tpi")
    assessment_services.answer_save(actor=jw["tpi3"], assessment=a, question_code=code, raw="A", lane="tpi")
    # LHE 1 returns the LKE for fixes; the unit fixes and resubmits; stage 2 concludes
    journey = go(jw, journey, State.TPI_RETURNED, "tpi3", note="LHE 1: lengkapi")
    assessment_services.answer_save(actor=jw["member"], assessment=a, question_code=code, raw="B")
    assessment_services.assessment_submit(actor=jw["leader"], assessment=a)
    journey.refresh_from_db()
    assert (journey.state, journey.tpi_stage) == (State.TPI_EVALUATION, 2)
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_RETURNED, "tpi3", note="lagi")
    assert refused.value.messages == ["LHE 1 sudah dikembalikan; tahap kedua harus disimpulkan (LHE 2)."]
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_NOT_MEETS, "tpi3", note="x")
    assert refused.value.messages == [LEAD_ONLY]
    with pytest.raises(ValidationError) as refused:  # "memenuhi" too, whatever else it lacks
        go(jw, journey, State.TPI_MEETS, "tpi3", note="x", data={"override_reason": OVERRIDE})
    assert refused.value.messages[0] == LEAD_ONLY
    data = {"override_reason": OVERRIDE}
    assert go(jw, journey, State.TPI_MEETS, "tpi2", note="LHE 2", data=data).state == State.TPI_MEETS


def test_superuser_and_a_conflicted_controller(jw):
    """A superuser may act for the TPI team without being in it; the team's leader and controller conclude, but not
    one from the evaluated unit (conflict of interest)."""
    journey = journey_at(jw, State.SELF_SUBMITTED)
    t = team(jw, name="Tim 2", controller="tpi_home")
    services.tpi_assign(actor=jw["admin"], journey=journey, team=t)
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    journey = go(jw, journey, State.TPI_EVALUATION, root)
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_NOT_MEETS, "tpi_home", note="Belum")
    assert refused.value.messages == [COI]
    assert go(jw, journey, State.TPI_NOT_MEETS, root, note="Belum").state == State.TPI_NOT_MEETS


def test_lane_notes_follow_the_state_the_team_and_the_role(jw, tree):
    """Who may write a scored lane now (``services.may_write_lane``, used by the lane pages and notes): the lane open
    in the state, the scorer's role in the unit's subtree, for the TPI lane the assigned team without a conflict."""
    journey = journey_at(jw, State.SELF_SUBMITTED)
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw, members=("tpi3", "tpi_home")))
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    code = jw["codes"]["abc"]

    def note(actor, lane):
        services.lane_note_save(actor=actor, journey=journey, lane=lane, question_code=code, text="Cek bukti")

    note(jw["reviewer"], Lane.REVIEW)  # a team is assigned: the TPI rule does not bind the review lane
    kepri_reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["kepri"], username="rev-kepri")
    for actor, lane in ((jw["member"], Lane.REVIEW), (kepri_reviewer, Lane.REVIEW), (jw["tpi3"], Lane.TPI)):
        with pytest.raises(PermissionDenied):  # no reviewer; a reviewer of another subtree; the TPI lane is closed
            note(actor, lane)
    journey = go(jw, journey, State.REVIEWED, "reviewer")
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi3")
    note(jw["tpi3"], Lane.TPI)
    outsider = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=jw["agency"], username="tpi-out")
    for actor, lane in ((jw["tpi_home"], Lane.TPI), (outsider, Lane.TPI), (jw["reviewer"], Lane.REVIEW)):
        with pytest.raises(PermissionDenied):  # conflict of interest; not in the team; the review lane is closed
            note(actor, lane)
    assert Answer.objects.get(assessment=jw["assessment"], lane=Lane.TPI, question__code=code).note == "Cek bukti"


def test_tpi_meets_requires_threshold(jw):
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw, quality=0.3)
    go(jw, journey, State.SELF_SUBMITTED, "leader")
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    go(jw, journey, State.TPI_EVALUATION, "tpi1")
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.TPI_MEETS, "tpi1", note="ok")
    # the head, the scorer's own reasons (zi.lke.scoring), then the preconditions and why they block "memenuhi"
    assert refused.value.messages[:3] == [
        "Nilai jalur TPI belum memenuhi ambang WBK.",
        "Nilai total 54,81 < 75,00",
        "Nilai pengungkit 27,94 < 40,00",
    ]
    assert refused.value.messages[-1] == NO_OVERRIDE
    assert go(jw, journey, State.TPI_NOT_MEETS, "tpi1", note="Belum").state == State.TPI_NOT_MEETS


def test_team_capacity(jw, settings):
    settings.ZI_TPI_TEAM_CAPACITY = 0
    journey = journey_at(jw, State.SELF_SUBMITTED)
    t = team(jw)
    with pytest.raises(ValidationError, match="penuh"):
        services.tpi_assign(actor=jw["admin"], journey=journey, team=t)
    with pytest.raises(PermissionDenied):
        services.tpi_assign(actor=jw["reviewer"], journey=journey, team=t)
    with pytest.raises(PermissionDenied):
        team_of_reviewer = services.tpi_team_create  # only the agency admin manages teams
        team_of_reviewer(
            actor=jw["tpi1"],
            agency=jw["agency"],
            period=jw["period"],
            name="X",
            leader=jw["tpi1"],
            controller=jw["tpi2"],
        )
    with pytest.raises(ValidationError, match="evaluator TPI"):
        services.tpi_team_create(
            actor=jw["admin"],
            agency=jw["agency"],
            period=jw["period"],
            name="Y",
            leader=jw["reviewer"],
            controller=jw["tpi2"],
        )
