"""Panels on the home page contributed by higher apps (the core may not import them: docs/architecture.md layers).

An app registers a callable ``panel(request) -> str | None`` (rendered HTML, or None when it has nothing for this
person) in its ``AppConfig.ready``; the home view renders whatever the registered panels return, in order.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

Panel = Callable[[HttpRequest], str | None]
_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> Panel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def panels(request: HttpRequest) -> list[str]:
    return [html for panel in _PANELS if (html := panel(request))]
