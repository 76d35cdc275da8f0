"""The agency letterhead (kop surat) on official documents: the logo's upload check and :func:`letterhead_for`, the
context every ``documents/`` template's letterhead block reads (``documents/letterhead.html``).

The logo is checked like evidence (``zi.assessments.evidence``, a layer above, so the few lines are here): the bytes
decide the type (magic bytes and ``filetype``), only PNG and JPEG, at most :data:`LOGO_MAX_BYTES`, and the picture is
decoded in full (Pillow) so a truncated file or a script behind an image header is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zi.core.images import check_image_decodes
from zi.core.pdf import data_uri
from zi.organisations.models import Agency, AgencyLetterhead

LOGO_MAX_BYTES = 1024 * 1024  # a letterhead logo is small; a 1 MB PNG is already generous
LOGO_MAX_PIXELS = 4_000_000
PNG = "image/png"
JPEG = "image/jpeg"
LOGO_TYPES = (PNG, JPEG)
_MAGIC = {PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff"}


@dataclass(frozen=True)
class CheckedLogo:
    content_type: str
    sha256: str
    size: int


def check_logo(uploaded_file: Any) -> CheckedLogo:
    """Size, type by content (PNG/JPEG only) and a full decode; raises ``ValidationError`` with the reason."""
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > LOGO_MAX_BYTES:
        raise ValidationError(_("Logo terlalu besar (maksimal %(kb)s KB).") % {"kb": LOGO_MAX_BYTES // 1024})
    uploaded_file.seek(0)
    content = uploaded_file.read(LOGO_MAX_BYTES + 1)
    uploaded_file.seek(0)
    if not content:
        raise ValidationError(_("Berkas logo kosong."))
    if len(content) > LOGO_MAX_BYTES:
        raise ValidationError(_("Logo terlalu besar (maksimal %(kb)s KB).") % {"kb": LOGO_MAX_BYTES // 1024})
    guessed = filetype.guess_mime(content[:8192])
    if guessed not in LOGO_TYPES or not content.startswith(_MAGIC[guessed]):
        raise ValidationError(_("Logo harus berupa gambar PNG atau JPEG."))
    check_image_decodes(
        uploaded_file,
        max_pixels=LOGO_MAX_PIXELS,
        too_large=_("Logo terlalu besar (%(width)s×%(height)s piksel)."),
        broken=_("Isi gambar logo tidak valid atau terpotong."),
    )
    return CheckedLogo(guessed, hashlib.sha256(content).hexdigest(), len(content))


def letterhead_of(agency: Agency | None) -> AgencyLetterhead | None:
    if agency is None or agency.pk is None:
        return None
    return AgencyLetterhead.objects.filter(agency_id=agency.pk).first()


def logo_data_uri(letterhead: AgencyLetterhead) -> str:
    """The stored logo as a ``data:`` URI (documents and the settings page); empty when there is none or the
    stored file is gone."""
    if not letterhead.logo:
        return ""
    try:
        with letterhead.logo.open("rb") as handle:
            return data_uri(handle.read(), letterhead.logo_content_type or PNG)
    except OSError:
        return ""


def letterhead_for(agency: Agency | None) -> dict[str, str] | None:
    """``{"name", "subtitle", "address", "logo_uri"}`` for ``documents/base.html``'s letterhead block, or None when
    the agency has not configured one (the document then starts with its title)."""
    letterhead = letterhead_of(agency)
    if letterhead is None:
        return None
    return {
        "name": letterhead.name,
        "subtitle": letterhead.subtitle,
        "address": letterhead.address,
        "logo_uri": logo_data_uri(letterhead),
    }


def document_context(agency: Agency | None) -> dict[str, Any]:
    """What every official document adds for the agency that issues it: ``{"letterhead": …}`` (None prints none)."""
    return {"letterhead": letterhead_for(agency)}
