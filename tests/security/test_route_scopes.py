"""Role × inside/outside-subtree cases for the routes that had none elsewhere (found by the route enumeration in
``test_routes.py``): outside its subtree every role gets 404 and changes nothing; inside, the roles the rule
grants get through and the others get 403 (or 404 where the object itself is not theirs to see).

Every request runs in a savepoint that is rolled back, so one role's successful write does not change what the
next role sees. The expected grant is stated per route with the ``Action`` the view must check
(``zi/organisations/access.py``), so a view that checks the wrong action or none fails here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from tests.api.world import DRAFT_VIEWERS, ROLES
from zi.assessments import services as assessment_services
from zi.organisations.access import ROLE_ACTIONS, Action
from zi.organisations.models import Role
from zi.portalrb import services as portalrb_services
from zi.programme import services as programme_services
from zi.programme.models import ActivityKind


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[dict], str]
    data: Callable[[dict], dict]
    action: Action  # inside, the roles holding it get through
    refused_inside: int = 403  # what the other roles get inside
    hidden_inside: frozenset = frozenset()  # roles that do not see the object even inside: 404


CASES = [
    Case(
        "evidence-revise",
        "post",
        lambda w: f"/penilaian/data-dukung/{w['draft_link'].pk}/revisi/",
        lambda w: {"url": "https://example.go.id/sk-baru"},
        Action.EVIDENCE_UPLOAD,
        hidden_inside=frozenset(ROLES) - DRAFT_VIEWERS,  # evidence of a draft: only its team and head see it
    ),
    Case(
        "activity-attendance",
        "post",
        lambda w: f"/program/kegiatan/{w['activity'].pk}/hadir/",
        lambda w: {"attendees": [w["staff"].pk]},
        Action.ASSESSMENT_ANSWER,
    ),
    Case(
        "innovation-list",
        "get",
        lambda w: f"/program/unit/{w['tree']['lapas'].pk}/inovasi/",
        lambda w: {},
        Action.UNIT_VIEW,
    ),
    Case(
        "service-point-add",
        "post",
        lambda w: f"/survei/{w['campaign'].pk}/titik/",
        lambda w: {"name": "Loket 1"},
        Action.ASSESSMENT_ANSWER,
    ),
    Case(
        "participation-create",
        "post",
        lambda w: "/alur/ikut/",
        lambda w: {"assessment": w["draft"].pk},
        Action.PARTICIPATION_MANAGE,
        refused_inside=404,  # only assessments the person may register are looked up
    ),
    Case(
        "recap-xlsx",
        "get",
        lambda w: f"/wawasan/unit/{w['tree']['lapas'].pk}/rekap-lke.xlsx?periode=2026",
        lambda w: {},
        Action.DASHBOARD_VIEW,
    ),
    Case(
        "portalrb-snapshot",
        "get",
        lambda w: f"/portalrb/instansi/{w['agency'].pk}/ambil/{w['snapshot'].pk}/",
        lambda w: {},
        Action.PORTALRB_MANAGE,
    ),
    Case(
        "portalrb-workbook-export",
        "get",
        lambda w: f"/portalrb/lke/{w['submitted'].pk}/unduh/",
        lambda w: {},
        Action.ASSESSMENT_VIEW_SUBMITTED,
    ),
]


@pytest.fixture
def scoped_world(world):
    lapas = world["tree"]["lapas"]
    world["activity"] = programme_services.activity_create(
        actor=world["member"],
        unit=lapas,
        period=world["period"],
        kind=ActivityKind.values[0],
        title="Sosialisasi ZI",
        held_on=dt.date(2026, 3, 2),
    )
    world["draft_link"] = assessment_services.evidence_add_link(
        actor=world["member"],
        assessment=world["draft"],
        question_code=world["choice_code"],
        title="SK Tim ZI 2025",
        url="https://example.go.id/sk",
    )
    token, _secret = portalrb_services.token_create(actor=None, agency=world["agency"], name="PortalRB")
    world["snapshot"] = portalrb_services.snapshot_record(token=token, endpoint="unit-wbk", payload={"data": []})
    return world


def _request(client: Client, case: Case, world: dict):
    """The response, and whether anything was written (audit events) — all rolled back afterwards."""
    from zi.core.models import AuditEvent

    with transaction.atomic():
        before = AuditEvent.objects.count()
        response = getattr(client, case.method)(case.url(world), case.data(world))
        changed = AuditEvent.objects.count() != before
        transaction.set_rollback(True)
    return response, changed


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_inside_and_outside_each_role(scoped_world, case):
    world = scoped_world
    granted = {role for role in ROLES if case.action in ROLE_ACTIONS[role]}
    assert granted
    wrong = []
    for (role, inside), user in world["users"].items():
        client = Client()
        client.force_login(user)
        response, changed = _request(client, case, world)
        status = response.status_code
        if not inside:
            ok = status == 404 and not changed
            # a role without the action anywhere may be told so before the object is looked up
            ok = ok or (status == 403 and role not in granted and not changed)
        elif role in granted:
            ok = status not in (403, 404)
        else:
            expected = 404 if role in case.hidden_inside else case.refused_inside
            ok = status == expected and not changed
        if not ok:
            wrong.append(f"{role} {'inside' if inside else 'outside'}: {status} changed={changed}")
    anonymous, _changed = _request(Client(), case, world)
    if anonymous.status_code != 302 or not anonymous["Location"].startswith("/akun/masuk/"):
        wrong.append(f"anonymous: {anonymous.status_code}")
    assert not wrong, "\n".join(wrong)


def test_personal_token_pages_only_show_and_revoke_ones_own(world):
    from zi.api import services as api_services
    from zi.api.models import ApiToken

    member = world["member"]
    other = world["users"][(Role.UNIT_TEAM_LEADER, True)]
    theirs, _raw = api_services.token_create(actor=None, user=other, name="token-orang-lain")
    client = Client()
    client.force_login(member)
    page = client.get("/api/token/")
    assert page.status_code == 200 and "token-orang-lain" not in page.content.decode()
    assert client.post(f"/api/token/{theirs.pk}/cabut/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    mine, _raw = api_services.token_create(actor=None, user=member, name="punya-saya")
    assert "punya-saya" in client.get("/api/token/").content.decode()
    assert client.post(f"/api/token/{mine.pk}/cabut/").status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
