"""The predicate register: one source for "which predicate does this unit hold", its history, the WBBM
precondition and the ban after a revocation; decrees from the TPN flow and from an import of past decrees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.predicates import importer, selectors, services
from zi.predicates.models import Award, Source
from zi.workflow import services as workflow_services

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def admin(tree):
    return factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["ditjen"].agency, username="admin-pred")


def _award(admin, unit, predicate="WBK", year=2021, date=dt.date(2021, 12, 14), number="B/1/M.RB.06/2021"):
    return services.award_record(
        actor=admin,
        unit=unit,
        predicate=predicate,
        year=year,
        decree_number=number,
        decree_date=date,
        source=Source.IMPORT,
        today=TODAY,
    )


def test_current_predicate_is_the_latest_decree_unless_revoked(tree, admin):
    lapas = tree["lapas"]
    assert selectors.current_predicate(lapas) == ""
    _award(admin, lapas, "WBK", 2019, dt.date(2019, 12, 9), "B/1/2019")
    assert selectors.current_predicate(lapas) == "WBK" and selectors.holds_wbk(lapas)
    wbbm = _award(admin, lapas, "WBBM", 2021, dt.date(2022, 1, 14), "B/2/2022")
    assert selectors.current_predicate(lapas) == "WBBM"
    assert selectors.current_predicate(lapas, on=dt.date(2021, 6, 1)) == "WBK"  # what it held on that day
    services.award_revoke(actor=admin, award=wbbm, revoked_on=dt.date(2024, 3, 1), reason="Pungli", today=TODAY)
    assert selectors.current_predicate(lapas) == ""  # a revocation ends the predicate held
    assert [(a.predicate, a.year) for a in selectors.history(lapas)] == [("WBK", 2019), ("WBBM", 2021)]
    assert selectors.ban_until(lapas, today=dt.date(2025, 1, 1)) == dt.date(2026, 3, 1)
    assert selectors.ban_until(lapas, today=TODAY) is None  # the two years are over
    assert verify().ok
    actions = list(AuditEvent.objects.filter(object_type="predicates.award").values_list("action", flat=True))
    assert actions == ["create", "create", "revoke"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"predicate": "WBBM"}, "WBBM hanya dapat diberikan"),
        ({"date": dt.date(2027, 1, 5), "year": 2026}, "belum tiba"),
        ({"year": 2024, "date": dt.date(2021, 12, 14)}, "tidak mungkin"),
        ({"predicate": "WBX"}, "WBK atau WBBM"),
        ({"number": " "}, "Nomor keputusan wajib"),
    ],
)
def test_a_wrong_decree_is_refused_and_nothing_is_stored(tree, admin, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        _award(admin, tree["lapas"], **kwargs)
    assert not Award.objects.exists()


def test_one_award_per_unit_and_year_and_no_award_during_a_ban(tree, admin):
    lapas = tree["lapas"]
    award = _award(admin, lapas)
    with pytest.raises(ValidationError, match="sudah tercatat"):
        _award(admin, lapas, number="B/9/2021")
    services.award_revoke(actor=admin, award=award, revoked_on=dt.date(2023, 5, 2), reason="KKN", today=TODAY)
    with pytest.raises(ValidationError, match="masa larangan"):
        _award(admin, lapas, year=2024, date=dt.date(2024, 12, 1), number="B/3/2024")
    assert _award(admin, lapas, year=2025, date=dt.date(2025, 12, 1), number="B/4/2025").predicate == "WBK"


def test_only_the_tpn_result_grant_in_scope_may_record(tree, admin):
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"], username="rev-pred")
    with pytest.raises(PermissionDenied):
        _award(reviewer, tree["lapas"])
    other = factories.AgencyFactory(code="PEMPROV-P", name="Pemprov P")
    outsider = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=other, username="admin-other")
    with pytest.raises(PermissionDenied):
        _award(outsider, tree["lapas"])


def test_the_wbbm_precondition_and_the_assessment_read_the_register(tree, admin):
    assert not workflow_services.unit_holds_wbk(tree["lapas"])
    _award(admin, tree["lapas"])
    assert workflow_services.unit_holds_wbk(tree["lapas"])


CSV = (
    "kode_unit,predikat,tahun,nomor_keputusan,tanggal_keputusan,tanggal_pencabutan,alasan_pencabutan\n"
    "{lapas},WBBM,2021,B/2/M.RB.06/2022,14-01-2022,,\n"
    "{lapas},WBK,2019,B/1/M.RB.06/2019,2019-12-09,,\n"
    "{rutan},WBK,2020,B/7/M.RB.06/2020,10/12/2020,2021-03-15,Pungli terbukti\n"
)


def test_import_applies_rows_in_decree_order_and_twice_changes_nothing(tree, admin):
    data = CSV.format(lapas=tree["lapas"].code, rutan=tree["rutan"].code).encode()
    agency = tree["lapas"].agency
    checked = importer.import_awards(actor=admin, agency=agency, data=data, filename="riwayat.csv", dry_run=True)
    assert checked.ok and checked.created == 3 and not Award.objects.exists()  # a check stores nothing
    result = importer.import_awards(actor=admin, agency=agency, data=data, filename="riwayat.csv")
    assert (result.ok, result.created, result.revoked) == (True, 3, 1)
    assert selectors.current_predicate(tree["lapas"]) == "WBBM"  # the WBBM row came first in the file
    assert selectors.current_predicate(tree["rutan"]) == ""
    again = importer.import_awards(actor=admin, agency=agency, data=data, filename="riwayat.csv")
    assert (again.ok, again.created, again.skipped) == (True, 0, 3)
    assert Award.objects.count() == 3


def test_import_is_all_or_nothing_with_row_errors_in_indonesian(tree, admin):
    bad = (
        "kode_unit,predikat,tahun,nomor_keputusan,tanggal_keputusan\n"
        f"{tree['lapas'].code},WBK,2019,B/1/2019,2019-12-09\n"
        "TIDAK-ADA,WBK,2020,B/2/2020,2020-12-09\n"
        f"{tree['rutan'].code},WBBM,2020,B/3/2020,2020-12-09\n"
        f"{tree['rutan_tpi'].code},WBK,20x0,B/4/2020,31-02-2020\n"
    ).encode()
    result = importer.import_awards(actor=admin, agency=tree["lapas"].agency, data=bad, filename="x.csv")
    assert not result.ok and not Award.objects.exists()
    text = " | ".join(f"{e.row}:{e.message}" for e in result.errors)
    assert "3:Kode unit TIDAK-ADA tidak dikenal" in text
    assert "4:WBBM hanya dapat diberikan" in text
    assert "5:Tahun harus empat angka" in text and "5:Tanggal tidak dikenali" in text


def test_import_page_keeps_the_checked_file_and_offers_a_template(client, tree, admin):
    client.force_login(admin)
    url = reverse("predicates:import")
    template = client.get(reverse("predicates:import_template"))
    assert template.status_code == 200 and b"kode_unit,predikat,tahun" in template.content
    data = CSV.format(lapas=tree["lapas"].code, rutan=tree["rutan"].code).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("riwayat.csv", data, content_type="text/csv")
    agency = tree["lapas"].agency.pk
    checked = client.post(url, {"agency": agency, "file": upload, "action": "check"})
    html = checked.content.decode()
    assert "3 baris diperiksa" in html and "riwayat.csv" in html and not Award.objects.exists()
    token = html.split('name="kept" value="')[1].split('"')[0]
    done = client.post(url, {"agency": agency, "kept": token, "action": "import"})
    assert "3 keputusan diimpor" in done.content.decode()
    assert Award.objects.count() == 3
    register = client.get(reverse("predicates:register")).content.decode()
    assert "B/2/M.RB.06/2022" in register and "Pungli terbukti" in register


def test_register_page_shows_only_units_in_scope(client, tree, admin):
    _award(admin, tree["lapas"], number="B/LAPAS/2021")
    _award(admin, tree["rutan_tpi"], number="B/RUTAN-TPI/2021")
    leader = factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="pimpinan-pred")
    client.force_login(leader)
    html = client.get(reverse("predicates:register")).content.decode()
    assert "B/LAPAS/2021" in html and "B/RUTAN-TPI/2021" not in html
    assert reverse("predicates:import") not in html  # no import link without the grant
    assert client.get(reverse("predicates:import")).status_code == 403
    client.logout()
    assert client.get(reverse("predicates:register")).status_code == 302


def test_year_filter_offers_only_years_in_scope(client, tree, admin):
    _award(admin, tree["lapas"], number="B/LAPAS/2021")
    _award(admin, tree["rutan_tpi"], year=2019, date=dt.date(2019, 12, 10), number="B/RUTAN-TPI/2019")
    leader = factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="pimpinan-tahun")
    client.force_login(leader)
    html = client.get(reverse("predicates:register")).content.decode()
    assert '<option value="2021"' in html and '<option value="2019"' not in html
    client.force_login(admin)
    assert '<option value="2019"' in client.get(reverse("predicates:register")).content.decode()


def test_command_imports_past_decrees(tmp_path, tree, capsys):
    path = tmp_path / "riwayat.csv"
    path.write_text(CSV.format(lapas=tree["lapas"].code, rutan=tree["rutan"].code))
    call_command("predicates", "import", str(path), "--agency", tree["lapas"].agency.code)
    assert "3 keputusan diimpor" in capsys.readouterr().out
    assert Award.objects.count() == 3


def test_dashboard_and_unit_page_read_the_register(client, tree, admin):
    from zi.assessments import services as assessment_services
    from zi.lke.models import LkeTemplate
    from zi.lke.services import templates_load_all

    templates_load_all()
    assessment_services.period_create(
        actor=None,
        year=2026,
        name="Periode 2026",
        template=LkeTemplate.objects.order_by("pk").first(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    _award(admin, tree["lapas"], "WBK", 2019, dt.date(2019, 12, 9), "B/1/2019")
    _award(admin, tree["lapas"], "WBBM", 2021, dt.date(2022, 1, 14), "B/2/2022")
    _award(admin, tree["rutan"], "WBK", 2020, dt.date(2020, 12, 10), "B/3/2020")
    _award(admin, tree["rutan_tpi"], "WBK", 2020, dt.date(2020, 12, 10), "B/4/2020")  # another Kanwil
    leader = factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="pimpinan-dash")
    client.force_login(leader)
    html = client.get(reverse("insights:node", args=[tree["sumsel"].pk]) + "?periode=2026").content.decode()
    assert "Pemegang predikat hari ini: 1 WBK, 1 WBBM" in html
    assert "Lapas Kelas I Palembang · WBBM 2021" in html and "Rutan Kelas IIB Prabumulih · WBK 2020" in html
    assert "Tanjungpinang" not in html
    page = client.get(reverse("insights:unit_page", args=[tree["lapas"].pk]) + "?periode=2026").content.decode()
    assert "WBK 2019" in page and "WBBM 2021" in page and "B/2/2022" in page
