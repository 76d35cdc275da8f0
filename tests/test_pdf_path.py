"""The one PDF path (zi.core.pdf): A4 with page numbers, repeated headers, no remote resources."""

import pytest
from django.template import engines

from tests.pdf_checks import page_count, pdf_text, words_outside_page
from zi.core import pdf


def _render(body: str, **context) -> bytes:
    template = engines["django"].from_string(
        '{% extends "documents/base.html" %}{% block content %}' + body + "{% endblock %}"
    )
    return pdf.html_to_pdf(template.render(context))


def test_long_table_repeats_header_and_numbers_pages():
    rows = "".join(f"<tr><td>Unit kerja nomor {i}</td><td class='num'>{i},00</td></tr>" for i in range(120))
    data = _render(f"<table><thead><tr><th>Nama unit</th><th>Nilai</th></tr></thead><tbody>{rows}</tbody></table>")
    pages = page_count(data)
    assert pages >= 2
    text = pdf_text(data)
    assert text.count("Nama unit") == pages  # the header row on every page
    assert f"Halaman {pages} dari {pages}" in text


def test_long_words_wrap_inside_the_page():
    data = _render("<p>" + "Penyelenggaraan" * 30 + " Lembaga Pemasyarakatan Kelas IIA " * 20 + "</p>")
    assert words_outside_page(data) == []


def test_indonesian_text_survives():
    assert "Rp 1.500,00 — “Wilayah Bebas dari Korupsi”" in pdf_text(
        _render("<p>Rp 1.500,00 — “Wilayah Bebas dari Korupsi”</p>")
    )


@pytest.mark.parametrize("url", ["http://example.invalid/x.png", "file:///etc/passwd", "https://127.0.0.1/a.css"])
def test_remote_and_local_files_are_refused(url):
    with pytest.raises(pdf.RemoteResourceRefused):
        pdf._url_fetcher(url)


def test_static_files_and_data_uris_are_served():
    assert pdf._url_fetcher(pdf.data_uri(b"abc", "image/png"))["string"] == b"abc"
    assert pdf._url_fetcher("zi:///static/zi/app.css")["string"]


def test_a_data_uri_image_renders():
    """WeasyPrint calls the fetcher for every image: a QR code as an SVG data: URI lands in the page as vector
    squares (a plain fetcher function returning a dict failed WeasyPrint's assertion at the first image)."""
    import io

    import pdfplumber

    data = _render('<p>QR</p><img src="{{ qr }}" style="width: 40mm">', qr=pdf.qr_data_uri("https://zi.example/s/x"))
    with pdfplumber.open(io.BytesIO(data)) as document:
        page = document.pages[0]
        assert len(page.rects) + len(page.curves) + len(page.images) > 20


def test_a_remote_image_stops_the_rendering():
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError):
        _render('<img src="https://example.invalid/logo.png">')


def test_text_running_into_the_next_cell_is_found():
    """A ``nowrap`` cell wider than its fixed column stays inside the page but covers its neighbour's text."""
    from tests.pdf_checks import overlapping_words

    table = (
        '<table style="table-layout: fixed"><colgroup><col style="width: 20%"><col></colgroup>'
        '<tr><td style="white-space: nowrap">{}</td><td>{}</td></tr></table>'
    )
    assert overlapping_words(_render(table.format("pendek", "tetangga"))) == []
    overlaps = overlapping_words(_render(table.format("Sampel belum cukup untuk dihitung " * 2, "tetangga")))
    assert overlaps and words_outside_page(_render(table.format("Sampel belum cukup " * 2, "tetangga"))) == []
