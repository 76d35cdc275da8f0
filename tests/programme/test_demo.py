"""The demo seeding of the building work: realistic, idempotent, nothing without the 2026 period."""

from __future__ import annotations

import io

from tests import factories
from zi.core import audit as audit_module
from zi.core import tracking
from zi.demo import programme as demo
from zi.programme import selectors, services
from zi.programme.models import Activity, ChangeAgent, Complaint, Innovation, WorkPlan


def test_nothing_without_period(tree):
    out = io.StringIO()
    assert demo.seed_programme(stdout=out)["units"] == 0
    assert not WorkPlan.objects.exists() and "dilewati" in out.getvalue()


def test_seed_programme_realistic_and_idempotent(tree, period):
    lapas = tree["lapas"]  # "Lapas Kelas I Palembang" in agency KEMENKUMHAM
    for i in range(40):
        factories.UserFactory(full_name=f"Pegawai Demo {i}", unit=lapas)
    totals = demo.seed_programme(stdout=io.StringIO())
    assert totals["units"] == 2  # Lapas Palembang and Rutan Prabumulih (the other names do not exist here)
    assert Activity.objects.filter(unit=lapas).count() == 12
    assert ChangeAgent.objects.filter(unit=lapas).count() == 5
    assert Complaint.objects.filter(unit=lapas).count() == 20
    assert Innovation.objects.filter(unit=lapas, complaint__isnull=False).count() == 3
    summary = selectors.complaint_summary(unit=lapas)
    assert summary["overdue"] >= 1 and summary["resolved"] >= 10
    inputs = selectors.lke_inputs_for(lapas, period)
    assert inputs["A.II.1.i.a"]["inputs"] == {"jumlah_agen_perubahan": 5, "jumlah_perubahan_dibuat": 7}
    assert inputs["A.II.1.i.b"]["inputs"]["jumlah_perubahan_terintegrasi"] == 4
    complaints = inputs["A.II.5.ii.a"]["inputs"]
    assert (
        complaints["pengaduan_harus_ditindaklanjuti"]
        == complaints["pengaduan_sedang_diproses"] + complaints["pengaduan_selesai"]
    )
    assert tracking.is_well_formed(tracking.normalize_code(demo.DEMO_TRACKING_CODE))
    assert services.track(demo.DEMO_TRACKING_CODE)["kind"] == "complaint"
    reach = selectors.reach_by_month(unit=lapas, period=period)
    assert reach[-1]["share"] > 50
    assert audit_module.verify().ok
    again = demo.seed_programme()
    assert again["units"] == 0
    assert Complaint.objects.filter(unit=lapas).count() == 20


def test_seed_programme_fills_services_simplified(tree, period):
    lapas = tree["lapas"]
    for i in range(10):
        factories.UserFactory(full_name=f"Pegawai Demo {i}", unit=lapas)
    demo.seed_programme(stdout=io.StringIO())
    inputs = selectors.lke_inputs_for(lapas, period)["A.II.6.i.b"]["inputs"]
    assert inputs == {"jumlah_layanan_terdaftar": 6, "jumlah_layanan_dipermudah": 2}
    assert audit_module.verify().ok


def test_link_survey_findings_after_survey_demo(tree, period):
    from zi.core.models import AuditEvent
    from zi.demo.surveys import seed_surveys

    lapas = tree["lapas"]
    for i in range(10):
        factories.UserFactory(full_name=f"Pegawai Demo {i}", unit=lapas)
    assert demo.link_survey_findings() is None  # nothing to link before any record exists
    demo.seed_programme(stdout=io.StringIO())
    seed_surveys(stdout=io.StringIO())
    out = io.StringIO()
    innovation = demo.link_survey_findings(stdout=out)
    assert innovation is not None and "temuan survei" in out.getvalue()
    weakest = min(
        selectors.survey_findings_for(unit, limit=1)[0]["mean"]
        for unit in {i.unit for i in Innovation.objects.select_related("unit")}
        if selectors.survey_findings_for(unit, limit=1)
    )
    finding = selectors.survey_finding_of(innovation)
    assert finding is not None and finding["mean"] == weakest
    assert innovation.survey_finding and innovation.survey_reference
    event = AuditEvent.objects.filter(object_id=str(innovation.pk), action="update").get()
    assert event.before["survey_item_id"] is None and event.after["survey_item_id"] == innovation.survey_item_id
    assert demo.link_survey_findings() is None  # idempotent
    assert Innovation.objects.filter(survey_item__isnull=False).count() == 1
    assert audit_module.verify().ok
