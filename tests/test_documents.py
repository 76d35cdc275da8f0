"""Every document of the one PDF path on the demo world: its text holds what it must, and no word lies outside its
page — with a unit carrying the longest name a unit may have (255 characters).

The leaders' report (zi.insights.reports), the survey QR poster and results report (zi.surveys.documents) and the
summary of the TPN dossier (zi.workflow.dossier). The LHE has its own tests. ``ZI_DOCUMENT_DUMP=/some/dir`` writes
every PDF there, to look at (docs/documents.md says how to render them to PNG)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from tests.pdf_checks import overlapping_words, page_count, pdf_text, words_outside_page
from zi.assessments.models import Period
from zi.core.templatetags.zi_tags import id_decimal
from zi.insights import reports
from zi.organisations import services as org_services
from zi.organisations.models import Unit
from zi.surveys import documents
from zi.surveys.models import Campaign
from zi.surveys.services import campaign_results
from zi.surveys.unit_indices import survey_index_dicts
from zi.workflow.dossier import DOSSIER_STATES, build_dossier
from zi.workflow.lanes import ALL_LANES
from zi.workflow.models import Journey

User = get_user_model()
pytestmark = pytest.mark.django_db

LONG_NAME = (
    "Lembaga Pemasyarakatan Perempuan Kelas IIA Palembang pada Kantor Wilayah Kementerian Hukum dan Hak Asasi "
    "Manusia Provinsi Sumatera Selatan, Unit Pelaksana Teknis Pemasyarakatan Percontohan Wilayah Bebas dari Korupsi "
    "dan Wilayah Birokrasi Bersih dan Melayani"
)


def _dump(name: str, data: bytes) -> None:
    folder = os.environ.get("ZI_DOCUMENT_DUMP")
    if folder:
        Path(folder, name).write_bytes(data)


def _rename_longest(unit: Unit) -> Unit:
    """``unit`` renamed to a name as long as a unit's name may be (``Unit.name.max_length``), of real words."""
    limit = Unit._meta.get_field("name").max_length
    name = (LONG_NAME + " " + LONG_NAME)[:limit].rsplit(" ", 1)[0]
    assert len(name) > 240
    org_services.unit_update(actor=None, unit=unit, name=name)
    unit.refresh_from_db()
    return unit


def _flat(text: str) -> str:
    """Text without whitespace: a long name wraps over lines."""
    return "".join(text.split())


def _has_words(name: str, text: str) -> bool:
    """Every word of ``name`` is a word of ``text`` (a name wrapped in a table cell interleaves with its row's other
    cells line by line, so it is not one string in the extracted text)."""
    words = set(text.split())
    return all(word in words for word in name.split())


