"""The production URLs plus ``/bench/minimal/<campaign id>/``: the least a Django view can do to take in one survey
response — parse the same form body, insert the response and its answers (one transaction, ``bulk_create``),
answer a few bytes. The survey path's throughput is compared with it (issue #24: ≥ 0.70). Benchmark only: loaded
by :mod:`intake_settings`, never by ``zi.config.settings``."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from zi.config.urls import handler400, handler500, urlpatterns  # noqa: F401
from zi.surveys.models import Channel, Response, ResponseItem


@csrf_exempt
def minimal_insert(request: HttpRequest, campaign_id: int) -> HttpResponse:
    answers = {int(k[1:]): int(v) for k, v in request.POST.items() if k[:1] == "q" and k[1:].isdigit() and v}
    now = timezone.now()
    with transaction.atomic():
        response = Response.objects.create(
            campaign_id=campaign_id,
            channel=Channel.PUBLIC,
            group=request.POST.get("kelompok", ""),
            submitted_at=now,
            quarter=now.year * 10 + (now.month - 1) // 3 + 1,
            form_nonce=secrets.token_urlsafe(12),
            rolled_up=True,  # not for the rollup worker: only the survey path's responses are folded in
        )
        ResponseItem.objects.bulk_create(
            [ResponseItem(response=response, item_id=item_id, value=value) for item_id, value in answers.items()]
        )
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [*urlpatterns, path("bench/minimal/<int:campaign_id>/", minimal_insert)]
