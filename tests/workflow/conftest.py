"""A world for journey tests: the assessments world plus head, TPI, admin, staff and helpers to drive states."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories, worlds
from tests.shared_worlds import shared_world
from tests.test_answer_services import build_world
from zi.accounts.models import EmploymentType
from zi.assessments import services as assessment_services
from zi.assessments.models import Lane
from zi.demo.assessments import _answer_for
from zi.organisations.models import Role
from zi.predicates import services as predicate_services
from zi.workflow import services
from zi.workflow.models import DocumentKind, State

# The TPI's reason for concluding "memenuhi" while the test world's agency preconditions are not recorded.
OVERRIDE = "Data syarat instansi tahun ini menyusul dari Inspektorat."
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="dok.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def fill_lane(world, quality=0.97, lane=Lane.SELF, actor=None):
    rng = random.Random(7)
    a = world["assessment"]
    actor = actor or world["member"]
    for code, question in world["spec"].questions.items():
        assessment_services.answer_save(
            actor=actor,
            assessment=a,
            question_code=code,
            raw=_answer_for(question, quality, rng),
            lane=lane,
            rescore=False,
        )
    from zi.assessments.scoring import lane_rescore

    lane_rescore(assessment=a, lane=lane)


def make_world(tree, agency):
    world = build_world(tree)
    lapas = tree["lapas"]
    world["agency"] = agency
    world["head"] = factories.make_user_with_role(Role.UNIT_HEAD, unit=lapas, username="kepala", unit_id=lapas.pk)
    world["leader"].unit = lapas
    world["leader"].save()
    world["honorer"] = factories.UserFactory(username="honorer", unit=lapas, employment_type=EmploymentType.NON_ASN)
    world["pns"] = factories.UserFactory(username="pns", unit=lapas)
    world["admin"] = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency, username="admin")
    world["tpi1"] = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, username="tpi1")
    world["tpi2"] = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, username="tpi2")
    world["tpi3"] = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, username="tpi3")
    # an evaluator who works at the Lapas itself: conflict of interest
    world["tpi_home"] = factories.make_user_with_role(
        Role.TPI_EVALUATOR, agency=agency, username="tpihome", unit_id=lapas.pk
    )
    return world


def _build_journey_world() -> dict:
    tree = worlds.build_tree()
    return {**make_world(tree, tree["ditjen"].agency), "tree": tree}


# The journey world, built once per worker and shared by the workflow tests (tests/shared_worlds.py).
jw = shared_world("journey", _build_journey_world, fixture="jw")


def declare(world, declared_on=None):
    declaration = services.declaration_record(
        actor=world["head"],
        unit=world["lapas"],
        declared_on=declared_on or dt.date(2025, 1, 15),
        place="Aula Lapas Palembang",
        signatories=[world["honorer"], world["pns"], world["head"]],
    )
    services.declaration_add_document(
        actor=world["head"], declaration=declaration, kind=DocumentKind.PACT, uploaded_file=pdf("pakta.pdf")
    )
    return declaration


def go(world, journey, to_state, actor, note="", data=None):
    journey.refresh_from_db()
    return services.transition(
        actor=world[actor] if isinstance(actor, str) else actor,
        journey=journey,
        to_state=to_state,
        note=note,
        expected_version=journey.version,
        data=data,
    )


def team(world, members=("tpi3",), name="Tim 1", leader="tpi1", controller="tpi2"):
    return services.tpi_team_create(
        actor=world["admin"],
        agency=world["agency"],
        period=world["period"],
        name=name,
        leader=world[leader],
        controller=world[controller],
        members=[world[m] for m in members],
    )


def lapas_holds_wbk(world):
    """Lapas was awarded WBK in 2024 (the precondition of a WBBM target)."""
    predicate_services.award_record(
        actor="cli",
        unit=world["lapas"],
        predicate="WBK",
        year=2024,
        decree_number="KEP-9/M.PAN-RB/12/2024",
        decree_date=dt.date(2024, 12, 9),
    )


def journey_at(world, state, fill=True, target_predicate=None):
    """Drive a fresh journey to ``state`` along the main path."""
    declare(world)
    journey = services.participation_create(
        actor=world["head"], assessment=world["assessment"], target_predicate=target_predicate
    )
    path = [
        (State.BUILDING, "head", ""),
        (State.SELF_SUBMITTED, "leader", ""),
        (State.IN_REVIEW, "reviewer", ""),
        (State.REVIEWED, "reviewer", ""),
        (State.TPI_EVALUATION, "tpi1", ""),
        (State.TPI_MEETS, "tpi1", "Memenuhi"),
    ]
    for to_state, actor, note in path:
        if journey.state == state:
            return journey
        if to_state == State.SELF_SUBMITTED and fill:
            fill_lane(world)
        if to_state == State.TPI_EVALUATION:
            services.tpi_assign(actor=world["admin"], journey=journey, team=team(world))
        data = {"override_reason": OVERRIDE} if to_state == State.TPI_MEETS else None
        journey = go(world, journey, to_state, actor, note, data=data)
    assert journey.state == state
    return journey
