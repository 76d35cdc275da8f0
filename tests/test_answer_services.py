"""Services of assessments: periods, starting, answers (all answer types), submission, permissions, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories, worlds
from tests.shared_worlds import shared_world
from zi.assessments import services
from zi.assessments.models import Answer, Assessment, AssessmentStatus, LaneScore
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.lke.services import template_spec
from zi.organisations.models import Role


def build_world(tree) -> dict:
    """LKE template, an open period, team roles at Lapas Palembang and a draft assessment."""
    period = worlds.year_period(2026, audited=True)
    template = period.template
    lapas = tree["lapas"]
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=lapas, username="anggota")
    leader = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=lapas, username="ketua")
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"], username="reviewer")
    other = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"], username="rutan")
    assessment = services.assessment_start(actor=member, unit=lapas, period=period, target_predicate="WBK")
    spec = template_spec(template)
    codes = {}
    for code, question in spec.questions.items():
        codes.setdefault(question.answer_type, code)
    return {
        "template": template,
        "spec": spec,
        "period": period,
        "member": member,
        "leader": leader,
        "reviewer": reviewer,
        "other": other,
        "assessment": assessment,
        "codes": codes,
        **tree,
    }


def build_shared_world() -> dict:
    """:func:`build_world` on its own tree (the shared world's builder: ``world["tree"]``, ``world["agency"]``)."""
    tree = worlds.build_tree()
    return {**build_world(tree), "tree": tree, "agency": tree["ditjen"].agency}


# Built once per worker and shared by the modules that stand on it (tests/shared_worlds.py).
world = shared_world("assessment", build_shared_world)


def _answer(world, code):
    return Answer.objects.filter(assessment=world["assessment"], question__code=code).first()


def test_answer_each_type_and_rescore(world):
    a, member, codes = world["assessment"], world["member"], world["codes"]
    services.answer_save(actor=member, assessment=a, question_code=codes["ya_tidak"], raw="Ya", note="SK ada")
    services.answer_save(actor=member, assessment=a, question_code=codes["abc"], raw="B")
    services.answer_save(actor=member, assessment=a, question_code=codes["abcd"], raw="c")  # case-insensitive
    services.answer_save(actor=member, assessment=a, question_code=codes["abcde"], raw="E")
    computed = world["spec"].questions[codes["computed_percentage"]]
    services.answer_save(
        actor=member,
        assessment=a,
        question_code=computed.code,
        raw={i.key: 10 for i in computed.inputs},
    )
    services.answer_save(actor=member, assessment=a, question_code=codes["index_0_4"], raw=3.2)
    assert _answer(world, codes["ya_tidak"]).value == 1.0
    assert _answer(world, codes["ya_tidak"]).note == "SK ada"
    assert _answer(world, codes["abc"]).value == 0.5
    assert _answer(world, codes["abcd"]).choice == "C"
    assert _answer(world, codes["abcde"]).value == 0.0
    assert _answer(world, computed.code).inputs == {i.key: 10.0 for i in computed.inputs}
    assert _answer(world, computed.code).value == 1.0
    assert _answer(world, codes["index_0_4"]).value == pytest.approx(0.8)
    score = LaneScore.objects.get(assessment=a, lane="self")
    assert score.total > 0
    assert verify().ok


def test_invalid_answers_store_nothing(world):
    a, member, codes = world["assessment"], world["member"], world["codes"]
    with pytest.raises(ValidationError):
        services.answer_save(actor=member, assessment=a, question_code=codes["abc"], raw="Z")
    computed = world["spec"].questions[codes["computed_percentage"]]
    with pytest.raises(ValidationError):
        services.answer_save(
            actor=member, assessment=a, question_code=computed.code, raw={i.key: -1 for i in computed.inputs}
        )
    with pytest.raises(ValidationError):
        services.answer_save(actor=member, assessment=a, question_code=codes["index_0_4"], raw=4.5)
    with pytest.raises(ValidationError):
        services.answer_save(actor=member, assessment=a, question_code="X.9.9", raw="A")
    assert not Answer.objects.filter(assessment=a).exists()


def test_unchanged_autosave_writes_no_audit(world):
    a, member, code = world["assessment"], world["member"], world["codes"]["abc"]
    services.answer_save(actor=member, assessment=a, question_code=code, raw="A", note="x")
    count = AuditEvent.objects.count()
    services.answer_save(actor=member, assessment=a, question_code=code, raw="A", note="x")
    assert AuditEvent.objects.count() == count
    services.answer_save(actor=member, assessment=a, question_code=code, raw="B")  # note=None keeps the note
    answer = _answer(world, code)
    assert (answer.choice, answer.note) == ("B", "x")
    event = AuditEvent.objects.order_by("-seq").filter(object_type="assessments.answer").first()
    assert event.before["choice"] == "A" and event.after["choice"] == "B"


def test_who_may_answer(world):
    a, code = world["assessment"], world["codes"]["abc"]
    for user in (world["reviewer"], world["other"]):
        with pytest.raises(PermissionDenied):
            services.answer_save(actor=user, assessment=a, question_code=code, raw="A")
    head = factories.make_user_with_role(Role.UNIT_HEAD, unit=world["lapas"], username="kepala")
    with pytest.raises(PermissionDenied):  # the head may submit but does not fill in answers
        services.answer_save(actor=head, assessment=a, question_code=code, raw="A")
    tpi = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=world["lapas"].agency, username="tpi")
    with pytest.raises(PermissionDenied):
        services.answer_save(actor=tpi, assessment=a, question_code=code, raw="A")
    assert not Answer.objects.exists()


def test_submit_locks_the_team_out(world):
    a, member, leader, code = world["assessment"], world["member"], world["leader"], world["codes"]["abc"]
    services.answer_save(actor=member, assessment=a, question_code=code, raw="A")
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=member, assessment=a)  # members cannot submit
    with pytest.raises(ValidationError, match="belum dijawab"):  # every question answered first
        services.assessment_submit(actor=leader, assessment=a)
    factories.answer_rest(a)
    services.assessment_submit(actor=leader, assessment=a)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED and a.submitted_at
    with pytest.raises(PermissionDenied):
        services.answer_save(actor=member, assessment=a, question_code=code, raw="B")
    with pytest.raises(ValidationError):
        services.assessment_submit(actor=leader, assessment=a)
    assert _answer(world, code).choice == "A"
    assert verify().ok


def test_assessment_start_rules(world):
    period = world["period"]
    with pytest.raises(ValidationError):  # one per unit and period
        services.assessment_start(actor=world["member"], unit=world["lapas"], period=period)
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=world["member"], unit=world["rutan"], period=period)
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=world["reviewer"], unit=world["rutan"], period=period)
    with pytest.raises(ValidationError):  # WBBM needs WBK first
        services.assessment_start(actor=world["other"], unit=world["rutan"], period=period, target_predicate="WBBM")
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=world["lapas"].agency, username="admin")
    created = services.assessment_start(actor=admin, unit=world["rutan"], period=period, target_predicate="WBK")
    assert created.status == AssessmentStatus.DRAFT
    period.is_open = False
    period.save()
    with pytest.raises(ValidationError):
        services.assessment_start(actor=admin, unit=world["rutan_tpi"], period=period)
    assert Assessment.objects.count() == 2


def test_period_create_needs_superuser(world):
    with pytest.raises(PermissionDenied):
        services.period_create(
            actor=world["member"],
            year=2027,
            name="2027",
            template=world["template"],
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 12, 31),
        )
    with pytest.raises(ValidationError):
        services.period_create(
            actor=None,
            year=2026,
            name="dup",
            template=world["template"],
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
