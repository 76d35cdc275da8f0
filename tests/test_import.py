"""Import of units and people (CSV/XLSX): all rows or none, one clear error per problem."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests import factories
from zi.core import audit
from zi.core.models import AuditEvent
from zi.organisations import importers
from zi.organisations.models import Role, RoleAssignment, Unit, UnitType

User = get_user_model()
SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "samples"
UNIT_HEADER = "code,name,parent_code,unit_type,serves_public,province"
PEOPLE_HEADER = "username,full_name,nip,email,unit_code,position,employment_type,role"

pytestmark = pytest.mark.django_db


@pytest.fixture
def types(db):
    return {
        code: UnitType.objects.get_or_create(code=code, defaults={"name": code.title()})[0]
        for code in ("kanwil", "lapas", "rutan", "kanim")
    }


@pytest.fixture
def admin(agency):
    return factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency, username="admin-ag")


def csv_bytes(header: str, *rows: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int, int, int]:
    return Unit.objects.count(), User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()


def where(result: importers.ImportResult) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in result.errors}


def units(agency, data: bytes, **kwargs) -> importers.ImportResult:
    return importers.import_units(
        actor="test", agency=agency, data=data, filename=kwargs.pop("filename", "u.csv"), **kwargs
    )


def people(agency, data: bytes, **kwargs) -> importers.ImportResult:
    return importers.import_people(actor="test", agency=agency, data=data, filename="p.csv", **kwargs)


# ----------------------------------------------------------------------------------------------- happy paths


def test_units_csv_builds_paths_like_the_service(agency, tree, types):
    data = csv_bytes(
        UNIT_HEADER,
        "LAPAS-LLG,Lapas Kelas IIA Lubuklinggau,KANWIL-SUMSEL,lapas,ya,",  # parent already in the agency
        "KANWIL-KALSEL,Kanwil Kalimantan Selatan,,kanwil,tidak,Kalimantan Selatan",
        "RUTAN-BJB,Rutan Kelas IIB Banjarbaru,KANWIL-KALSEL,rutan,,",  # parent in the file
        "LAPAS-BJM,Lapas Kelas IIA Banjarmasin,kanwil-kalsel,LAPAS,1,",  # codes and types case-insensitive
    )
    result = units(agency, data)
    assert result.ok, result.errors
    assert result.created == 4
    kalsel = Unit.objects.get(code="KANWIL-KALSEL")
    assert (kalsel.path, kalsel.depth, kalsel.parent_id, kalsel.serves_public) == (f"{kalsel.pk}/", 0, None, False)
    for code in ("RUTAN-BJB", "LAPAS-BJM"):
        unit = Unit.objects.get(code=code)
        assert unit.parent_id == kalsel.pk
        assert (unit.path, unit.depth) == (f"{kalsel.path}{unit.pk}/", 1)
        assert unit.province == "Kalimantan Selatan"  # inherited from the parent, as unit_create does
    llg = Unit.objects.get(code="LAPAS-LLG")
    assert (llg.path, llg.depth) == (f"{tree['sumsel'].path}{llg.pk}/", tree["sumsel"].depth + 1)
    assert Unit.objects.filter(path__startswith=tree["sumsel"].path).count() == 4
    creates = AuditEvent.objects.filter(object_type="organisations.unit", action="create", extra__has_key="import")
    assert creates.count() == 4
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert audit.verify().ok


def test_child_before_parent_in_file_and_deep_chain(agency, types):
    rows = [f"U{i},Unit {i},U{i + 1},lapas,," for i in range(1, 6)] + ["U6,Unit 6,,kanwil,,"]
    result = units(agency, csv_bytes(UNIT_HEADER, *rows))
    assert result.ok, result.errors
    deepest = Unit.objects.get(code="U1")
    assert deepest.depth == 5
    ids = [Unit.objects.get(code=f"U{i}").pk for i in range(6, 0, -1)]
    assert deepest.path == "".join(f"{pk}/" for pk in ids)


def test_units_xlsx_and_semicolon_csv(agency, types):
    data = xlsx_bytes(
        [
            ["Kode", "Nama", "Kode Induk", "Jenis Unit", "Melayani Publik", "Provinsi"],  # Indonesian headers
            ["KANWIL-X", "Kanwil X", None, "kanwil", True, "Banten"],
            [None, None, None, None, None, None],  # empty rows are skipped
            ["LAPAS-X", "Lapas X", "KANWIL-X", "lapas", False, None],
            [12345, "Rutan Angka", "KANWIL-X", "rutan", 1, None],  # numeric code cell becomes "12345"
        ]
    )
    result = units(agency, data, filename="units.xlsx")
    assert result.ok, result.errors
    assert result.created == 3
    assert Unit.objects.get(code="LAPAS-X").serves_public is False
    assert Unit.objects.filter(code="12345").exists()

    semicolon = csv_bytes("code;name;unit_type", "K-Y;Kanwil Y, Contoh;kanwil")
    assert units(agency, semicolon).created == 1
    assert Unit.objects.get(code="K-Y").name == "Kanwil Y, Contoh"


def test_people_import_unusable_passwords_and_roles(agency, tree, types):
    data = csv_bytes(
        PEOPLE_HEADER,
        "budi,Budi Santoso,197205142000031001,budi@example.go.id,LAPAS-PLG,Kepala Lapas,pns,unit_head",
        "siti,Siti Aminah,,,LAPAS-PLG,Pramubakti,honorer,",
        "admin2,Admin Dua,198103222005012002,,,Pranata Komputer,PPPK,agency_admin",
    )
    before = AuditEvent.objects.count()
    result = people(agency, data)
    assert result.ok, result.errors
    assert result.created == 3
    budi = User.objects.get(username="budi")
    assert budi.unit == tree["lapas"] and budi.nip == "197205142000031001"
    assert not budi.has_usable_password()
    assert not budi.check_password("")
    siti = User.objects.get(username="siti")
    assert (siti.nip, siti.employment_type) == (None, "non_asn")
    assert RoleAssignment.objects.get(user=budi).unit == tree["lapas"]
    admin2 = RoleAssignment.objects.get(user__username="admin2")
    assert (admin2.role, admin2.agency, admin2.unit) == (Role.AGENCY_ADMIN, agency, None)
    events = AuditEvent.objects.filter(seq__gt=before)
    assert events.count() == 3 + 2 + 1  # people, role assignments, summary
    assert all("password" not in (event.after or {}) for event in events)
    assert audit.verify().ok


# ------------------------------------------------------------------------------------------- bad unit input


BAD_UNITS = {
    "missing required column": (["code,parent_code,unit_type", "A,,kanwil"], {(1, "name")}),
    "unknown column": ([UNIT_HEADER + ",provinsi_x", "A,Unit A,,kanwil,,,"], {(1, "provinsi_x")}),
    "unknown parent": ([UNIT_HEADER, "A,Unit A,NOPE,lapas,,"], {(2, "parent_code")}),
    "cycle": (
        [UNIT_HEADER, "A,Unit A,B,lapas,,", "B,Unit B,C,lapas,,", "C,Unit C,A,lapas,,", "D,Unit D,C,lapas,,"],
        {(2, "parent_code"), (3, "parent_code"), (4, "parent_code")},
    ),
    "own parent": ([UNIT_HEADER, "A,Unit A,A,lapas,,"], {(2, "parent_code")}),
    "duplicate in file": ([UNIT_HEADER, "A,Unit A,,kanwil,,", "a,Unit A lagi,,kanwil,,"], {(3, "code")}),
    "duplicate in database": ([UNIT_HEADER, "OK,Baik,,kanwil,,", "LAPAS-PLG,Lapas lagi,,lapas,,"], {(3, "code")}),
    "unknown type": ([UNIT_HEADER, "A,Unit A,,kantor,,"], {(2, "unit_type")}),
    "bad boolean and empty name": ([UNIT_HEADER, "A,,,kanwil,mungkin,"], {(2, "name"), (2, "serves_public")}),
    "too many values": ([UNIT_HEADER, "A,Unit A,,kanwil,,,extra"], {(2, "")}),
    "code too long": ([UNIT_HEADER, "A" * 65 + ",Unit,,kanwil,,"], {(2, "code")}),
}


@pytest.mark.parametrize("case", list(BAD_UNITS))
def test_bad_units_store_nothing_and_name_the_row(case, agency, tree, types):
    lines, expected = BAD_UNITS[case]
    before = counts()
    result = units(agency, csv_bytes(*lines))
    assert not result.ok
    assert where(result) == expected, result.errors
    assert all(error.message for error in result.errors)
    assert counts() == before
    assert audit.verify().ok


def test_cycle_message_shows_the_cycle(agency, types):
    result = units(agency, csv_bytes(UNIT_HEADER, "A,Unit A,B,lapas,,", "B,Unit B,A,lapas,,"))
    assert "A \u2192 B \u2192 A" in result.errors[0].message


def test_unknown_type_message_lists_known_types(agency, types):
    result = units(agency, csv_bytes(UNIT_HEADER, "A,Unit A,,kantor,,"))
    assert "kanwil" in result.errors[0].message and "kantor" in result.errors[0].message


# ---------------------------------------------------------------------------------------------- bad files


def test_wrong_encoding_is_a_clear_error_and_cp1252_on_request(agency, types):
    data = csv_bytes(UNIT_HEADER, "A,Unit A,,kanwil,,", "B,Café Pelayanan,,kanwil,,", encoding="cp1252")
    before = counts()
    result = units(agency, data)
    assert [(e.row, e.column) for e in result.errors] == [(3, "")]
    assert "UTF-8" in result.errors[0].message
    assert counts() == before
    assert units(agency, data, encoding="cp1252").created == 2
    assert Unit.objects.get(code="B").name == "Café Pelayanan"


def test_utf8_bom_is_accepted(agency, types):
    data = "\ufeff".encode() + csv_bytes(UNIT_HEADER, "A,Unit Ä,,kanwil,,")
    assert units(agency, data).created == 1


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"this is not a zip file", "units.xlsx"),
        (b"PK\x03\x04broken zip", "units.xlsx"),
        (b"\xd0\xcf\x11\xe0old excel", "units.xls"),
        (b"code,name\x00,unit_type\nA,B,C\n", "units.csv"),
        (b'code,name,unit_type\nA,"unterminated,kanwil\n', "units.csv"),
        (b"", "units.csv"),
    ],
    ids=["not-zip", "broken-zip", "xls", "nul", "quote", "empty"],
)
def test_malformed_files_store_nothing(data, filename, agency, types):
    before = counts()
    result = units(agency, data, filename=filename)
    assert len(result.errors) == 1 and result.errors[0].message
    assert counts() == before


def test_zip_that_is_not_a_workbook(agency, types):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = units(agency, buffer.getvalue(), filename="u.xlsx")
    assert not result.ok and "XLSX" in result.errors[0].message


def test_truncated_xlsx(agency, types):
    data = xlsx_bytes([["code", "name", "unit_type"], ["A", "Unit A", "kanwil"]])
    result = units(agency, data[: len(data) // 2], filename="u.xlsx")
    assert not result.ok


def test_long_numbers_in_xlsx_are_refused(agency, tree):
    data = xlsx_bytes(
        [["username", "full_name", "nip", "unit_code"], ["budi", "Budi", 1.97205142000031e17, "LAPAS-PLG"]]
    )
    result = people(agency, data)
    assert not result.ok and "Teks" in result.errors[0].message


def test_too_large_and_too_many_rows(agency, types, settings):
    rows = [f"U{i},Unit {i},,kanwil,," for i in range(5)]
    settings.ZI_IMPORT_MAX_ROWS = 4
    result = units(agency, csv_bytes(UNIT_HEADER, *rows))
    assert not result.ok and "4" in result.errors[0].message
    settings.ZI_IMPORT_MAX_ROWS = 5
    settings.ZI_IMPORT_MAX_BYTES = 50
    result = units(agency, csv_bytes(UNIT_HEADER, *rows))
    assert not result.ok and "terlalu besar" in result.errors[0].message
    assert Unit.objects.count() == 0


def test_formula_and_html_are_stored_as_text_and_rendered_escaped(client, agency, admin, types):
    data = csv_bytes(
        UNIT_HEADER, '"=HYPERLINK(""http://x"",""klik"")",<script>alert(1)</script>,,kanwil,,', "+62,@unit,,kanwil,,"
    )
    assert units(agency, data).created == 2
    assert Unit.objects.filter(code='=HYPERLINK("http://x","klik")', name="<script>alert(1)</script>").exists()
    assert Unit.objects.filter(code="+62", name="@unit").exists()
    client.force_login(admin)
    page = client.get(reverse("organisations:unit_list")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


# ------------------------------------------------------------------------------------------ bad people input

BAD_PEOPLE = {
    "missing full_name column": (["username,nip", "budi,"], {(1, "full_name")}),
    "password column refused": (
        [PEOPLE_HEADER + ",password", "budi,Budi,,,LAPAS-PLG,,,,Rahasia-123!"],
        {(1, "password")},
    ),
    "duplicate username in file": (
        [PEOPLE_HEADER, "budi,Budi,,,LAPAS-PLG,,,", "BUDI,Budi Lagi,,,LAPAS-PLG,,,"],
        {(3, "username")},
    ),
    "username taken": ([PEOPLE_HEADER, "Existing,Ada,,,LAPAS-PLG,,,"], {(2, "username")}),
    "bad nip and email": ([PEOPLE_HEADER, "budi,Budi,12345,bukan-email,LAPAS-PLG,,,"], {(2, "nip"), (2, "email")}),
    "duplicate nip": (
        [PEOPLE_HEADER, "a1,A,197205142000031001,,LAPAS-PLG,,,", "a2,B,197205142000031001,,LAPAS-PLG,,,"],
        {(3, "nip")},
    ),
    "unknown unit": ([PEOPLE_HEADER, "budi,Budi,,,NOPE,,,"], {(2, "unit_code")}),
    "unit of another agency": ([PEOPLE_HEADER, "budi,Budi,,,OTHER-UNIT,,,"], {(2, "unit_code")}),
    "unknown role and type": (
        [PEOPLE_HEADER, "budi,Budi,,,LAPAS-PLG,,kontrak,raja"],
        {(2, "role"), (2, "employment_type")},
    ),
    "national viewer": ([PEOPLE_HEADER, "budi,Budi,,,,,,national_viewer"], {(2, "role"), (2, "unit_code")}),
    "no unit for unit role": ([PEOPLE_HEADER, "budi,Budi,,,,,,unit_head"], {(2, "unit_code")}),
    "bad username": ([PEOPLE_HEADER, "budi santoso,Budi,,,LAPAS-PLG,,,"], {(2, "username")}),
}


@pytest.mark.parametrize("case", list(BAD_PEOPLE))
def test_bad_people_store_nothing(case, agency, tree):
    factories.UserFactory(username="existing")
    factories.make_unit(agency=factories.AgencyFactory(code="OTHER"), code="OTHER-UNIT")
    lines, expected = BAD_PEOPLE[case]
    before = counts()
    result = people(agency, csv_bytes(*lines))
    assert where(result) == expected, result.errors
    assert counts() == before
    assert audit.verify().ok


# ------------------------------------------------------------------------------------------------- command


def test_command_imports_samples_and_refuses_duplicates(agency, types, tmp_path):
    UnitType.objects.get_or_create(code="lpka", defaults={"name": "LPKA"})
    UnitType.objects.get_or_create(code="bapas", defaults={"name": "Bapas"})
    out = io.StringIO()
    call_command("import_org", "units", str(SAMPLES / "units.csv"), "--agency", agency.code, "--dry-run", stdout=out)
    assert Unit.objects.count() == 0 and "8 baris" in out.getvalue()
    call_command("import_org", "units", str(SAMPLES / "units.csv"), "--agency", agency.code, stdout=out)
    assert Unit.objects.count() == 8
    call_command("import_org", "people", str(SAMPLES / "people.csv"), "--agency", agency.code, stdout=out)
    assert User.objects.filter(unit__agency=agency).count() == 7
    assert not any(user.has_usable_password() for user in User.objects.filter(unit__agency=agency))
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_org", "units", str(SAMPLES / "units.csv"), "--agency", agency.code, stderr=err)
    assert "baris 2, kolom code" in err.getvalue()
    assert counts() == before
    xlsx = tmp_path / "units.xlsx"
    xlsx.write_bytes(
        xlsx_bytes([["code", "name", "unit_type", "parent_code"], ["X1", "Satker X", "rutan", "KANWIL-KALSEL"]])
    )
    call_command("import_org", "units", str(xlsx), "--agency", agency.code, stdout=out)
    assert Unit.objects.get(code="X1").parent.code == "KANWIL-KALSEL"
    with pytest.raises(CommandError):
        call_command("import_org", "units", str(xlsx), "--agency", "NOPE")
    assert audit.verify().ok


# ---------------------------------------------------------------------------------------------------- view


def post(client, agency, data: bytes, action: str, kind: str = "units", name: str = "u.csv"):
    return client.post(
        reverse("organisations:import"),
        {
            "kind": kind,
            "agency": agency.pk,
            "action": action,
            "encoding": "utf-8",
            "file": SimpleUploadedFile(name, data),
        },
    )


def test_view_check_then_import(client, agency, admin, types):
    client.force_login(admin)
    page = client.get(reverse("organisations:import"))
    assert page.status_code == 200 and "Periksa saja" in page.content.decode()
    data = csv_bytes(UNIT_HEADER, "A,Unit A,,kanwil,,", "B,Unit B,A,lapas,,")
    checked = post(client, agency, data, "check")
    assert checked.status_code == 200 and "tidak ada kesalahan" in checked.content.decode()
    assert Unit.objects.count() == 0
    imported = post(client, agency, data, "import")
    assert imported.status_code == 200 and Unit.objects.count() == 2
    event = AuditEvent.objects.get(action="import")
    assert event.actor_id == admin.pk


def test_view_lists_every_row_error(client, agency, admin, types):
    client.force_login(admin)
    data = csv_bytes(UNIT_HEADER, "A,Unit A,NOPE,kanwil,,", "B,<b>Unit</b>,,kantor,,")
    response = post(client, agency, data, "import")
    body = response.content.decode()
    assert response.status_code == 200
    assert "tidak ada kesalahan" not in body and "NOPE" in body and "kantor" in body
    assert body.count("<tr><td>") == 2
    assert Unit.objects.count() == 0


def test_view_refuses_out_of_scope_agency_and_non_admins(client, agency, admin, tree, types):
    other = factories.AgencyFactory(code="PEMPROV-X", name="Pemprov X")
    client.force_login(admin)
    page = client.get(reverse("organisations:import")).content.decode()
    assert "Pemprov X" not in page  # only manageable agencies are offered
    response = post(client, other, csv_bytes(UNIT_HEADER, "A,Unit A,,kanwil,,"), "import")
    assert response.status_code == 403
    assert not Unit.objects.filter(agency=other).exists()
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    assert client.get(reverse("organisations:import")).status_code == 403
    assert post(client, agency, csv_bytes(UNIT_HEADER, "A,Unit A,,kanwil,,"), "import").status_code == 403


def test_view_refuses_too_large_upload(client, agency, admin, types, settings):
    settings.ZI_IMPORT_MAX_BYTES = 10
    client.force_login(admin)
    response = post(client, agency, csv_bytes(UNIT_HEADER, "A,Unit A,,kanwil,,"), "import")
    assert response.status_code == 200 and "terlalu besar" in response.content.decode()
    assert Unit.objects.count() == 0


def test_view_people_xlsx(client, agency, admin, tree):
    client.force_login(admin)
    data = xlsx_bytes(
        [["username", "full_name", "unit_code", "role"], ["tim1", "Tim Satu", "LAPAS-PLG", "unit_team_member"]]
    )
    response = post(client, agency, data, "import", kind="people", name="people.xlsx")
    assert response.status_code == 200
    assert RoleAssignment.objects.get(user__username="tim1").unit == tree["lapas"]


def test_sample_files_as_xlsx_import_the_same(agency, types, tmp_path):
    for code in ("lpka", "bapas"):
        UnitType.objects.get_or_create(code=code, defaults={"name": code})
    for kind in ("units", "people"):
        with open(SAMPLES / f"{kind}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(xlsx_bytes(rows))
        call_command("import_org", kind, str(path), "--agency", agency.code, stdout=io.StringIO())
    assert Unit.objects.filter(agency=agency).count() == 8
    assert RoleAssignment.objects.filter(unit__agency=agency).count() == 5
    assert User.objects.get(username="lapas-bjm.kalapas").nip == "197811092001121003"
    assert audit.verify().ok
