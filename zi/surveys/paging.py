"""The public survey in parts: an instrument a page, a long one cut between aspects, with progress and time left.

Answers travel with the form (hidden fields for the questions of the other pages), never in the session: the survey
stays anonymous and stateless, works without JavaScript and in kiosk mode, and the final "Kirim" posts every answer
at once, checked as a whole exactly like the one-page form (:func:`zi.surveys.views.public_form._submit`), with
the first page's form stamp (fill time, nonce) kept through the pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

PAGE_MAX_QUESTIONS = 10  # an instrument longer than this is cut into parts of about equal size
SECONDS_PER_QUESTION = 10  # for "about N minutes left": a respondent reads and answers a question in ~10 s
ABOUT_YOU = ("kode", "kelompok", "layanan")  # the respondent's fields, asked on the first page


def _runs(items: Sequence[Any], key: Any) -> list[list[Any]]:
    """``items`` cut where ``key(item)`` changes."""
    runs: list[list[Any]] = []
    for item in items:
        if runs and key(runs[-1][-1]) == key(item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def pages(items: Sequence[Any]) -> list[list[Any]]:
    """``items`` (in order) cut into pages: one instrument a page, or, for an instrument of more than
    :data:`PAGE_MAX_QUESTIONS` questions, parts of about equal size made of whole aspects."""
    result: list[list[Any]] = []
    for instrument in _runs(items, lambda item: item.instrument_id):
        parts = math.ceil(len(instrument) / PAGE_MAX_QUESTIONS)
        target = len(instrument) / parts
        current: list[Any] = []
        for aspect in _runs(instrument, lambda item: item.aspect):
            current.extend(aspect)
            if len(current) >= target:
                result.append(current)
                current = []
        if current:
            result.append(current)
    return result or [[]]


def page_of(field: str, page_list: Sequence[Sequence[Any]]) -> int:
    """The page on which the form field ``field`` (``q<item id>`` or one of :data:`ABOUT_YOU`) is asked."""
    if field.startswith("q") and field[1:].isdigit():
        item_id = int(field[1:])
        for number, page in enumerate(page_list):
            if any(item.pk == item_id for item in page):
                return number
    return 0


def minutes_left(page_list: Sequence[Sequence[Any]], page: int) -> int:
    """Minutes (rounded up, at least 1) to answer this page and the ones after it."""
    remaining = sum(len(questions) for questions in page_list[page:])
    return max(1, math.ceil(remaining * SECONDS_PER_QUESTION / 60))
