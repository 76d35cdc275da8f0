"""Login: one answer for every failure, lockout per username (axes), password rules, TOTP second factor."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from zi.organisations.models import Role

LOGIN_URL = "/akun/masuk/"
VERIFY_URL = "/akun/verifikasi/"
SETUP_URL = "/akun/dua-langkah/"
BAD_LOGIN = "Nama pengguna atau kata sandi salah."


def login(client, username, password=factories.DEFAULT_PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def token_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def member(tree):
    return factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"], username="anggota")


@pytest.mark.django_db
def test_login_page_renders(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert b'name="username"' in response.content


@pytest.mark.django_db
def test_login_success_reaches_home(client, member):
    response = login(client, "anggota")
    assert response.status_code == 302
    assert response.url == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert home.context["user"] == member


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_answer_the_same(client, member):
    wrong_password = login(client, "anggota", "Salah-Sekali-2026!")
    unknown_user = login(client, "tidak-ada", "Salah-Sekali-2026!")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert BAD_LOGIN in wrong_password.content.decode()
    assert BAD_LOGIN in unknown_user.content.decode()
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_inactive_user_gets_the_same_answer(client, member):
    member.is_active = False
    member.save()
    response = login(client, "anggota")
    assert response.status_code == 200
    assert BAD_LOGIN in response.content.decode()


def _fail_until_locked(client, username: str) -> list[int]:
    return [login(client, username, f"Salah-{i}-Sandi!").status_code for i in range(settings.AXES_FAILURE_LIMIT)]


@pytest.mark.django_db
def test_lockout_after_failure_limit_for_known_user(client, member):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = _fail_until_locked(client, "anggota")
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    # now even the right password is refused, and nothing says whether the account exists
    response = login(client, "anggota")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_also_for_unknown_username(client, member):
    statuses = _fail_until_locked(client, "hantu")
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    response = login(client, "hantu")
    assert response.status_code == 429
    # the lock is per username: another person behind the same office address still gets in
    assert login(client, "anggota").status_code == 302


@pytest.mark.django_db
def test_success_resets_failure_count(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "anggota", "Salah-Sandi-2026!")
    assert login(client, "anggota").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "anggota", "Salah-Sandi-2026!").status_code == 200
    assert login(client, "anggota").status_code == 302


@pytest.mark.parametrize("weak", ["password123", "sandi", "sandisandi12", "123456789012", "abcdefghijkl"])
def test_password_validators_reject_weak_passwords(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


@pytest.mark.django_db
def test_password_validators_accept_strong_and_reject_similar_to_user():
    validate_password("Sandi-Kuat-2026!")
    user = factories.UserFactory(username="budisantoso", full_name="Budi Santoso")
    with pytest.raises(ValidationError):
        validate_password("Budisantoso-2026", user)


@pytest.mark.django_db
def test_user_with_totp_device_must_verify_after_password(client, member):
    device = TOTPDevice.objects.create(user=member, name="hp", confirmed=True)
    response = login(client, "anggota")
    assert response.status_code == 302
    home = client.get(response.url)
    assert home.status_code == 302
    assert home.url.startswith(VERIFY_URL)
    # every page but /akun/ stays closed until the code is given
    assert client.get("/unit/").url.startswith(VERIFY_URL)

    wrong = client.post(VERIFY_URL, {"token": "000000" if token_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post(f"{VERIFY_URL}?next=/unit/", {"token": token_for(device)})
    assert ok.status_code == 302
    assert ok.url == "/unit/"
    assert client.get("/").status_code == 200
    assert client.get("/unit/").status_code == 200


@pytest.mark.django_db
def test_verify_refuses_offsite_next(client, member):
    device = TOTPDevice.objects.create(user=member, name="hp", confirmed=True)
    login(client, "anggota")
    response = client.post(f"{VERIFY_URL}?next=https://evil.example/", {"token": token_for(device)})
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.django_db
def test_agency_requiring_second_factor_forces_admin_to_set_up(client, tree, agency):
    agency.require_second_factor = True
    agency.save()
    factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency, username="admin-instansi")
    response = login(client, "admin-instansi")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302
    assert home.url == SETUP_URL

    page = client.get(SETUP_URL)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__username="admin-instansi", confirmed=False)

    confirmed = client.post(SETUP_URL, {"token": token_for(device)})
    assert confirmed.status_code == 302
    assert confirmed.url == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_second_factor_rule_does_not_touch_team_members(client, tree, agency, member):
    agency.require_second_factor = True
    agency.save()
    login(client, "anggota")
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_many_failed_logins_from_one_address_are_refused_for_any_username(client, member, settings):
    """Password spraying (one password, many usernames) from one address: after the address limit even a correct
    password is refused there, without being checked; other addresses are unaffected."""
    from django.core.cache import cache

    cache.clear()
    settings.ZI_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ("budi", "siti", "anggota"):
        assert login(client, name, "Musim-Hujan-2026!").status_code == 200
    refused = login(client, "anggota")
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan masuk" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    elsewhere = client.post(
        LOGIN_URL, {"username": "anggota", "password": factories.DEFAULT_PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert elsewhere.status_code == 302
    cache.clear()
