"""Evidence (data dukung): content-checked uploads, links, numbered revisions, withdrawal and safe serving."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.shared_worlds import shared_world
from tests.test_answer_services import build_shared_world
from zi.assessments import evidence as checks
from zi.assessments import services
from zi.assessments.models import Evidence, EvidenceRevision
from zi.core.audit import verify

HX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes(extra: dict[str, bytes] | None = None) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p>SK Tim</w:p></w:body></w:document>",
            **(extra or {}),
        }
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# The shared assessment world (tests/test_answer_services.py, tests/shared_worlds.py).
world = shared_world("assessment", build_shared_world)


def _add(world, name, content, title="Bukti"):
    return services.evidence_add_file(
        actor=world["member"],
        assessment=world["assessment"],
        question_code=world["codes"]["abc"],
        title=title,
        uploaded_file=upload(name, content),
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("sk tim.pdf", PDF, checks.PDF),
        ("foto.png", png_bytes(), checks.PNG),
        ("notulen.docx", docx_bytes(), checks.DOCX),
        ("tanpa-ekstensi", PDF, checks.PDF),
        ("laporan.xlsx", zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<w/>"}), checks.XLSX),
        ("rapat.odt", zip_bytes({"mimetype": checks.ODT.encode(), "content.xml": b"<x/>"}), checks.ODT),
        ("lama.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, checks.DOC),
    ],
)
def test_allowed_files_are_accepted(world, name, content, content_type):
    evidence = _add(world, name, content)
    revision = evidence.revisions.get()
    assert revision.number == 1
    assert revision.content_type == content_type
    assert revision.sha256 == hashlib.sha256(content).hexdigest()
    assert revision.size == len(content)
    assert revision.file.name.endswith(revision.sha256)
    assert revision.original_name.endswith("." + checks.EXTENSIONS[content_type])
    with revision.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("halaman.html", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
        ("palsu.pdf", b"<html><body onload=alert(1)>bukan pdf</body></html>"),
        ("skrip.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("arsip.docx", zip_bytes({"a.txt": b"hello"})),  # a plain zip renamed
        ("makro.docx", docx_bytes({"word/vbaProject.bin": b"\x00" * 10})),
        ("jalan.docx", docx_bytes({"../../etc/passwd": b"x"})),
        ("installer.doc.exe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),  # OLE but not .doc/.xls/.ppt
        ("kosong.pdf", b""),
        ("pdf-palsu.png", PDF[:4] + b"\x00" * 10),
        ("terpotong.png", png_bytes()[:40]),  # starts like a PNG, cut before its pixels
        ("poliglot.gif", b"GIF89a/*\x00\x00*/=alert(1)//<script>alert(1)</script>"),
    ],
)
def test_dangerous_or_mismatched_files_are_rejected(world, name, content):
    with pytest.raises(ValidationError):
        _add(world, name, content)
    assert not Evidence.objects.exists()
    assert not EvidenceRevision.objects.exists()


def test_pixel_bomb_is_rejected(world):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (10_000, 7_000)).save(buffer, "PNG")  # 70 megapixels in a few kilobytes
    with pytest.raises(ValidationError, match="terlalu besar"):
        _add(world, "bom.png", buffer.getvalue())
    assert not Evidence.objects.exists()


def test_zip_bomb_is_rejected(world):
    bomb = docx_bytes({"word/media/zeros.bin": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ValidationError, match="zip bomb"):
        _add(world, "bom.docx", bomb)
    assert not Evidence.objects.exists()


def test_oversize_is_rejected(world, settings):
    settings.ZI_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="terlalu besar"):
        _add(world, "besar.pdf", PDF + b"0" * 2000)
    _add(world, "kecil.pdf", PDF)
    assert Evidence.objects.count() == 1


def test_revisions_are_numbered_and_old_ones_stay_downloadable(client, world):
    evidence = _add(world, "v1.pdf", PDF + b"v1")
    services.evidence_revise(actor=world["member"], evidence=evidence, uploaded_file=upload("v2.pdf", PDF + b"v2"))
    services.evidence_revise(actor=world["member"], evidence=evidence, uploaded_file=upload("v3.png", png_bytes()))
    assert list(evidence.revisions.values_list("number", flat=True)) == [1, 2, 3]
    client.force_login(world["member"])
    for number, content in ((1, PDF + b"v1"), (2, PDF + b"v2"), (3, png_bytes())):
        response = client.get(reverse("assessments:evidence_file", args=[evidence.pk, number]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert (
            EvidenceRevision.objects.get(evidence=evidence, number=number).sha256 == hashlib.sha256(content).hexdigest()
        )
    with pytest.raises(ValidationError):  # a bad revision stores nothing
        services.evidence_revise(actor=world["member"], evidence=evidence, uploaded_file=upload("x.pdf", b"<html>"))
    assert evidence.revisions.count() == 3


def test_same_content_is_stored_once(world):
    first = _add(world, "a.pdf", PDF).revisions.get()
    second = _add(world, "b.pdf", PDF).revisions.get()
    assert first.file.name == second.file.name


def test_file_response_headers(client, world):
    pdf = _add(world, "Surat Keputusan.pdf", PDF)
    docx = _add(world, "notulen.docx", docx_bytes())
    client.force_login(world["member"])
    response = client.get(reverse("assessments:evidence_file", args=[pdf.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    response = client.get(reverse("assessments:evidence_file", args=[docx.pk, 1]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == checks.DOCX
    assert response["X-Content-Type-Options"] == "nosniff"
    preview = client.get(reverse("assessments:evidence_preview", args=[pdf.pk, 1])).content.decode()
    assert "<iframe" in preview
    png = _add(world, "foto.png", png_bytes())
    preview = client.get(reverse("assessments:evidence_preview", args=[png.pk, 1])).content.decode()
    assert "<img" in preview


def test_out_of_scope_users_get_404(client, world):
    evidence = _add(world, "a.pdf", PDF)
    file_url = reverse("assessments:evidence_file", args=[evidence.pk, 1])
    client.force_login(world["other"])
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("assessments:evidence_preview", args=[evidence.pk, 1])).status_code == 404
    assert client.post(reverse("assessments:evidence_withdraw", args=[evidence.pk]), {"reason": "x"}).status_code == 404
    client.force_login(world["reviewer"])
    assert client.get(file_url).status_code == 404  # draft: not yet for reviewers
    factories.answer_rest(world["assessment"])
    services.assessment_submit(actor=world["leader"], assessment=world["assessment"])
    assert client.get(file_url).status_code == 200
    with pytest.raises(PermissionDenied):
        services.evidence_add_file(
            actor=world["reviewer"],
            assessment=world["assessment"],
            question_code=world["codes"]["abc"],
            title="x",
            uploaded_file=upload("a.pdf", PDF),
        )


def test_upload_over_http_with_and_without_htmx(client, world):
    a, code = world["assessment"], world["codes"]["abc"]
    url = reverse("assessments:evidence_add", args=[a.pk, code])
    client.force_login(world["member"])
    response = client.post(url, {"kind": "file", "title": "SK Tim", "file": upload("sk.pdf", PDF)}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "SK Tim" in html and 'id="score-panel"' in html and "<html" not in html
    response = client.post(url, {"kind": "file", "title": "Jahat", "file": upload("x.pdf", b"<script>")}, **HX)
    assert 'role="alert"' in response.content.decode()
    response = client.post(url, {"kind": "link", "title": "Berita", "url": "https://example.go.id/berita"})
    assert response.status_code == 302 and "#q-" in response["Location"]
    response = client.post(url, {"kind": "link", "title": "Jahat", "url": "javascript:alert(1)"}, **HX)
    assert "http" in response.content.decode()
    assert sorted(Evidence.objects.values_list("title", flat=True)) == ["Berita", "SK Tim"]
    client.force_login(world["reviewer"])
    assert client.post(url, {"kind": "link", "title": "x", "url": "https://a.id"}).status_code == 404


def test_links_and_withdrawal(world):
    a, member, code = world["assessment"], world["member"], world["codes"]["abc"]
    for bad in ("ftp://example.com/a", "javascript:alert(1)", "example.com", ""):
        with pytest.raises(ValidationError):
            services.evidence_add_link(actor=member, assessment=a, question_code=code, title="x", url=bad)
    link = services.evidence_add_link(actor=member, assessment=a, question_code=code, title="x", url="http://a.id/b")
    services.evidence_revise(actor=member, evidence=link, url="https://a.id/c")
    with pytest.raises(ValidationError):
        services.evidence_revise(actor=member, evidence=link, uploaded_file=upload("a.pdf", PDF))
    with pytest.raises(ValidationError):
        services.evidence_withdraw(actor=member, evidence=link, reason="  ")
    services.evidence_withdraw(actor=member, evidence=link, reason="Salah unggah")
    link.refresh_from_db()
    assert link.is_withdrawn and link.revisions.count() == 2  # flagged, nothing deleted
    with pytest.raises(ValidationError):
        services.evidence_revise(actor=member, evidence=link, url="https://a.id/d")
    assert verify().ok


def test_submitted_assessment_evidence_is_frozen(world):
    evidence = _add(world, "a.pdf", PDF)
    factories.answer_rest(world["assessment"])
    services.assessment_submit(actor=world["leader"], assessment=world["assessment"])
    with pytest.raises(PermissionDenied):
        services.evidence_revise(actor=world["member"], evidence=evidence, uploaded_file=upload("b.pdf", PDF + b"b"))
    with pytest.raises(PermissionDenied):
        services.evidence_withdraw(actor=world["member"], evidence=evidence, reason="x")
    with pytest.raises(PermissionDenied):
        _add(world, "c.pdf", PDF)


def test_sanitised_display_name():
    assert checks.sanitize_filename("../../etc/passwd", "pdf") == "passwd.pdf"
    assert checks.sanitize_filename("C:\\Users\\x\\Laporan Akhir.PDF", "pdf") == "Laporan Akhir.pdf"
    assert checks.sanitize_filename("<script>.html", "pdf") == "script.pdf"
    assert checks.sanitize_filename("foto.jpeg", "jpg") == "foto.jpeg"
    assert checks.sanitize_filename("\x00\x1f", "png") == "berkas.png"


def test_audit_chain_after_evidence_work(world):
    evidence = _add(world, "a.pdf", PDF)
    services.evidence_revise(actor=world["member"], evidence=evidence, uploaded_file=upload("b.docx", docx_bytes()))
    services.evidence_withdraw(actor=world["member"], evidence=evidence, reason="Diganti")
    assert verify().ok
