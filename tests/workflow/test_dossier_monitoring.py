"""The proposal dossier (zip) and post-predicate monitoring (the predicate-at-risk list)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.pdf_checks import pdf_text
from tests.workflow.conftest import OVERRIDE, fill_lane, go, journey_at, pdf, team
from zi.assessments import services as assessment_services
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.workflow import lhe, monitoring, services
from zi.workflow.models import State
from zi.workflow.views import monitoring as views_monitoring


def _meets_with_evidence(jw):
    journey = journey_at(jw, State.BUILDING)
    evidence = assessment_services.evidence_add_file(
        actor=jw["member"],
        assessment=jw["assessment"],
        question_code=jw["codes"]["abc"],
        title="SK Tim ZI",
        uploaded_file=pdf("sk.pdf"),
    )
    assessment_services.evidence_add_link(
        actor=jw["member"],
        assessment=jw["assessment"],
        question_code=jw["codes"]["abc"],
        title="Berita pencanangan",
        url="https://example.go.id/berita",
    )
    fill_lane(jw)
    for to_state, actor in ((State.SELF_SUBMITTED, "leader"), (State.IN_REVIEW, "reviewer")):
        journey = go(jw, journey, to_state, actor)
    journey = go(jw, journey, State.REVIEWED, "reviewer")
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi1")
    journey = go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi", data={"override_reason": OVERRIDE})
    return journey, evidence


def _ready(jw, journey):
    services.agency_profile_save(
        actor=jw["admin"], agency=jw["agency"], year=2026, bpk_opinion="WTP", sakip="BB", indeks_rb="B", spip_level=3
    )
    services.preconditions_record(
        actor=jw["head"], journey=journey, tlhp_percent=100, lhkpn_percent=100, sakip_internal="BB"
    )
    services.sptjm_upload(actor=jw["head"], journey=journey, uploaded_file=pdf("sptjm.pdf"))
    services.calendar_save(
        actor=None, period=jw["period"], proposal_deadline=timezone.localdate() + dt.timedelta(days=30)
    )


def test_dossier_zip_contents_hashes_permission_and_audit(client, jw, tree):
    journey, evidence = _meets_with_evidence(jw)
    _ready(jw, journey)
    lhe.notes_save(actor=jw["tpi1"], journey=journey, number="LHE-2/2026", place="Palembang", date=dt.date(2026, 5, 2))
    issued = lhe.issue(actor=jw["tpi1"], journey=journey)
    url = reverse("workflow:dossier", args=[journey.pk])
    client.force_login(jw["admin"])
    assert "berkas-usulan.zip" in client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    base = f"{jw['lapas'].code}-2026"
    expected = {
        f"LKE-mandiri-{base}.xlsx",
        f"LKE-TPI-{base}.xlsx",
        f"LHE-1-{base}.pdf",
        f"SPTJM-{base}.pdf",
        "ringkasan-usulan.pdf",
        "indeks-data-dukung.csv",
        "hasil-survei.csv",
        "usulan.json",
        "SHA256SUMS",
    }
    assert expected <= names
    assert any(n.startswith("pencanangan/pact-") for n in names)
    assert archive.read(f"LHE-1-{base}.pdf") == issued.file.open("rb").read()  # the LHE exactly as issued
    assert archive.read(f"LKE-mandiri-{base}.xlsx").startswith(b"PK")
    summary = pdf_text(archive.read("ringkasan-usulan.pdf"))
    assert "3 dari 5 pegawai" in summary and jw["lapas"].name in summary and "IPAK" in summary
    assert hashlib.sha256(archive.read(f"LHE-1-{base}.pdf")).hexdigest() in summary.replace(" ", "")
    rows = list(csv.DictReader(io.StringIO(archive.read("indeks-data-dukung.csv").decode("utf-8-sig"))))
    file_row = next(r for r in rows if r["judul"] == "SK Tim ZI")
    assert file_row["sha256"] == evidence.revisions.get().sha256
    assert file_row["tautan"].endswith(f"/lke/data-dukung/{evidence.pk}/r1/berkas") or "/berkas" in file_row["tautan"]
    assert any(r["tautan"] == "https://example.go.id/berita" for r in rows)
    sums = dict(
        reversed(line.split("  ", 1)) for line in archive.read("SHA256SUMS").decode().splitlines() if line.strip()
    )
    for name, digest in sums.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    event = AuditEvent.objects.filter(action="export", object_type__endswith="journey").get()
    assert event.after["sha256"] == hashlib.sha256(response.content).hexdigest()
    # the proposal list of the year: ready to propose, with its package; after proposing, the date
    proposals = reverse("workflow:proposals")
    html = client.get(proposals).content.decode()
    assert jw["lapas"].name in html and "siap diusulkan" in html and url in html
    go(jw, journey, State.PROPOSED, "admin")
    html = client.get(proposals, {"tahun": 2026}).content.decode()
    assert "siap diusulkan" not in html and "Diusulkan: 1" in html
    assert jw["lapas"].name not in client.get(proposals, {"tahun": 2025}).content.decode()
    # who may not: the unit head (403), someone outside (404); before TPI concluded: 404
    client.force_login(jw["head"])
    assert client.get(url).status_code == 403
    assert client.get(proposals).status_code == 403
    client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["rutan_tpi"], username="x"))
    assert client.get(url).status_code == 404


def test_dossier_not_before_tpi_conclusion(client, jw):
    journey = journey_at(jw, State.BUILDING)
    client.force_login(jw["admin"])
    assert client.get(reverse("workflow:dossier", args=[journey.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_monitoring_lists_awarded_units_at_risk(client, jw, tree, monkeypatch):
    journey, _ = _meets_with_evidence(jw)
    _ready(jw, journey)
    journey = go(jw, journey, State.PROPOSED, "admin")
    journey = go(
        jw,
        journey,
        State.AWARDED,
        "admin",
        data={"decree_number": "KEP-1/M.PAN-RB/11/2026", "decree_date": dt.date(2026, 11, 30)},
    )
    # two years and more after the decree (a decree is never dated in the future, so the clock moves instead)
    monkeypatch.setattr(views_monitoring.timezone, "localdate", lambda *args: dt.date(2029, 1, 15))
    url = reverse("workflow:monitoring")
    client.force_login(jw["member"])  # no dashboard, no TPI: 403
    assert client.get(url).status_code == 403
    leader = factories.make_user_with_role(Role.LEADER, unit=tree["sumsel"], username="pimpinan")
    client.force_login(leader)
    html = client.get(url).content.decode()
    assert jw["lapas"].name in html and "at-risk" in html
    assert (
        "Belum ada hasil survei IPAK" in html and "Laporan pemantauan 2 tahunan TPI terlambat sejak 30-11-2028" in html
    )
    assert "KEP-1/M.PAN-RB/11/2026" in html
    # TPI sees it too; a leader of another subtree does not
    client.force_login(jw["tpi1"])
    assert jw["lapas"].name in client.get(url).content.decode()
    client.force_login(factories.make_user_with_role(Role.LEADER, unit=tree["kepri"], username="pimpinan-kepri"))
    assert jw["lapas"].name not in client.get(url).content.decode()
    # revoked: no longer watched
    go(jw, journey, State.REVOKED, "admin", note="Pungli terbukti")
    client.force_login(leader)
    assert jw["lapas"].name not in client.get(url).content.decode()


def test_monitoring_thresholds_are_data():
    ok = {"ipak": 3.7, "ipkp": 3.4, "ikm": 90.0}
    quiet = {"total": 0, "resolved": 0, "on_time": 0, "overdue": 0}
    assert monitoring.index_below_reasons("WBK", ok) == [] and monitoring.complaint_reasons(quiet) == []
    reasons = monitoring.index_below_reasons("WBBM", ok)  # WBBM needs IPKP >= 3.60
    assert [r.text for r in reasons] == ["IPKP 3,40 di bawah ambang 3,60 untuk WBBM."]
    bad = {"ipak": 3.1, "ipkp": 3.5, "ikm": 70.0}
    complaints = {"total": 10, "resolved": 6, "on_time": 5, "overdue": 2}
    reasons = monitoring.index_below_reasons("WBK", bad) + monitoring.complaint_reasons(complaints)
    texts = [r.text for r in reasons]
    assert len(reasons) == 4 and any("IKM 70,00" in t for t in texts) and any("50%" in t for t in texts)
    assert monitoring.missing_survey_notes({"ipak": None, "ipkp": 3.2}) == [
        "Belum ada hasil survei IPAK pada periode ini."
    ]
