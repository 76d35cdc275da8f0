"""The core's own pages: the liveness probe. The home page and the audit list need the permission rules and live in
:mod:`zi.organisations.views_home` (the layers: core knows nothing of units and roles)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
