"""The LHE as a TPI signs it (issue #19): every required element in its text, nothing outside the page, numbered
versions stored with their SHA-256 and downloaded byte for byte, who may write, issue and download, and the agency
letterhead (its logo upload checked like evidence)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests import factories
from tests.pdf_checks import pdf_text, words_outside_page
from tests.workflow.conftest import OVERRIDE, PDF_BYTES, go, journey_at
from zi.assessments import services as assessment_services
from zi.assessments.models import Lane
from zi.core.models import AuditEvent
from zi.organisations import services as org_services
from zi.organisations.letterhead import LOGO_MAX_BYTES, letterhead_for
from zi.organisations.models import Role
from zi.surveys import services as survey_services
from zi.workflow import lhe, services
from zi.workflow.models import IssuedLhe, State

IPAK_SOURCE = "BPS, laporan survei no. 12/2026"
IPKP_SOURCE = "Survei eksternal Universitas Sriwijaya 2026"


def png(size=(120, 90), noise=False):
    image = Image.new("RGB", size, (20, 60, 140))
    if noise:
        rng = random.Random(3)
        image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _letterhead(jw):
    return org_services.letterhead_save(
        actor=jw["admin"],
        agency=jw["agency"],
        name="Kementerian Hukum dan Hak Asasi Manusia",
        subtitle="Inspektorat Jenderal",
        address="Jl. H.R. Rasuna Said Kav. 6-7, Kuningan, Jakarta Selatan 12940",
        logo=png(),
    )


def _header(jw, journey, number, actor="tpi3"):
    lhe.notes_save(
        actor=jw[actor],
        journey=journey,
        notes={
            1: ("Agen perubahan belum menyusun rencana kerja.", "Tetapkan rencana kerja agen perubahan."),
            0: ("IPAK dari survei BPS.", "Pertahankan survei eksternal."),
        },
        number=number,
        place="Jakarta",
        date=dt.date(2026, 4, 30),
    )


def _scored_journey(jw):
    """TPI evaluation with external IPAK/IPKP (their sources) in the TPI lane."""
    journey = journey_at(jw, State.TPI_EVALUATION)
    for kind, value, source in (("ipak", "3.70", IPAK_SOURCE), ("ipkp", "3.45", IPKP_SOURCE)):
        survey_services.external_index_record(
            actor=jw["tpi1"], unit=jw["lapas"], period=jw["period"], kind=kind, value=value, source=source
        )
    for code, value in (("B.I.a", 3.7), ("B.II.a", 3.45)):
        assessment_services.answer_save(
            actor=jw["tpi3"], assessment=jw["assessment"], question_code=code, raw=value, lane=Lane.TPI
        )
    return journey


def test_issued_lhe_holds_every_element_and_versions_are_kept_byte_for_byte(client, jw):
    _letterhead(jw)
    journey = _scored_journey(jw)
    _header(jw, journey, "LHE-01/IJ.3/IV/2026")
    with pytest.raises(PermissionDenied):  # a plain member writes notes but does not sign
        lhe.issue(actor=jw["tpi3"], journey=journey)
    first = lhe.issue(actor=jw["tpi1"], journey=journey)
    assert first.stage == 1 and first.state == State.TPI_EVALUATION
    journey = go(jw, journey, State.TPI_RETURNED, "tpi1", note="Perbaiki sesuai LHE 1")
    journey = go(jw, journey, State.TPI_EVALUATION, "leader")
    journey = go(jw, journey, State.TPI_MEETS, "tpi1", "Memenuhi setelah perbaikan", data={"override_reason": OVERRIDE})
    with pytest.raises(ValidationError, match="sudah dipakai"):
        lhe.issue(actor=jw["tpi2"], journey=journey)  # the number of LHE 1 again
    _header(jw, journey, "LHE-02/IJ.3/V/2026", actor="tpi2")
    second = lhe.issue(actor=jw["tpi2"], journey=journey)
    assert [v.stage for v in IssuedLhe.objects.filter(journey=journey)] == [1, 2]

    # each version in the audit trail with its SHA-256; the stored bytes hash to it
    for version in (first, second):
        event = AuditEvent.objects.get(action="issue_lhe", object_id=str(version.pk))
        assert event.after["sha256"] == version.sha256 and event.after["lhe"] == version.stage
        with version.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == version.sha256

    # downloads return exactly the stored bytes, today and later, for the team and for the unit
    for user in (jw["tpi1"], jw["member"], jw["admin"]):
        client.force_login(user)
        for version in (first, second):
            got = client.get(reverse("workflow:lhe_download", args=[journey.pk, version.stage]))
            assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == version.sha256
        assert client.get(reverse("workflow:lhe", args=[journey.pk])).content == second.file.open("rb").read()
    page = client.get(reverse("workflow:lhe_page", args=[journey.pk])).content.decode()
    assert first.sha256 in page and second.sha256 in page and 'id="lhe-notes"' not in page  # admin: read only

    data = second.file.open("rb").read()
    text = pdf_text(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].images  # the agency logo
    required = [
        "KEMENTERIAN HUKUM DAN HAK ASASI MANUSIA",  # the letterhead
        "Inspektorat Jenderal",
        "LAPORAN HASIL EVALUASI (LHE 2)",
        "Nomor: LHE-02/IJ.3/V/2026",
        jw["lapas"].name,
        jw["agency"].name,
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 90 Tahun 2021",
        # komponen hasil: the index values and their sources
        "indeks 3,70",
        IPAK_SOURCE,
        "indeks 3,45",
        IPKP_SOURCE,
        # every threshold of the predicate sought, and the per-area floors (60 % of 8, 7, 10, 10, 15, 10)
        "≥ 75,00",
        "≥ 40,00",
        "≥ 18,25",
        "≥ 15,75",
        "≥ 2,50",
        "≥ 14,00",
        "IPAK 3,70; minimal 3,60",
        "IPKP 3,45; minimal 3,20",
        "≥ 4,80",
        "≥ 4,20",
        "≥ 6,00",
        "≥ 9,00",
        # the preconditions with their status
        "(TLHP)",
        "LHKPN/LHKASN",
        "Predikat SAKIP instansi",
        "Nilai SAKIP internal unit",
        "SPTJM kepala unit",
        "Belum memenuhi",
        # notes per area, conclusion with the unmet preconditions and the override, signatories, local time
        "Tetapkan rencana kerja agen perubahan.",
        "syarat pengusulan di bawah ini belum seluruhnya terpenuhi",
        "Pengecualian syarat oleh TPI",
        OVERRIDE,
        "Jakarta, 30-04-2026",
        "Ketua Tim",
        "Pengendali Teknis",
        jw["tpi1"].full_name,
        jw["tpi2"].full_name,
        "WIB",
    ]
    missing = [item for item in required if item not in text]
    assert not missing, missing
    assert "DRAF" not in text


def test_no_word_leaves_the_page_with_long_names_and_notes(client, jw):
    journey = journey_at(jw, State.TPI_EVALUATION)
    long_name = "Dr. Raden Ajeng Kusumawardhani Setyaningrum Puspitasari Wulandari Prameswari, S.H., M.H., CFrA"
    for n, key in enumerate(("tpi1", "tpi2", "tpi3")):
        jw[key].full_name = f"{long_name} {key}"
        jw[key].nip = f"19870315201012200{n}"
        jw[key].save()
    journey.tpi_team.name = "Tim Penilai Internal Inspektorat Jenderal Wilayah Sumatera Bagian Selatan dan Bangka"
    journey.tpi_team.save()
    token = "PenyelenggaraanPelayananPublikTerpaduSatuPintu" * 4
    note = f"Data dukung {token} belum lengkap; " + "SK tim kerja belum ditandatangani kepala satuan kerja. " * 12
    lhe.notes_save(
        actor=jw["tpi1"],
        journey=journey,
        notes={k: (note, note) for k in (1, 5, 0)},
        number="LHE-" + "9" * 100,
        place="Kota Palembang, Provinsi Sumatera Selatan",
        date=dt.date(2026, 4, 30),
    )
    services.lane_note_save(
        actor=jw["tpi3"], journey=journey, lane=Lane.TPI, question_code=jw["codes"]["abc"], text=note
    )
    client.force_login(jw["tpi3"])
    preview = client.get(reverse("workflow:lhe_preview", args=[journey.pk]))
    assert preview.status_code == 200
    assert words_outside_page(preview.content) == []
    assert "DRAF" in pdf_text(preview.content)


def test_who_may_write_preview_issue_and_download(client, jw, agency):
    journey = journey_at(jw, State.TPI_EVALUATION)
    outsider = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=agency, username="tpilain")
    page = reverse("workflow:lhe_page", args=[journey.pk])
    notes = reverse("workflow:lhe_notes", args=[journey.pk])
    issue = reverse("workflow:lhe_issue", args=[journey.pk])
    preview = reverse("workflow:lhe_preview", args=[journey.pk])
    body = {"number": "LHE-7/2026", "place": "Palembang", "date": "2026-04-30", "notes-1": "Catatan"}

    client.force_login(jw["tpi3"])  # team member: writes and previews, does not issue
    assert client.get(page).status_code == 200
    assert client.post(notes, body).status_code == 302
    assert lhe.draft_of(journey).number == "LHE-7/2026"
    assert client.post(issue).status_code == 403
    for user, status in ((outsider, 404), (jw["member"], 404), (jw["other"], 404), (jw["admin"], 404)):
        # another evaluator, the unit (TPI lane not released), another unit, the agency admin: nothing to see yet
        client.force_login(user)
        assert client.get(page).status_code in (status, 403), user
        assert client.get(preview).status_code in (status, 403), user
        assert client.post(notes, body).status_code in (403, 404), user
        assert client.post(issue).status_code in (403, 404), user
    assert lhe.draft_of(journey).number == "LHE-7/2026"

    client.force_login(jw["tpi1"])
    assert client.post(issue).status_code == 302
    issued = IssuedLhe.objects.get(journey=journey)
    download = reverse("workflow:lhe_download", args=[journey.pk, issued.stage])
    assert client.get(download).status_code == 200
    for user in (outsider, jw["member"], jw["other"]):
        client.force_login(user)
        assert client.get(download).status_code in (403, 404)
    journey = go(jw, journey, State.TPI_RETURNED, "tpi1", note="Perbaiki")
    client.force_login(jw["member"])  # LHE 1 returned: the unit reads it
    assert client.get(download).content == issued.file.open("rb").read()
    client.force_login(jw["other"])  # another unit never
    assert client.get(download).status_code == 404


def test_letterhead_upload_is_checked_and_scoped(client, jw):
    url = reverse("organisations:letterhead", args=[jw["agency"].pk])
    client.force_login(jw["admin"])
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("organisations:unit_list")).content.decode()
    base = {"name": "Kementerian Hukum", "subtitle": "Inspektorat Jenderal", "address": "Jakarta"}
    wrong = [
        SimpleUploadedFile("logo.png", PDF_BYTES, content_type="image/png"),  # a PDF named .png
        SimpleUploadedFile("logo.png", b"GIF89a" + b"\0" * 64, content_type="image/png"),  # GIF header
        SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"),
    ]
    for upload in wrong:
        response = client.post(url, {**base, "logo": upload})
        assert response.status_code == 400 and "PNG atau JPEG" in response.content.decode()
    big = png(size=(700, 700), noise=True)
    assert big.size > LOGO_MAX_BYTES
    response = client.post(url, {**base, "logo": big})
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()
    assert letterhead_for(jw["agency"]) is None  # nothing stored by a refused upload

    assert client.post(url, {**base, "logo": png()}).status_code == 302
    head = letterhead_for(jw["agency"])
    assert head["name"] == "Kementerian Hukum" and head["logo_uri"].startswith("data:image/png;base64,")
    assert AuditEvent.objects.filter(object_type="organisations.agencyletterhead", action="create").exists()

    client.force_login(jw["member"])  # a unit's team: not theirs to change
    assert client.get(url).status_code == 403
    other_agency = factories.AgencyFactory()
    other_admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=other_agency, username="admin-lain")
    client.force_login(other_admin)  # another agency's admin: not found
    assert client.get(url).status_code == 404
    assert client.post(url, {**base, "name": "Diubah"}).status_code == 404
    assert letterhead_for(jw["agency"])["name"] == "Kementerian Hukum"
