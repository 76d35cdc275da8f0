"""One client address for every per-address limit and flag (zi.core.clients.client_address).

Behind the shipped nginx the direct peer is the proxy; the client is the right-most ``X-Forwarded-For`` address
that is not a trusted proxy (``ZI_TRUSTED_PROXIES``). A header the client writes itself is never believed: not
from an untrusted peer, and not left of the address our proxy appended. Each public limit is checked through its
view: complaints, tracking, login (address limit and django-axes), PortalRB, survey flags.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from tests import factories
from tests.programme.conftest import lapas  # noqa: F401 - fixture
from tests.surveys.conftest import answers_for, instruments, make_campaign, stamp_from  # noqa: F401
from zi.core.clients import client_address
from zi.organisations.models import Role
from zi.programme.models import Complaint
from zi.surveys import integrity
from zi.surveys.models import Response

ROOT = Path(__file__).resolve().parents[2]
PROXY = "127.0.0.1"  # nginx on the same host, as deploy/env.example trusts it


@pytest.fixture(autouse=True)
def _proxied(settings):
    cache.clear()
    settings.ZI_TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128", "10.0.0.0/8"]
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 0
    yield
    cache.clear()


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx appended the client it saw
        ("127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own forged entry is left of it
        ("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3", "203.0.113.7"),  # two trusted proxies in a row
        ("127.0.0.1", "203.0.113.7, garbage", "127.0.0.1"),  # malformed right-most: nothing past it is believed
        ("127.0.0.1", "", "127.0.0.1"),  # a proxy that sent no header: the proxy is the client
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),  # an untrusted peer cannot name another client
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("::ffff:127.0.0.1", "203.0.113.8", "203.0.113.8"),  # IPv4-mapped peer
        ("127.0.0.1", "[2001:db8::6]:4711", "2001:db8::6"),
        ("127.0.0.1", "10.0.0.5, 10.0.0.4", "10.0.0.5"),  # every hop trusted: the left-most one
    ],
)
def test_client_address_is_the_rightmost_untrusted_hop(remote, forwarded, expected):
    assert client_address(_request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.ZI_TRUSTED_PROXIES = []
    assert client_address(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


def test_axes_uses_the_same_address():
    request = _request(PROXY, "6.6.6.6, 203.0.113.7")
    assert get_client_ip_address(request) == client_address(request) == "203.0.113.7"
    assert get_client_ip_address(RequestFactory().get("/", REMOTE_ADDR="")) is None  # unknown: no "unknown" row


def test_an_invalid_trusted_proxy_setting_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zi.config.settings", ZI_VAR_DIR=str(tmp_path), ZI_TRUSTED_PROXIES="127.0.0.1,nginx"
    )
    setup = "import django; django.setup(); from django.conf import settings; print(settings.ZI_TRUSTED_PROXIES)"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", setup], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0 and "ZI_TRUSTED_PROXIES" in result.stderr and "'nginx'" in result.stderr
    env["ZI_TRUSTED_PROXIES"] = "127.0.0.1/32, ::1/128"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", setup], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0 and "['127.0.0.1/32', '::1/128']" in result.stdout, result.stderr


def _complaint(client: Client, unit, forwarded: str, remote: str = PROXY):
    return client.post(
        reverse("programme:complaint_public", args=[unit.pk]),
        {"category": "pelayanan", "subject": "Antrean", "description": "Dua jam"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_complaints_behind_the_proxy_are_counted_per_client(client, lapas, settings):  # noqa: F811
    """Before: every complaint behind nginx came from 127.0.0.1, so the whole country shared one limit."""
    settings.ZI_PROGRAMME_RATE_LIMITS = {"submit": (2, 3600)}
    assert [_complaint(client, lapas, "203.0.113.1").status_code for _ in range(3)] == [302, 302, 429]
    # another person through the same proxy still gets through; a forged header does not reset the count
    assert _complaint(client, lapas, "203.0.113.2").status_code == 302
    assert _complaint(client, lapas, "203.0.113.2, 203.0.113.1").status_code == 429
    assert _complaint(client, lapas, "203.0.113.99, 203.0.113.1").status_code == 429
    # an untrusted peer is its own client whatever it writes in the header
    assert _complaint(client, lapas, "203.0.113.3", remote="198.51.100.9").status_code == 302
    assert _complaint(client, lapas, "203.0.113.4", remote="198.51.100.9").status_code == 302
    assert _complaint(client, lapas, "203.0.113.5", remote="198.51.100.9").status_code == 429
    assert Complaint.objects.count() == 5


def test_tracking_lookups_are_counted_per_client(client, settings, db):
    settings.ZI_PROGRAMME_RATE_LIMITS = {"track": (1, 900)}
    url = reverse("programme:track")

    def track(forwarded):
        return client.post(url, {"code": "ABCD-EFGH-JKMN"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    assert [track("203.0.113.1").status_code, track("203.0.113.1").status_code] == [200, 429]
    assert track("203.0.113.2").status_code == 200


def test_login_limits_and_lockout_see_the_client(client, tree, settings):
    settings.ZI_LOGIN_ADDRESS_FAILURE_LIMIT = 2
    url = reverse("accounts:login")

    def fail(forwarded, username="tidak-ada"):
        return client.post(
            url, {"username": username, "password": "salah"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        )

    assert [fail("203.0.113.1").status_code for _ in range(3)] == [200, 200, 429]
    assert fail("203.0.113.2").status_code == 200
    user = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"], username="anggota.klien")
    fail("203.0.113.3", username=user.username)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.1",
        "203.0.113.2",
        "203.0.113.3",
    }


def test_portalrb_bad_tokens_are_counted_per_client(client, settings, db):
    settings.PORTALRB_RATE_LIMIT = "2/60"

    def probe(forwarded):
        return client.get(
            "/api/portalrb/pengusulan/unit-wbk",
            HTTP_AUTHORIZATION="Bearer salah",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [probe("203.0.113.1") for _ in range(3)] == [401, 401, 429]
    assert probe("203.0.113.2") == 401


def _survey(make, forwarded: str):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)  # a new device each time
    url = reverse("surveys:public", args=[make.token])
    page = client.get(url)
    data = {"ts": stamp_from(page.content.decode()), "kelompok": "pengguna_layanan", **answers_for(make)}
    return client.post(url, data)


def test_survey_flags_see_each_respondent(make_campaign, settings):  # noqa: F811
    """125 respondents behind nginx used to share one address hash: 115 flagged ip_burst."""
    settings.ZI_SURVEY_IP_FLAG_AT = 2
    settings.ZI_SURVEY_PATTERN_FLAG_AT = settings.ZI_SURVEY_STRAIGHTLINE_FLAG_AT = settings.ZI_SURVEY_NEAR_FLAG_AT = 0
    campaign = make_campaign(unit_networks="203.0.113.0/28")
    for n in range(6):
        assert _survey(campaign, f"6.6.6.6, 198.51.100.{n + 1}").status_code == 200
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    assert len({r.ip_hash for r in responses}) == 6 and not any(r.is_flagged for r in responses)
    assert responses[0].ip_hash == integrity.keyed_hash("ip", campaign.pk, "198.51.100.1")
    for _ in range(3):  # one network really sending many: still flagged
        assert _survey(campaign, "198.51.100.50").status_code == 200
    assert _survey(campaign, "203.0.113.5").status_code == 200  # staff on the unit's own network
    last = list(Response.objects.filter(campaign=campaign).order_by("pk"))[-4:]
    assert [r.flags.get("ip_burst") for r in last] == [None, None, 3, None]
    assert last[-1].flags.get("unit_network") is True