def _lines(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [" ".join(line.split()) for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def _assert_on_page(data: bytes) -> None:
    """No word outside its page, and none running into another (a cell's text over its neighbour's)."""
    stray = words_outside_page(data)
    assert stray == [], stray[:5]
    overlaps = overlapping_words(data)
    assert overlaps == [], overlaps[:5]


def _report(client, username: str, query: str = "") -> bytes:
    period = Period.objects.order_by("-year").first()
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("insights:report_pdf") + f"?periode={period.year}{query}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_leader_report_shows_the_whole_ranking_with_numbers(demo_db, client):
    """The national report: every region and every unit with an LKE total, each row with its total, the review and
    TPI totals, the gap between lanes and the three indices — on landscape pages, nothing past the right margin."""
    viewer = User.objects.get(username="demo-nasional")
    period = Period.objects.order_by("-year").first()
    data = _report(client, "demo-nasional")
    _dump("laporan-pimpinan.pdf", data)
    text = pdf_text(data)
    _assert_on_page(data)
    for word in ("Peringkat wilayah menurut nilai LKE", "Peringkat unit menurut nilai LKE"):
        assert word in text
    assert _has_words("Nilai LKE mandiri Reviu TPI Selisih mandiri − reviu IKM IPAK IPKP Predikat", text)
    regions = reports.region_ranking(viewer, period, None)
    units, count = reports.unit_ranking(viewer, period, None)
    assert len(regions) >= 2 and count == len(units) >= 5
    assert any(r.tpi is not None and r.gap_tpi is not None for r in units)  # the demo has TPI-scored units
    lines = _lines(data)
    for row in [*regions, *units]:
        # the row's first line: rank and (the start of) the name, then every number up to the last column
        expected = [row.total, row.review, row.tpi, row.gap_review, row.gap_tpi, row.ikm, row.ipak, row.ipkp]
        first = f"{row.rank} {row.name.split()[0]} "
        line = next(x for x in lines if x.startswith(first) and id_decimal(row.total) in x.split())
        found = [n for n in line.split()[1:] if n[:1].isdigit() or n in ("-", "–")]
        assert [id_decimal(v) for v in expected] == [n for n in found if "/" not in n][: len(expected)], line
        if row.units is not None:  # a region: building/units first, proposed and predicates last
            assert found[0] == f"{row.building}/{row.units}" and found[-1] == f"{row.pred_wbk}/{row.pred_wbbm}"
        else:
            assert line.endswith(row.predicate or "–")
    assert [r.total for r in units] == sorted((r.total for r in units), reverse=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        ranking_pages = [p for p in pdf.pages if "Peringkat unit" in (p.extract_text() or "")]
        assert ranking_pages and all(p.width > p.height for p in ranking_pages)  # landscape
    assert "Halaman 1 dari" in text and "WIB" in text


def test_leader_report_of_a_kanwil_with_the_longest_unit_name(demo_db, client):
    lapas = _rename_longest(Unit.objects.get(code="LAPAS-KELAS-I-PALEMBANG"))
    data = _report(client, "demo-pimpinan", f"&unit={lapas.parent_id}")
    _dump("laporan-pimpinan-kanwil.pdf", data)
    _assert_on_page(data)
    text = pdf_text(data)
    assert _has_words(lapas.name, text) and _flat(lapas.parent.name) in _flat(text)


def _demo_campaign() -> Campaign:
    return (
        Campaign.objects.annotate(n=Count("responses")).filter(n__gt=0).select_related("unit", "period").order_by("-n")
    ).first()


def test_survey_poster_and_report_with_the_longest_unit_name(demo_db, client):
    campaign = _demo_campaign()
    _rename_longest(campaign.unit)
    campaign.refresh_from_db()
    point = campaign.service_points.first() or campaign.service_points.create(name="Loket Layanan Kunjungan")
    poster = documents.poster_pdf(campaign, point)
    _dump("poster.pdf", poster)
    _assert_on_page(poster)
    assert page_count(poster) == 1
    text = pdf_text(poster)
    flat = _flat(text)
    assert _flat(campaign.unit.name) in flat and _flat(campaign.title) in flat  # the poster's lines are whole
    assert f"Titik layanan: {point.name}" in text and "Pindai kode QR" in text
    assert _flat(documents.poster_url(campaign, point)) in flat
    with pdfplumber.open(io.BytesIO(poster)) as pdf:
        page = pdf.pages[0]
        assert len(page.curves) + len(page.rects) + len(page.images) > 0  # the QR code's squares

    results = campaign_results(campaign)
    report = documents.report_pdf(campaign, results)
    _dump("laporan-survei.pdf", report)
    _assert_on_page(report)
    text = pdf_text(report)
    flat = _flat(text)
    assert "Laporan hasil survei" in text and _has_words(campaign.unit.name, text)
    for summary in results.overall:
        assert _flat(summary.instrument.title) in flat
        value = summary.ikm.ikm if summary.ikm else summary.index.value
        if value is not None:
            assert str(value).replace(".", ",") in flat or str(value) in flat
    assert " WIB" in text or " WITA" in text or " WIT" in text


def test_survey_report_download_is_scoped(demo_db, client):
    campaign = _demo_campaign()
    url = reverse("surveys:report_pdf", args=[campaign.pk])
    client.force_login(User.objects.get(username="demo-kalsel-admin"))  # another agency
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_dossier_summary_with_the_longest_unit_name(demo_db):
    journey = (
        Journey.objects.filter(assessment__state__in=DOSSIER_STATES)
        .select_related("unit", "period", "assessment")
        .first()
    )
    assert journey is not None
    _rename_longest(journey.unit)
    journey.refresh_from_db()
    content, hashes = build_dossier(journey, link_for=lambda pk, n: f"https://zi.example/{pk}/{n}", lanes=ALL_LANES)
    archive = zipfile.ZipFile(io.BytesIO(content))
    summary = archive.read("ringkasan-usulan.pdf")
    _dump("ringkasan-usulan.pdf", summary)
    _assert_on_page(summary)
    text = pdf_text(summary)
    flat = _flat(text)
    assert _has_words(journey.unit.name, text) and journey.category in text
    indices = survey_index_dicts([journey.unit_id], journey.period)[journey.unit_id]
    for key in ("ipak", "ipkp", "ikm"):
        assert _flat(id_decimal(indices[key])) in flat
        if indices[f"{key}_source"]:
            assert _flat(str(indices[f"{key}_source"]))[:40] in flat
    for name, digest in hashes.items():
        if name != "ringkasan-usulan.pdf":
            assert digest in flat, name
    assert "pegawai" in text and (" WIB" in text or " WITA" in text or " WIT" in text)


def test_no_hand_written_pdf_writer_left():
    """One PDF path: no module writes PDF text operators or font objects by hand, and no text fallback is left.
    (zi/workflow/pdf.py is the LHE, moved to render_pdf on its own branch.)"""
    root = Path(__file__).resolve().parent.parent / "zi"
    found = []
    for path in root.rglob("*.py"):
        if path.relative_to(root).as_posix() == "workflow/pdf.py":
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path}: {m}" for m in ("BT /F", "/Type /Font", "minimal_pdf", "weasyprint_available") if m in text]
    assert found == []


def test_documents_print_the_units_own_zone(demo_db, client):
    """A unit on Jayapura's clock: its survey report and the report of its node print WIT times, never WIB."""
    campaign = _demo_campaign()
    org_services.unit_update(actor=None, unit=campaign.unit, time_zone="Asia/Jayapura")
    campaign.unit.refresh_from_db()
    text = pdf_text(documents.report_pdf(campaign, campaign_results(campaign)))
    assert " WIT" in text and " WIB" not in text
    text = pdf_text(_report(client, "demo-nasional", f"&unit={campaign.unit_id}"))
    assert "WIT" in text.split() and "WIB" not in text.split()
