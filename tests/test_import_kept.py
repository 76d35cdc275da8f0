"""The organisation import page: a template to download, and the checked file kept on the server (behind a token
of the person's session) so that "Impor" after "Periksa saja" needs no second upload."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.test_import import UNIT_HEADER, csv_bytes, post
from zi.core import kept_uploads
from zi.organisations import importers
from zi.organisations.models import Role, Unit

pytestmark = pytest.mark.django_db

GOOD = (UNIT_HEADER, "A,Unit A,,kanwil,,", "B,Unit B,A,lapas,,")


@pytest.fixture
def types(db):
    for code in ("kanwil", "lapas"):
        factories.UnitTypeFactory(code=code, name=code)


@pytest.fixture
def admin(agency):
    return factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)


def kept_token(response) -> str:
    match = re.search(r'name="kept" value="([^"]*)"', response.content.decode())
    assert match, "no kept-file field on the page"
    return match.group(1)


def post_kept(client: Client, agency, token: str, action: str):
    data = {"kind": "units", "agency": agency.pk, "encoding": "utf-8", "action": action, "kept": token}
    return client.post(reverse("organisations:import"), data)


def test_checked_file_is_imported_without_a_second_upload(client, agency, admin, types):
    client.force_login(admin)
    checked = post(client, agency, csv_bytes(*GOOD), "check")
    assert "tanpa memilih berkasnya lagi" in checked.content.decode()
    token = kept_token(checked)
    assert token and Unit.objects.count() == 0
    [entry] = client.session[kept_uploads.SESSION_KEY].values()
    assert default_storage.exists(entry["path"])
    imported = post_kept(client, agency, token, "import")
    assert imported.status_code == 200 and "2 data diimpor" in imported.content.decode()
    assert Unit.objects.count() == 2
    assert kept_token(imported) == ""  # used up: the file is deleted and the token forgotten
    assert not default_storage.exists(entry["path"])
    again = post_kept(client, agency, token, "import")
    assert "tidak ditemukan lagi" in again.content.decode() and Unit.objects.count() == 2


def test_a_check_of_the_kept_file_keeps_the_same_token(client, agency, admin, types):
    client.force_login(admin)
    token = kept_token(post(client, agency, csv_bytes(*GOOD), "check"))
    rechecked = post_kept(client, agency, token, "check")
    assert kept_token(rechecked) == token and Unit.objects.count() == 0


def test_a_file_with_errors_is_not_kept(client, agency, admin, types):
    client.force_login(admin)
    response = post(client, agency, csv_bytes(UNIT_HEADER, "A,Unit A,NOPE,kanwil,,"), "check")
    assert "NOPE" in response.content.decode()
    assert kept_token(response) == ""
    assert not client.session.get(kept_uploads.SESSION_KEY)


def test_another_persons_token_finds_nothing(client, agency, admin, types):
    client.force_login(admin)
    token = kept_token(post(client, agency, csv_bytes(*GOOD), "check"))
    other = Client()
    other.force_login(factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency))
    response = post_kept(other, agency, token, "import")
    assert "tidak ditemukan lagi" in response.content.decode()
    assert Unit.objects.count() == 0


def test_an_expired_file_must_be_chosen_again(client, agency, admin, types, monkeypatch):
    client.force_login(admin)
    token = kept_token(post(client, agency, csv_bytes(*GOOD), "check"))
    monkeypatch.setattr(kept_uploads, "MAX_AGE", -1)
    response = post_kept(client, agency, token, "import")
    assert "Pilih berkasnya lagi" in response.content.decode()
    assert Unit.objects.count() == 0
    assert kept_uploads.purge_expired() >= 1


def test_no_file_and_no_token_says_choose_a_file(client, agency, admin, types):
    client.force_login(admin)
    response = post_kept(client, agency, "", "check")
    assert "Pilih berkas CSV atau XLSX." in response.content.decode()


def test_files_over_the_limit_are_never_kept(rf, settings):
    settings.ZI_IMPORT_MAX_BYTES = 4
    request = rf.get("/")
    request.session = {}
    with pytest.raises(ValueError):
        kept_uploads.keep(request, b"12345", "x.csv", purpose="t")
    assert request.session == {}


@pytest.mark.parametrize(("kind", "columns"), [("unit", importers.UNIT_COLUMNS), ("pegawai", importers.PEOPLE_COLUMNS)])
def test_template_has_the_columns_and_an_example_row(client, admin, kind, columns):
    client.force_login(admin)
    page = client.get(reverse("organisations:import")).content.decode()
    assert f"/unit/impor/templat-{kind}.xlsx" in page
    response = client.get(f"/unit/impor/templat-{kind}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == list(columns) and len(rows) == 2
    assert workbook.worksheets[1].title == "Petunjuk"
    # the importer reads the template's columns without complaint
    table = importers.read_table(response.content, f"templat-{kind}.xlsx")
    kind_code = importers.UNITS if kind == "unit" else importers.PEOPLE
    assert not importers.check_columns(table, kind_code) and len(table.rows) == 1


def test_template_needs_the_import_right(client, tree):
    assert client.get("/unit/impor/templat-unit.xlsx").url.startswith("/akun/masuk/")
    client.force_login(factories.make_user_with_role(Role.UNIT_HEAD, unit=tree["lapas"]))
    assert client.get("/unit/impor/templat-unit.xlsx").status_code == 403
    client.force_login(factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["lapas"].agency))
    assert client.get("/unit/impor/templat-x1.xlsx").status_code == 404
