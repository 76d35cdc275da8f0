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
