"""Agency admin pages: tokens (secret shown once), revoke, preview; scope 404, role 403, anonymous redirect."""

from __future__ import annotations

import pytest

from tests import factories
from zi.organisations.models import Role
from zi.portalrb.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(agency):
    return factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)


def test_create_show_once_and_revoke(client, admin, agency, period):
    client.force_login(admin)
    response = client.post(f"/portalrb/instansi/{agency.pk}/token/", {"name": "PortalRB 2026"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.encode() in response.content
    token = ApiToken.objects.get()
    assert client.get(f"/portalrb/instansi/{agency.pk}/token/").content.count(secret.encode()) == 0
    assert client.get("/api/portalrb/pengusulan/unit-wbk", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    client.post(f"/portalrb/instansi/{agency.pk}/token/{token.pk}/cabut/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/portalrb/pengusulan/unit-wbk", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_preview_lists_units_missing_answers(client, admin, agency, tree, period, proposals):
    proposals[tree["lapas"]] = ("WBK", False)
    client.force_login(admin)
    response = client.get(f"/portalrb/instansi/{agency.pk}/pratinjau/")
    assert response.status_code == 200
    assert b"Lapas Kelas I Palembang" in response.content
    unit = response.context["units"][0]
    assert len(unit.result.missing) == 127
    assert any("belum memiliki penilaian" in p for p in unit.result.problems)


def test_scope_role_and_anonymous(client, admin, agency, tree):
    other = factories.AgencyFactory(code="LAIN")
    client.force_login(admin)
    assert client.get(f"/portalrb/instansi/{other.pk}/token/").status_code == 404
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    assert client.get(f"/portalrb/instansi/{agency.pk}/token/").status_code == 403
    client.logout()
    assert client.get(f"/portalrb/instansi/{agency.pk}/token/").status_code == 302


def test_cli_token_create_and_revoke(agency, capsys):
    from django.core.management import call_command

    call_command("portalrb", "token", "create", "--agency", agency.code)
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert secret.startswith(token.prefix)
    call_command("portalrb", "token", "revoke", "--agency", agency.code, "--prefix", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None
