"""A small but complete instance for API and security tests: one agency tree, every role inside and outside
the Lapas Palembang subtree, a submitted and a draft assessment with answers and evidence, a complaint and a
survey campaign."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories, worlds
from tests.shared_worlds import shared_world
from zi.api import services as api_services
from zi.assessments import services as assessment_services
from zi.lke.services import template_spec
from zi.organisations.models import Role
from zi.programme import services as programme_services
from zi.surveys import services as survey_services
from zi.surveys.models import Instrument

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
ROLES = [choice.value for choice in Role]
TEAM = {Role.UNIT_TEAM_MEMBER, Role.UNIT_TEAM_LEADER}
DRAFT_VIEWERS = TEAM | {Role.UNIT_HEAD}
DASHBOARD_ROLES = {
    Role.AGENCY_ADMIN,
    Role.UNIT_HEAD,
    Role.REVIEWER,
    Role.TPI_EVALUATOR,
    Role.LEADER,
    Role.NATIONAL_VIEWER,
}


def _scope(role: str, tree: dict, agency, inside: bool) -> dict:
    if role == Role.NATIONAL_VIEWER:
        return {}
    if role == Role.AGENCY_ADMIN:
        return {"agency": agency if inside else factories.AgencyFactory(code="LAIN", name="Instansi lain")}
    if role in DRAFT_VIEWERS:
        return {"unit": tree["lapas"] if inside else tree["rutan_tpi"]}
    return {"unit": tree["sumsel"] if inside else tree["kepri"]}


def build(tree: dict) -> dict:
    template = worlds.lke_template()
    survey_services.instruments_load_all()
    spec = template_spec(template)
    period = worlds.year_period(2026, audited=True)
    period_draft = worlds.year_period(2025, audited=True)
    lapas = tree["lapas"]
    agency = lapas.agency
    users = {}
    for role in ROLES:
        users[(role, True)] = factories.make_user_with_role(
            role, username=f"in-{role}", **_scope(role, tree, agency, True)
        )
        if role != Role.NATIONAL_VIEWER:
            users[(role, False)] = factories.make_user_with_role(
                role, username=f"out-{role}", **_scope(role, tree, agency, False)
            )
    member = users[(Role.UNIT_TEAM_MEMBER, True)]
    leader = users[(Role.UNIT_TEAM_LEADER, True)]
    staff = factories.UserFactory(username="staf-lapas", full_name="Staf Lapas", unit=lapas, position="Analis")
    codes = {}
    for code, question in spec.questions.items():
        codes.setdefault(question.answer_type, code)
    choice_code = codes["ya_tidak"]

    submitted = assessment_services.assessment_start(actor=member, unit=lapas, period=period)
    answer = assessment_services.answer_save(
        actor=member, assessment=submitted, question_code=choice_code, raw="Ya", note="catatan"
    )
    evidence = assessment_services.evidence_add_file(
        actor=member,
        assessment=submitted,
        question_code=choice_code,
        title="SK Tim ZI",
        uploaded_file=SimpleUploadedFile("sk.pdf", PDF, content_type="application/pdf"),
    )
    factories.answer_rest(submitted)  # a submission answers every question (the pre-submit check)
    assessment_services.assessment_submit(actor=leader, assessment=submitted)
    draft = assessment_services.assessment_start(actor=member, unit=lapas, period=period_draft)
    complaint, _code = programme_services.complaint_create(
        actor=member,
        unit=lapas,
        channel="counter",
        category="pelayanan",
        subject="Antrean lama",
        description="Antrean terlalu lama",
        complainant_name="Budi Rahasia",
        complainant_contact="0812-rahasia",
    )
    now = timezone.now()
    campaign = survey_services.campaign_create(
        actor=None,
        unit=lapas,
        period=period,
        instruments=[Instrument.objects.filter(kind="skm").first()],
        title="Survei Layanan 2026",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        respondent_groups=["pengguna_layanan"],
    )
    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    _token, token = api_services.token_create(actor=None, user=superuser, name="tests")
    return {
        "tree": tree,
        "agency": agency,
        "spec": spec,
        "period": period,
        "users": users,
        "member": member,
        "leader": leader,
        "staff": staff,
        "submitted": submitted,
        "draft": draft,
        "answer": answer,
        "evidence": evidence,
        "complaint": complaint,
        "campaign": campaign,
        "choice_code": choice_code,
        "superuser": superuser,
        "superuser_token": token,
    }


# The fixtures of tests/api and tests/security (their conftests import them).


def _build_shared() -> dict:
    return build(worlds.build_tree())


# Built once per worker and shared by tests/api and tests/security (tests/shared_worlds.py).
world = shared_world("api", _build_shared)


@pytest.fixture
def api_client_for():
    """An API client authenticated with a fresh personal token of ``user`` (or anonymous for None)."""

    def make(user):
        client = APIClient()
        if user is not None:
            _token, raw = api_services.token_create(actor=None, user=user, name="test")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make
