"""Uploaded photos (activities, complaints): only real images under the size limit, re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from zi.assessments.evidence import max_bytes

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def check_image(uploaded_file: Any) -> tuple[str, int, str]:
    """Content type, size and SHA-256 of an uploaded photo; only real PNG/JPEG/GIF/WebP images under the limit."""
    limit = max_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(_("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    head = b""
    for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]:
        if not head:
            head = chunk[:8192]
        size += len(chunk)
        if size > limit:
            raise ValidationError(_("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
        digest.update(chunk)
    uploaded_file.seek(0)
    if size == 0:
        raise ValidationError(_("Berkas kosong."))
    content_type = filetype.guess_mime(head)
    if content_type not in IMAGE_TYPES:
        raise ValidationError(_("Foto harus berupa gambar PNG, JPEG, GIF atau WebP (diperiksa dari isi berkas)."))
    return content_type, size, digest.hexdigest()


IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
IMAGE_INFO_KEPT = ("transparency", "duration", "loop")  # how the image looks; everything else is metadata
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo is far beyond any phone's; bigger is a decompression bomb


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """The image re-encoded without its metadata (EXIF with the camera's location, XMP, comments), turned upright
    first as its EXIF orientation said (Pillow is a dependency: a photo is never stored with its location)."""
    unreadable = _("Foto tidak dapat dibaca sebagai gambar.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("Resolusi foto terlalu besar."))
            animated = content_type == "image/gif" and getattr(image, "n_frames", 1) > 1
            upright: Image.Image
            if animated:
                frames, upright = image, image
            else:
                image.load()
                upright = ImageOps.exif_transpose(image)
            upright.info = {
                key: value for key, value in upright.info.items() if key in ("transparency", "duration", "loop")
            }
            buffer = io.BytesIO()
            options: dict[str, Any] = {"save_all": True} if animated else {}
            if content_type == "image/jpeg":
                options["quality"] = 90
            (frames if animated else upright).save(buffer, format=IMAGE_FORMATS[content_type], **options)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(unreadable) from exc
    return buffer.getvalue()
