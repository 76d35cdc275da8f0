"""Benchmark-server-only middleware (zi.bench.settings_bench); never part of the real settings."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SkipCsrfForPublicSurvey:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/survei/s/"):
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
