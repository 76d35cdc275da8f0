from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.api import world as api_world
from tests.api.world import PDF
from zi.assessments import services as assessment_services
from zi.organisations.models import Role
from zi.workflow import services as workflow_services
from zi.workflow.models import DocumentKind, State

# The API world's fixtures are defined once, in tests/api/world.py (tests/security uses them too).
world = api_world.world
api_client_for = api_world.api_client_for


@pytest.fixture
def journey(world):
    """A journey of the Lapas in ``building`` (its own period, so the world's other assessments are untouched)."""
    head = world["users"][(Role.UNIT_HEAD, True)]
    period = assessment_services.period_create(
        actor=None,
        year=2027,
        name="Periode 2027",
        template=world["period"].template,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    assessment = assessment_services.assessment_start(actor=world["member"], unit=world["tree"]["lapas"], period=period)
    declaration = workflow_services.declaration_record(
        actor=head,
        unit=world["tree"]["lapas"],
        declared_on=dt.date(2025, 1, 15),
        place="Aula Lapas",
        signatories=[world["staff"]],
    )
    workflow_services.declaration_add_document(
        actor=head,
        declaration=declaration,
        kind=DocumentKind.PACT,
        uploaded_file=SimpleUploadedFile("pakta.pdf", PDF, content_type="application/pdf"),
    )
    journey = workflow_services.participation_create(actor=head, assessment=assessment)
    factories.answer_rest(assessment)  # every question answered: the submission's pre-submit check passes
    return workflow_services.transition(
        actor=head, journey=journey, to_state=State.BUILDING, note="", expected_version=journey.version
    )
