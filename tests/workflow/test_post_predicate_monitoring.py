"""Post-predicate monitoring on the predicate register (P90 Bab IV): the two-yearly TPI report due/overdue, TPN
field checks, index falling against the award year, complaints rising, revocation recommended; the holders-at-risk
selector's scope; the records' validation, permissions and audit; the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.workflow.conftest import pdf
from zi.assessments import services as assessment_services
from zi.assessments.models import Period
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.organisations.models import Role
from zi.predicates import services as predicate_services
from zi.predicates.models import Award, Source
from zi.programme import services as programme_services
from zi.programme.models import Complaint, ComplaintCategory
from zi.surveys import services as survey_services
from zi.workflow import monitoring, monitoring_services
from zi.workflow.models import FieldCheck, MonitoringReport

TODAY = timezone.localdate()


def _period(template, year):
    return assessment_services.period_create(
        actor=None,
        year=year,
        name=f"Periode {year}",
        template=template,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )


def _award(unit, predicate, year, decree_date):
    return predicate_services.award_record(
        actor="test",
        unit=unit,
        predicate=predicate,
        year=year,
        decree_number=f"B/{unit.pk}/M.RB.06/{year}",
        decree_date=decree_date,
        source=Source.IMPORT,
    )


@pytest.fixture
def mw(tree, agency):
    return _build(tree, agency)


def _build(tree, agency):
    templates_load_all()
    template = LkeTemplate.objects.order_by("pk").first()
    this_year = TODAY.year
    world = {
        **tree,
        "period": _period(template, this_year),
        "before": _period(template, this_year - 1),
        "admin": factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency, username="admin-mon"),
        "tpi": factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, username="tpi-mon"),
        "leader": factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="kakanwil-sumsel"),
        "leader_kepri": factories.make_user_with_role(Role.LEADER, unit=tree["kepri"], username="kakanwil-kepri"),
        "member": factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"], username="tim-lapas"),
    }
    last_year = dt.date(this_year - 1, 12, 10)
    world["lapas_award"] = _award(tree["lapas"], "WBK", this_year - 1, last_year)
    world["rutan_award"] = _award(tree["rutan"], "WBK", this_year - 5, dt.date(this_year - 5, 12, 14))
    world["tpi_award"] = _award(tree["rutan_tpi"], "WBK", this_year - 1, last_year)
    return world


def _rows(user, world, today=TODAY):
    return {r.unit.pk: r for r in monitoring.predicate_watch(user=user, period=world["period"], today=today)}


def _complaints(unit, days_ago: list[int]):
    for index, days in enumerate(days_ago):
        complaint, _code = programme_services.complaint_submit_public(
            unit=unit, category=ComplaintCategory.PUNGLI, subject=f"Pungli {index}", description="Diminta uang."
        )
        received = timezone.now() - dt.timedelta(days=days)
        Complaint.objects.filter(pk=complaint.pk).update(received_at=received, sla_due_at=received + dt.timedelta(30))


# --- dates -------------------------------------------------------------------------------------------------------


def test_report_due_two_years_after_the_decree_then_after_the_last_report(mw):
    award = mw["rutan_award"]
    assert monitoring.report_due_date(award, []) == award.decree_date.replace(year=award.decree_date.year + 2)
    report = MonitoringReport(award=award, report_date=dt.date(TODAY.year - 1, 3, 1))
    assert monitoring.report_due_date(award, [report]) == dt.date(TODAY.year + 1, 3, 1)
    leap = Award(decree_date=dt.date(2024, 2, 29))
    assert monitoring.report_due_date(leap, []) == dt.date(2026, 2, 28)
    due = dt.date(2026, 12, 10)
    assert monitoring.report_status(due, dt.date(2026, 1, 5)) == "ok"
    assert monitoring.report_status(due, dt.date(2026, 10, 1)) == "due"  # within 90 days
    assert monitoring.report_status(due, due) == "due"
    assert monitoring.report_status(due, dt.date(2026, 12, 11)) == "overdue"
    assert monitoring.report_status(due, dt.date(2026, 12, 11), waived=True) == "waived"


# --- each reason -------------------------------------------------------------------------------------------------


def test_report_overdue_is_a_reason_until_the_report_is_recorded(mw):
    rows = _rows(mw["leader"], mw)
    rutan = rows[mw["rutan"].pk]
    assert rutan.report_status == "overdue" and monitoring.REPORT_OVERDUE in rutan.reason_codes
    assert monitoring.REPORT_OVERDUE not in rows[mw["lapas"].pk].reason_codes  # decree last December
    monitoring_services.report_record(
        actor=mw["tpi"],
        award=mw["rutan_award"],
        report_date=TODAY,
        result="maintained",
        recommendation="keep",
        uploaded_file=pdf("laporan.pdf"),
    )
    rutan = _rows(mw["leader"], mw)[mw["rutan"].pk]
    assert rutan.report_status == "ok" and not rutan.at_risk and rutan.last_report.report_date == TODAY


def test_index_falling_against_the_award_year(mw):
    lapas = mw["lapas"]
    for period, ipak, ipkp in ((mw["before"], "3.85", "3.70"), (mw["period"], "3.62", "3.68")):
        for kind, value in (("ipak", ipak), ("ipkp", ipkp)):
            survey_services.external_index_record(
                actor=mw["tpi"], unit=lapas, period=period, kind=kind, value=value, source="Survei internal TPI"
            )
    row = _rows(mw["leader"], mw)[lapas.pk]
    assert row.baseline["year"] == TODAY.year - 1 and row.baseline["ipak"] == 3.85
    over_time = monitoring.indices_over_time(mw["lapas_award"])
    assert [(t["period"].year, t["indices"]["ipak"]) for t in over_time] == [(TODAY.year - 1, 3.85), (TODAY.year, 3.62)]
    assert row.reason_codes == {monitoring.INDEX_FALLING}  # IPAK 3.62 still passes the 3.60 line
    assert row.reason_texts == [f"IPAK turun dari 3,85 ({TODAY.year - 1}) menjadi 3,62 ({TODAY.year})."]  # IPKP: 0.02


def test_complaints_rising_against_the_same_months_a_year_earlier(mw):
    unit = mw["rutan_tpi"]
    days_into_year = (TODAY - dt.date(TODAY.year, 1, 1)).days
    a_year_ago = monitoring.anniversary(TODAY, -1) - dt.timedelta(days=min(2, days_into_year))
    _complaints(unit, [(TODAY - a_year_ago).days])  # one a year earlier, within the compared months
    _complaints(unit, [1, 2])
    row = _rows(mw["leader_kepri"], mw)[unit.pk]
    assert (row.complaints["total"], row.complaints_before["total"]) == (2, 1)
    assert monitoring.COMPLAINTS_RISING not in row.reason_codes  # fewer than complaints_rising_min (3)
    _complaints(unit, [3])
    row = _rows(mw["leader_kepri"], mw)[unit.pk]
    assert monitoring.COMPLAINTS_RISING in row.reason_codes
    assert "Pengaduan naik dari 1 menjadi 3" in " ".join(row.reason_texts)


def test_revocation_recommended_by_the_latest_field_check_or_report(mw):
    award = mw["tpi_award"]
    check = monitoring_services.field_check_record(
        actor=mw["admin"],
        award=award,
        check_date=TODAY - dt.timedelta(days=20),
        result="not_maintained",
        recommendation="revoke",
        findings="Pungli pada layanan kunjungan terbukti.",
    )
    row = _rows(mw["admin"], mw)[award.unit_id]
    assert row.reason_codes == {monitoring.REVOCATION_RECOMMENDED} and row.last_check == check
    assert "Pemeriksaan lapangan TPN" in row.reason_texts[0]
    # a later report that finds the predicate kept answers it
    monitoring_services.report_record(
        actor=mw["tpi"],
        award=award,
        report_date=TODAY,
        result="maintained",
        recommendation="keep",
        uploaded_file=pdf(),
    )
    assert not _rows(mw["admin"], mw)[award.unit_id].at_risk


def test_holders_at_risk_scoped_to_the_users_subtree(mw):
    monitoring_services.field_check_record(
        actor=mw["admin"],
        award=mw["tpi_award"],
        check_date=TODAY,
        result="not_maintained",
        recommendation="revoke",
        findings="Temuan berat.",
    )
    sumsel = {r.unit.pk for r in monitoring.holders_at_risk(mw["leader"], mw["period"])}
    kepri = {r.unit.pk for r in monitoring.holders_at_risk(mw["leader_kepri"], mw["period"])}
    national = {r.unit.pk for r in monitoring.holders_at_risk(mw["tpi"], mw["period"])}
    assert sumsel == {mw["rutan"].pk}  # report overdue; Kepri's holder is not visible
    assert kepri == {mw["rutan_tpi"].pk}
    assert national == {mw["rutan"].pk, mw["rutan_tpi"].pk}
    assert monitoring.predicate_watch(user=mw["member"], period=mw["period"]) == []  # no dashboard, no TPI
    # a revoked predicate is no longer watched
    predicate_services.award_revoke(actor="test", award=mw["tpi_award"], revoked_on=TODAY, reason="Pungli terbukti")
    assert mw["rutan_tpi"].pk not in {r.unit.pk for r in monitoring.holders_at_risk(mw["tpi"], mw["period"])}


# --- records: validation, permissions, audit ---------------------------------------------------------------------


def _report(mw, **changes):
    values = {
        "actor": mw["tpi"],
        "award": mw["lapas_award"],
        "report_date": TODAY,
        "result": "maintained",
        "recommendation": "keep",
        "uploaded_file": pdf(),
    }
    return monitoring_services.report_record(**{**values, **changes})


def test_report_upload_is_checked_like_evidence(mw):
    with pytest.raises(ValidationError, match="kosong"):
        _report(mw, uploaded_file=SimpleUploadedFile("kosong.pdf", b"", content_type="application/pdf"))
    with pytest.raises(ValidationError, match="Jenis berkas tidak diizinkan"):
        _report(mw, uploaded_file=SimpleUploadedFile("laporan.pdf", b"#!/bin/sh\necho hi\n"))
    with pytest.raises(ValidationError, match="wajib diunggah"):
        _report(mw, uploaded_file=None)
    with pytest.raises(ValidationError, match="belum tiba"):
        _report(mw, report_date=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="sebelum tanggal keputusan"):
        _report(mw, report_date=mw["lapas_award"].decree_date - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="tidak dikenal"):
        _report(mw, recommendation="bubarkan")
    assert not MonitoringReport.objects.exists()
    report = _report(mw, uploaded_file=pdf("Laporan Pemantauan 2026.pdf"))
    assert report.content_type == "application/pdf" and len(report.sha256) == 64 and report.file_name.endswith(".pdf")


def test_records_need_the_right_role_and_leave_audit_rows(mw):
    with pytest.raises(PermissionDenied):
        _report(mw, actor=mw["leader"])  # leaders read; the TPI reports
    with pytest.raises(PermissionDenied):
        _report(mw, actor=mw["admin"])
    with pytest.raises(PermissionDenied):
        monitoring_services.field_check_record(
            actor=mw["tpi"], award=mw["lapas_award"], check_date=TODAY, result="maintained", recommendation="keep",
            findings="Sesuai.",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Temuan"):
        monitoring_services.field_check_record(
            actor=mw["admin"], award=mw["lapas_award"], check_date=TODAY, result="maintained", recommendation="keep",
            findings=" ",
        )  # fmt: skip
    report = _report(mw)
    check = monitoring_services.field_check_record(
        actor=mw["admin"],
        award=mw["lapas_award"],
        check_date=TODAY,
        result="maintained",
        recommendation="keep",
        findings="Sesuai.",
    )
    events = AuditEvent.objects.filter(
        action="create", object_type__in=["workflow.monitoringreport", "workflow.fieldcheck"]
    )
    assert {(e.object_type, e.object_id, e.actor_id) for e in events} == {
        ("workflow.monitoringreport", str(report.pk), mw["tpi"].pk),
        ("workflow.fieldcheck", str(check.pk), mw["admin"].pk),
    }
    assert all(e.scope_path == mw["lapas"].path for e in events)
    assert verify().ok
    # a revoked award takes no more records
    predicate_services.award_revoke(actor="test", award=mw["lapas_award"], revoked_on=TODAY, reason="Pungli terbukti")
    with pytest.raises(ValidationError, match="sudah dicabut"):
        _report(mw)


# --- pages -------------------------------------------------------------------------------------------------------


def test_monitoring_pages_per_role(client, mw):
    watch = reverse("workflow:monitoring")
    detail = reverse("workflow:monitoring_award", args=[mw["lapas_award"].pk])
    add_report = reverse("workflow:monitoring_report_add", args=[mw["lapas_award"].pk])
    add_check = reverse("workflow:monitoring_check_add", args=[mw["lapas_award"].pk])
    assert client.get(watch).status_code == 302  # anonymous: to the login page
    assert client.get(detail).status_code == 302
    client.force_login(mw["member"])
    assert client.get(watch).status_code == 403
    assert client.get(detail).status_code == 404

    client.force_login(mw["leader"])
    html = client.get(watch).content.decode()
    assert 'id="holders-at-risk"' in html and mw["rutan"].name in html and mw["rutan_tpi"].name not in html
    assert 'data-reason="report_overdue"' in html
    page = client.get(detail)
    assert page.status_code == 200 and "report-form" not in page.content.decode()
    assert 'id="over-time"' in page.content.decode() and f"Periode {TODAY.year}" in page.content.decode()
    assert client.post(add_report, {}).status_code == 403
    client.force_login(mw["leader_kepri"])
    assert client.get(detail).status_code == 404
    assert client.post(add_check, {}).status_code == 404

    client.force_login(mw["tpi"])
    assert 'id="report-form"' in client.get(detail).content.decode()
    bad = client.post(
        add_report,
        {"report_date": f"{TODAY + dt.timedelta(days=3):%Y-%m-%d}", "result": "maintained", "recommendation": "keep"}
        | {"file": pdf()},
    )
    assert bad.status_code == 400 and "belum tiba" in bad.content.decode()
    done = client.post(
        add_report,
        {"report_date": TODAY.isoformat(), "result": "maintained", "recommendation": "keep", "file": pdf("lap.pdf")},
    )
    assert done.status_code == 302 and done["Location"] == detail
    report = MonitoringReport.objects.get()
    assert client.post(add_check, {}).status_code == 403  # the TPI does not record the TPN's checks

    client.force_login(mw["admin"])
    done = client.post(
        add_check,
        {"check_date": TODAY.isoformat(), "result": "needs_improvement", "recommendation": "revoke", "findings": "X"},
    )
    assert done.status_code == 302 and FieldCheck.objects.get().recommendation == "revoke"
    html = client.get(watch + "?risiko=1").content.decode()
    assert 'data-reason="revocation_recommended"' in html and mw["lapas"].name in html

    # the report file: an attachment for those who may watch the unit, 404 for others
    file_url = reverse("workflow:monitoring_report_file", args=[report.pk])
    client.force_login(mw["leader"])
    answer = client.get(file_url)
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    assert answer["X-Content-Type-Options"] == "nosniff"
    client.force_login(mw["leader_kepri"])
    assert client.get(file_url).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 302


# --- demo --------------------------------------------------------------------------------------------------------


def test_demo_has_a_holder_at_risk_for_each_reason(demo_db, client):
    from zi.accounts.models import User

    national = User.objects.get(username="demo-nasional")
    period = Period.objects.order_by("-year").first()
    rows = monitoring.holders_at_risk(national, period)
    codes = set().union(*(r.reason_codes for r in rows))
    wanted = {
        monitoring.REPORT_OVERDUE,
        monitoring.REVOCATION_RECOMMENDED,
        monitoring.INDEX_FALLING,
        monitoring.COMPLAINTS_RISING,
    }
    assert wanted <= codes, codes
    today = timezone.localdate()
    for report in MonitoringReport.objects.select_related("award"):
        assert report.award.decree_date <= report.report_date <= today
    for check in FieldCheck.objects.select_related("award"):
        assert check.award.decree_date <= check.check_date <= today
    assert not Period.objects.filter(starts_on__gt=today).exists()
    client.force_login(User.objects.get(username="demo-pimpinan"))
    html = client.get(reverse("workflow:monitoring")).content.decode()
    assert 'id="holders-at-risk"' in html and "data-reason=" in html


def test_the_dashboard_includes_the_at_risk_list_of_its_node(client, mw):
    client.force_login(mw["tpi"])
    kanwil = client.get(reverse("insights:node", args=[mw["sumsel"].pk]) + f"?periode={TODAY.year}").content.decode()
    assert 'id="holders-at-risk"' in kanwil and mw["rutan"].name in kanwil
    kepri = client.get(reverse("insights:node", args=[mw["kepri"].pk]) + f"?periode={TODAY.year}").content.decode()
    assert 'id="holders-at-risk"' in kepri and mw["rutan"].name not in kepri


def test_records_announce_the_unit_so_the_dashboards_refresh(tree, agency, django_capture_on_commit_callbacks):
    from zi.core import events

    with django_capture_on_commit_callbacks(execute=True):  # the world is "committed" before the records
        mw = _build(tree, agency)
    seen: list[tuple[list[int], int | None]] = []

    def handler(unit_ids, period_id):
        seen.append((unit_ids, period_id))

    events.register(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _report(mw)
        with django_capture_on_commit_callbacks(execute=True):
            monitoring_services.field_check_record(
                actor=mw["admin"],
                award=mw["lapas_award"],
                check_date=TODAY,
                result="maintained",
                recommendation="keep",
                findings="Sesuai.",
            )
    finally:
        events.unregister(handler)
    assert seen == [([mw["lapas"].pk], None), ([mw["lapas"].pk], None)]
