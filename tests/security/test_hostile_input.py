"""Hostile input: script injection rendered escaped everywhere, dangerous uploads refused, traversal names
neutralised, huge bodies refused with nothing stored, SQL-looking filters harmless."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.api.world import PDF
from zi.assessments.models import Evidence, EvidenceRevision
from zi.core.models import AuditEvent
from zi.organisations.models import Unit
from zi.programme import services as programme_services

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def _assert_escaped(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html
    assert "<script>alert" not in html and "<img src=x" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_unit_names_rendered_escaped(world, client, payload):
    unit = factories.make_unit(parent=world["tree"]["lapas"], name=f"Unit {payload}", code="XSS-1")
    client.force_login(world["users"][("agency_admin", True)])
    for url in ("/unit/", f"/unit/{unit.pk}/", f"/unit/{world['tree']['lapas'].pk}/", "/unit/?q=Unit"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_answer_notes_and_evidence_titles_rendered_escaped(world, client, api_client_for, payload):
    api = api_client_for(world["member"])
    draft = world["draft"]
    code = world["choice_code"]
    saved = api.post(
        f"/api/assessments/{draft.pk}/answers/", {"question": code, "choice": "Ya", "note": payload}, format="json"
    )
    assert saved.status_code == 200
    added = api.post(
        f"/api/assessments/{draft.pk}/evidence/",
        {"question": code, "title": f"SK {payload}", "file": SimpleUploadedFile("sk.pdf", PDF)},
        format="multipart",
    )
    assert added.status_code == 201
    assert added["Content-Type"].startswith("application/json")
    client.force_login(world["member"])
    for section in ("", "?bagian=1", "?bagian=2", "?bagian=3", "?bagian=hasil"):
        response = client.get(f"/penilaian/{draft.pk}/{section}")
        assert response.status_code == 200
        _assert_escaped(response.content.decode())
    response = client.get(f"/penilaian/data-dukung/{added.json()['id']}/r1/")
    assert response.status_code == 200
    _assert_escaped(response.content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_complaint_texts_rendered_escaped(world, client, payload):
    complaint, _code = programme_services.complaint_create(
        actor=world["member"],
        unit=world["tree"]["lapas"],
        channel="counter",
        category="petugas",
        subject=f"Subjek {payload}",
        description=f"Isi {payload}",
        complainant_name=f"Nama {payload}",
    )
    client.force_login(world["member"])
    response = client.get(f"/program/pengaduan/{complaint.pk}/")
    assert response.status_code == 200
    _assert_escaped(response.content.decode())


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
BAD_UPLOADS = {
    "svg": ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "html": ("halaman.html", b"<!doctype html><script>alert(1)</script>"),
    "html-as-pdf": ("laporan.pdf", b"<html><body onload=alert(1)>"),
    "svg-as-png": ("logo.png", b"<?xml version='1.0'?><svg onload='alert(1)'/>"),
    "zip-bomb-docx": ("bom.docx", _zip({**DOCX_PARTS, "word/media/bom.bin": b"\0" * (30 * 1024 * 1024)})),
    "traversal-member-docx": ("x.docx", _zip({**DOCX_PARTS, "../../evil.sh": b"rm -rf /"})),
    "macro-docx": ("m.docx", _zip({**DOCX_PARTS, "word/vbaProject.bin": b"macro"})),
    "plain-zip": ("arsip.zip", _zip({"a.txt": b"halo"})),
    "exe": ("setup.pdf.exe", b"MZ\x90\x00" + b"\0" * 100),
}


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_dangerous_uploads_refused_and_nothing_stored(world, api_client_for, kind):
    name, content = BAD_UPLOADS[kind]
    before = (Evidence.objects.count(), EvidenceRevision.objects.count(), AuditEvent.objects.count())
    response = api_client_for(world["member"]).post(
        f"/api/assessments/{world['draft'].pk}/evidence/",
        {"question": world["choice_code"], "title": "Berkas", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert response.status_code == 409, response.content[:300]  # schema-valid, refused by the content check
    after = (Evidence.objects.count(), EvidenceRevision.objects.count(), AuditEvent.objects.count())
    assert after[:2] == before[:2]
    assert after[2] == before[2] + 1  # only the test's own token creation


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "sk\x00.php.pdf", "/etc/x.pdf"]
)
def test_traversal_names_neutralised(world, api_client_for, name):
    response = api_client_for(world["member"]).post(
        f"/api/assessments/{world['draft'].pk}/evidence/",
        {"question": world["choice_code"], "title": "SK", "file": SimpleUploadedFile(name, PDF)},
        format="multipart",
    )
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        revision = EvidenceRevision.objects.get(evidence_id=response.json()["id"])
        for bad in ("/", "\\", "..", "\x00"):
            assert bad not in revision.original_name
        assert revision.file.name.startswith("evidence/") and ".." not in revision.file.name
        assert revision.original_name.endswith(".pdf")


def test_huge_bodies_refused_and_nothing_stored(world, api_client_for, settings):
    api = api_client_for(world["member"])
    before = (Evidence.objects.count(), AuditEvent.objects.count())
    note = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = api.post(
        f"/api/assessments/{world['draft'].pk}/answers/",
        {"question": world["choice_code"], "choice": "Ya", "note": note},
        format="json",
    )
    assert response.status_code in (400, 413)
    settings.ZI_EVIDENCE_MAX_BYTES = 1024
    response = api.post(
        f"/api/assessments/{world['draft'].pk}/evidence/",
        {"question": world["choice_code"], "title": "Besar", "file": SimpleUploadedFile("b.pdf", PDF + b"0" * 4096)},
        format="multipart",
    )
    assert response.status_code in (409, 413)  # 409 `refused`: the service's size check (docs/api.md)
    assert (Evidence.objects.count(), AuditEvent.objects.count()) == before
    assert not world["draft"].answers.exists()


SQLISH = ["' OR 1=1 --", "';DROP TABLE organisations_unit;--", '" OR ""="', "1; SELECT pg_sleep(5)", "%' OR '%'='"]


@pytest.mark.parametrize("value", SQLISH)
def test_sql_looking_filters_are_harmless(world, api_client_for, client, value):
    api = api_client_for(world["users"][("unit_team_member", True)])
    total = api.get("/api/units/").json()["count"]
    for param in ("q", "code", "type", "parent", "subtree", "agency"):
        response = api.get("/api/units/", {param: value})
        assert response.status_code in (200, 400), (param, response.status_code)
        if response.status_code == 200:
            assert response.json()["count"] <= total
            assert response.json()["count"] == 0
    for url, param in (
        ("/api/complaints/", "status"),
        ("/api/assessments/", "year"),
        ("/api/answers/", "question"),
        ("/api/units/", "ordering"),
    ):
        assert api.get(url, {param: value}).status_code in (200, 400)
    client.force_login(world["member"])
    assert client.get("/unit/", {"q": value}).status_code == 200
    assert Unit.objects.count() >= 6


def test_gif_script_polyglot_is_refused(world, api_client_for):
    """A GIF header followed by script passes a magic-byte check; the full image decode refuses it."""
    content = b"GIF89a/*\x00\x00*/=alert(1)//<script>alert(1)</script>"
    response = api_client_for(world["member"]).post(
        f"/api/assessments/{world['draft'].pk}/evidence/",
        {"question": world["choice_code"], "title": "Gambar", "file": SimpleUploadedFile("x.gif", content)},
        format="multipart",
    )
    assert response.status_code == 409
    assert "gambar" in response.content.decode().lower()
    assert not world["draft"].evidence.exists()
