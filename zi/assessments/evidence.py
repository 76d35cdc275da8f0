"""Content checks for evidence uploads: the bytes decide the type, never the file name or the browser.

Allowed: PDF, PNG, JPEG, GIF, WebP, OOXML (DOCX/XLSX/PPTX), ODF (ODT/ODS/ODP) and legacy Office files
(DOC/XLS/PPT, OLE compound files). Everything else — HTML, SVG, scripts, executables, plain archives, a
renamed file whose content does not match an allowed type — is refused. Zip containers are opened and
refused when they look like a zip bomb, contain path-traversal names, macros, or lack the Office markers.
Images are decoded in full (Pillow) so a file that only starts like an image — a truncated picture or a
"GIF89a" header in front of a script — is refused, and so is a decompression bomb (too many pixels).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zi.core.images import check_image_decodes

HEAD_BYTES = 8192
ZIP_MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 10_000
IMAGE_MAX_PIXELS = 60_000_000  # a 60-megapixel photo decodes to ~240 MB; more is a decompression bomb here

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"

EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    GIF: "gif",
    WEBP: "webp",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    ODT: "odt",
    ODS: "ods",
    ODP: "odp",
    DOC: "doc",
    XLS: "xls",
    PPT: "ppt",
}
INLINE_TYPES = frozenset({PDF, PNG, JPEG, GIF, WEBP})
IMAGE_TYPES = frozenset({PNG, JPEG, GIF, WEBP})
ACCEPT_ATTR = ",".join(f".{ext}" for ext in dict.fromkeys(EXTENSIONS.values())) + ",.jpeg"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_BY_EXTENSION = {"doc": DOC, "dot": DOC, "xls": XLS, "xlt": XLS, "ppt": PPT, "pps": PPT}
_OOXML_MAIN_PART = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_ODF_MIMETYPES = {ODT, ODS, ODP}
_MAGIC = (
    (PDF, lambda h: h.startswith(b"%PDF-")),
    (PNG, lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    (JPEG, lambda h: h.startswith(b"\xff\xd8\xff")),
    (GIF, lambda h: h[:6] in (b"GIF87a", b"GIF89a")),
    (WEBP, lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    display_name: str

    @property
    def inline(self) -> bool:
        return self.content_type in INLINE_TYPES


def is_inline_type(content_type: str) -> bool:
    return content_type in INLINE_TYPES


def is_image_type(content_type: str) -> bool:
    return content_type in IMAGE_TYPES


def max_bytes() -> int:
    return int(getattr(settings, "ZI_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def sanitize_filename(name: str, extension: str = "") -> str:
    """A harmless display name: no directories, control characters or odd symbols; right extension."""
    name = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" ._")
    name = re.sub(r"\s+", " ", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = (stem or "berkas")[:120].strip(" ._") or "berkas"
    if extension:
        same = ext.lower() == extension or (extension == "jpg" and ext.lower() == "jpeg")
        ext = ext.lower() if same else extension
    return f"{stem}.{ext}" if ext else stem


def _hash_and_size(uploaded_file: Any, limit: int) -> tuple[str, int]:
    """SHA-256 and size computed chunk by chunk (the file is never read into memory at once)."""
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    chunks = (
        uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else iter(lambda: uploaded_file.read(65536), b"")
    )
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise ValidationError(_("Berkas terlalu besar (maksimal %(limit)s).") % {"limit": _human(limit)})
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest(), size


def _unsafe_member(name: str) -> bool:
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized) or "\x00" in normalized:
        return True
    return any(part == ".." for part in normalized.split("/"))


def _zip_type(uploaded_file: Any) -> str:
    """The Office type of a zip container, after checking it is safe to open."""
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise ValidationError(_("Berkas arsip berisi terlalu banyak entri."))
            total = sum(info.file_size for info in infos)
            compressed = sum(info.compress_size for info in infos)
            if total > ZIP_MAX_TOTAL_UNCOMPRESSED or total > ZIP_MAX_RATIO * max(compressed, 1):
                raise ValidationError(_("Berkas ditolak: isi terkompresi tidak wajar (kemungkinan zip bomb)."))
            names = {info.filename for info in infos}
            if any(_unsafe_member(name) for name in names):
                raise ValidationError(_("Berkas ditolak: berisi nama berkas yang tidak aman."))
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise ValidationError(_("Berkas berisi makro; simpan ulang tanpa makro (.docx/.xlsx/.pptx)."))
            if "[Content_Types].xml" in names:
                for part, content_type in _OOXML_MAIN_PART.items():
                    if part in names:
                        return content_type
                raise ValidationError(_("Dokumen Office tidak dikenali."))
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 100:
                    raise ValidationError(_("Dokumen OpenDocument tidak valid."))
                mimetype = archive.read(info).decode("ascii", "replace").strip()
                if mimetype in _ODF_MIMETYPES:
                    return mimetype
                raise ValidationError(_("Jenis dokumen OpenDocument ini tidak diizinkan."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, NotImplementedError) as exc:
        raise ValidationError(_("Berkas arsip rusak atau tidak dapat dibaca.")) from exc
    finally:
        uploaded_file.seek(0)
    raise ValidationError(
        "Berkas ZIP biasa tidak diizinkan; unggah dokumen, lembar kerja, presentasi, PDF atau gambar."
    )


def _check_image_decodes(uploaded_file: Any) -> None:
    check_image_decodes(
        uploaded_file,
        max_pixels=IMAGE_MAX_PIXELS,
        too_large=_("Gambar terlalu besar (%(width)s×%(height)s piksel)."),
        broken=_("Isi gambar tidak valid atau terpotong."),
    )


def detect_type(uploaded_file: Any, original_name: str = "") -> str:
    """The content type decided from the bytes; raises ``ValidationError`` for anything not allowed."""
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    if not head:
        raise ValidationError(_("Berkas kosong."))
    for content_type, matches in _MAGIC:
        if matches(head):
            guessed = filetype.guess_mime(head)
            if content_type != PDF and guessed not in (content_type, "image/apng"):
                raise ValidationError(_("Isi gambar tidak valid."))
            if content_type in IMAGE_TYPES:
                _check_image_decodes(uploaded_file)
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(uploaded_file)
    if head.startswith(_OLE_MAGIC):
        extension = original_name.rpartition(".")[2].lower() if "." in original_name else ""
        ole_type = _OLE_BY_EXTENSION.get(extension)
        if ole_type is None:
            raise ValidationError(_("Dokumen Office lama hanya diterima dengan ekstensi .doc, .xls atau .ppt."))
        return ole_type
    raise ValidationError(
        _("Jenis berkas tidak diizinkan. Unggah PDF, gambar (PNG/JPEG/GIF/WebP) atau dokumen Office/OpenDocument.")
    )


def check_upload(uploaded_file: Any) -> CheckedFile:
    """Validate an uploaded evidence file by content and size; returns its type, hash and display name."""
    limit = max_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(_("Berkas terlalu besar (maksimal %(limit)s).") % {"limit": _human(limit)})
    original_name = os.path.basename(str(getattr(uploaded_file, "name", "") or ""))
    sha256, size = _hash_and_size(uploaded_file, limit)
    if size == 0:
        raise ValidationError(_("Berkas kosong."))
    content_type = detect_type(uploaded_file, original_name)
    extension = EXTENSIONS[content_type]
    return CheckedFile(
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=sha256,
        display_name=sanitize_filename(original_name, extension),
    )
