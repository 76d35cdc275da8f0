"""Transitional: the two text helpers the hand-written LHE in :mod:`zi.workflow.pdf` still imports. The poster moved
to :mod:`zi.surveys.documents` (the one PDF path); delete this module when the LHE is rendered by
:func:`zi.core.pdf.render_pdf` (branch s6-lhe), which no longer needs it."""

from __future__ import annotations


def _text(value: str) -> str:
    data = value.encode("latin-1", "replace").decode("latin-1")
    return data.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines
