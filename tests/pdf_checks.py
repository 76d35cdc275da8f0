"""Reading issued PDFs in tests: their text, and the words that lie outside their page box."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pdfplumber


@dataclass(frozen=True)
class StrayWord:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def pdf_text(data: bytes) -> str:
    """All text of the PDF, pages joined by form feeds, whitespace runs collapsed to single spaces per line."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
    return "\f".join(pages)


def page_count(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def words_outside_page(data: bytes, *, tolerance: float = 0.5) -> list[StrayWord]:
    """Every word whose box is not wholly inside its page's box (a word cut at a margin or past the edge)."""
    stray = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            width, height = float(page.width), float(page.height)
            for word in page.extract_words(keep_blank_chars=False, use_text_flow=True):
                x0, x1, top, bottom = (float(word[k]) for k in ("x0", "x1", "top", "bottom"))
                if x0 < -tolerance or top < -tolerance or x1 > width + tolerance or bottom > height + tolerance:
                    stray.append(StrayWord(number, word["text"], x0, x1, top, bottom))
    return stray


def overlapping_words(data: bytes, *, min_share: float = 0.5) -> list[tuple[StrayWord, StrayWord]]:
    """Pairs of characters on the same page whose boxes overlap, with their text: text running into a neighbouring
    cell (a ``nowrap`` cell wider than its column stays inside the page, so :func:`words_outside_page` does not see
    it). Compared by character, since a word extracted from overlapping text is already a jumble. Two boxes overlap
    when they share more than ``min_share`` of the narrower one's width (kerning, "Te" in a large bold title, stays
    below: "Tr" in DejaVu Sans at 9 pt shares 36 %) and half the smaller height."""
    pairs = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = sorted(
                (
                    StrayWord(number, c["text"], float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]))
                    for c in page.chars
                    if c["text"].strip()
                ),
                key=lambda c: (c.top, c.x0),
            )
            for i, a in enumerate(chars):
                for b in chars[i + 1 :]:
                    if b.top >= a.bottom:
                        break
                    across = min(a.x1, b.x1) - max(a.x0, b.x0)
                    down = min(a.bottom, b.bottom) - max(a.top, b.top)
                    narrow = min(a.x1 - a.x0, b.x1 - b.x0)
                    if across > min_share * narrow and down > 0.5 * min(a.bottom - a.top, b.bottom - b.top):
                        pairs.append((a, b))
    return pairs
