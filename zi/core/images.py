"""The one full-decode check of an uploaded picture (evidence images, agency logos).

The magic bytes alone let through truncated files and script polyglots, so the whole picture is decoded (Pillow);
its pixel count is checked first, because a small file can decode to gigabytes (a decompression bomb). Each caller
states its own limit and words (an evidence picture and a letterhead logo say different things).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError


def check_image_decodes(uploaded_file: Any, *, max_pixels: int, too_large: str, broken: str) -> None:
    """Decode the whole picture; raises ``ValidationError``: ``too_large`` (with ``%(width)s``/``%(height)s``) above
    ``max_pixels``, ``broken`` when it does not decode. The file is rewound before and after."""
    uploaded_file.seek(0)
    try:
        with Image.open(uploaded_file) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(too_large % {"width": width, "height": height})
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(broken) from exc
    finally:
        uploaded_file.seek(0)
