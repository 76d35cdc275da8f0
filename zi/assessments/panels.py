"""Panels higher apps add to the unit's LKE worksheet and its pre-submit page (the assessments app may not import
them: docs/architecture.md layers), like :mod:`zi.core.home` for the home page.

An app registers a callable ``panel(request, worksheet) -> None`` in its ``AppConfig.ready``; it appends rendered
HTML to ``worksheet.top_panels`` (above the questions) and to ``row.panels`` of the questions it concerns (beside
the question). The workflow shows a return's reason and its notes per question this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

WorksheetPanel = Callable[[HttpRequest, Any], None]
_PANELS: list[WorksheetPanel] = []


def register_worksheet_panel(panel: WorksheetPanel) -> WorksheetPanel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def apply(request: HttpRequest, worksheet: Any) -> None:
    """Let every registered panel add its HTML to ``worksheet`` (a :class:`zi.assessments.selectors.Worksheet`)."""
    for panel in _PANELS:
        panel(request, worksheet)
