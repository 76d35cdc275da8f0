"""Offline capture: staff pages for registered devices, and the device's own pages (the offline app the QR code
opens, its service worker and manifest) plus the token-authenticated sync endpoint. Logic lives in
:mod:`zi.surveys.devices` and :mod:`zi.surveys.sync`."""

from __future__ import annotations

import hashlib
import io
import json

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zi.core.feedback import attempt
from zi.core.links import absolute_url
from zi.surveys import devices, integrity, services, sync
from zi.surveys.models import Campaign, DeviceKind, FieldDevice, ItemScale, RespondentGroup, ServicePoint
from zi.surveys.services.errors import SurveyError
from zi.surveys.views.common import _managed_campaign

GROUP_LABELS = dict(RespondentGroup.choices)


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=20)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :] if "<svg" in svg else svg


def _device_page(request: HttpRequest, campaign: Campaign, registered=None, status: int = 200) -> HttpResponse:
    context = {
        "campaign": campaign,
        "devices": devices.campaign_devices(campaign),
        "service_points": campaign.service_points.all(),
        "kinds": DeviceKind.choices,
        "state": services.campaign_state(campaign),
    }
    if registered is not None:
        url = absolute_url(reverse("surveys:offline_app", args=[registered.token]))
        context.update({"registered": registered.device, "app_url": url, "qr": qr_svg(url)})
    return render(request, "surveys/offline/devices.html", context, status=status)


@login_required
@never_cache
def device_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's registered devices (last sync, reported queue) and the registration form. A registration
    answers with the device's QR code on this page, once: only the token's hash is kept."""
    campaign = _managed_campaign(request, pk)
    if request.method != "POST":
        return _device_page(request, campaign)
    point = None
    point_id = request.POST.get("service_point", "")
    if point_id:
        if not point_id.isdigit():
            raise Http404
        point = get_object_or_404(ServicePoint, pk=int(point_id), campaign=campaign)
    try:
        registered = devices.device_register(
            actor=request.user,
            campaign=campaign,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", DeviceKind.KIOSK),
            service_point=point,
        )
    except services.SurveyError as exc:
        messages.error(request, str(exc))
        return _device_page(request, campaign, status=400)
    return _device_page(request, campaign, registered)


@login_required
@require_POST
def device_revoke(request: HttpRequest, pk: int, device_id: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    device = get_object_or_404(FieldDevice, pk=device_id, campaign=campaign)
    attempt(
        request,
        lambda: devices.device_revoke(actor=request.user, device=device, reason=request.POST.get("reason", "")),
        _("Perangkat %(name)s dicabut.") % {"name": device.name},
        refused=SurveyError,
    )
    return redirect("surveys:device_list", pk=campaign.pk)


@login_required
@require_POST
def device_import(request: HttpRequest, pk: int, device_id: int) -> HttpResponse:
    """Upload a device's exported queue file; each response is stored once (duplicates recognised)."""
    campaign = _managed_campaign(request, pk)
    device = get_object_or_404(FieldDevice.objects.select_related("campaign__unit"), pk=device_id, campaign=campaign)
    upload = request.FILES.get("file")
    try:
        if upload is None or upload.size > 5 * 1024 * 1024:  # type: ignore[operator]  # an upload has a size
            raise ValueError
        data = json.loads(upload.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        messages.error(request, _("Berkas bukan hasil Ekspor perangkat luring."))
        return redirect("surveys:device_list", pk=campaign.pk)
    try:
        counts = sync.import_export_file(actor=request.user, device=device, data=data)
    except sync.SyncRefused as exc:
        messages.error(request, str(exc))
        return redirect("surveys:device_list", pk=campaign.pk)
    messages.success(
        request,
        _("Berkas diimpor: %(stored)s disimpan, %(duplicate)s sudah ada, %(refused)s ditolak.") % counts,
    )
    return redirect("surveys:device_list", pk=campaign.pk)


# --- the device's own pages (no login: the token in the URL is the credential) ----------------------------


def _device_or_404(token: str) -> FieldDevice:
    device = devices.device_for_token(token)
    if device is None:
        raise Http404
    return device


def _version(device: FieldDevice) -> str:
    """Changes when the form a device must cache changes (the campaign was edited), so the worker re-caches."""
    text = f"{device.pk}:{device.campaign.updated_at.isoformat()}:{static('surveys/offline.js')}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _questions(campaign: Campaign) -> list[dict]:
    questions = []
    instrument_id = None
    for number, item in enumerate(services.campaign_items(campaign), start=1):
        values = [1, 2, 3, 4] if item.scale == ItemScale.LIKERT4 else [0, 1]
        labels = [_(label) for label in item.labels] if item.labels else [str(v) for v in values]
        questions.append(
            {
                "number": number,
                "name": f"q{item.pk}",
                "text": _(item.text),
                "required": item.required,
                "section": _(item.instrument.title),
                "new_section": item.instrument_id != instrument_id,
                "choices": [
                    {"value": v, "label": label, "id": f"q{item.pk}_{v}"}
                    for v, label in zip(values, labels, strict=False)
                ],
            }
        )
        instrument_id = item.instrument_id
    return questions


@never_cache
def offline_app(request: HttpRequest, token: str) -> HttpResponse:
    """The page the device's QR code opens: the campaign's form, kept by the service worker for use offline.
    Answers are stored in the browser (IndexedDB) and sent to :func:`offline_sync`. A revoked device or a closed
    campaign gets a notice (the worker then shows its cached page, whose queue can still be exported)."""
    device = _device_or_404(token)
    campaign = device.campaign
    try:
        sync.check_device(device)
    except sync.SyncRefused as exc:
        # Before the campaign opens the device may already cache the form (its syncs wait for the opening).
        if exc.code != "not_yet":
            return render(
                request,
                "surveys/public_notice.html",
                {"campaign": campaign, "title": _("Perangkat tidak dapat dipakai"), "message": str(exc)},
                status=exc.status,
            )
    groups = [{"value": g, "label": GROUP_LABELS.get(g, g)} for g in campaign.respondent_groups]
    return render(
        request,
        "surveys/offline/app.html",
        {
            "campaign": campaign,
            "device": device,
            "groups": groups,
            "questions": _questions(campaign),
            "page_url": reverse("surveys:offline_app", args=[token]),
            "sw_url": reverse("surveys:offline_sw", args=[token]),
            "manifest_url": reverse("surveys:offline_manifest", args=[token]),
            "sync_url": reverse("surveys:offline_sync"),
            "token": token,
            "version": _version(device),
        },
    )


def offline_sw(request: HttpRequest, token: str) -> HttpResponse:
    """The service worker, served under the device's path so its scope is exactly the device's page."""
    device = _device_or_404(token)
    page_url = reverse("surveys:offline_app", args=[token])
    response = render(
        request,
        "surveys/offline/sw.js",
        {
            "config": json.dumps(
                {
                    "cache": f"zi-luring-{hashlib.sha256(page_url.encode()).hexdigest()[:10]}",
                    "version": _version(device),
                    "page": page_url,
                    "assets": [
                        page_url,
                        static("surveys/survey.css"),
                        static("surveys/offline.css"),
                        static("surveys/offline.js"),
                        reverse("surveys:offline_manifest", args=[token]),
                    ],
                }
            )
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = page_url
    return response


def offline_manifest(request: HttpRequest, token: str) -> JsonResponse:
    device = _device_or_404(token)
    page_url = reverse("surveys:offline_app", args=[token])
    response = JsonResponse(
        {
            "name": f"{device.campaign.title} · {device.name}",
            "short_name": _("Survei luring"),
            "start_url": page_url,
            "scope": page_url,
            "display": "standalone",
            "background_color": "#f6f7f9",
            "theme_color": "#0b5cad",
            "lang": "id",
            "icons": [{"src": static("surveys/offline-icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )
    return response


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "device") else ""


def _refusal(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


@csrf_exempt  # authenticated by the device token in the Authorization header, never by a cookie
@never_cache
def offline_sync(request: HttpRequest) -> JsonResponse:
    """POST a batch of offline responses (JSON; docs/surveys.md "Sync API"). Each is acknowledged on its own."""
    if request.method != "POST":
        return _refusal(_("Gunakan POST."), "method", 405)
    device = devices.device_for_token(_bearer(request))
    if device is None:
        return _refusal(_("Perangkat tidak dikenal. Pindai ulang kode QR dari petugas."), "unknown_device", 403)
    limits = integrity.RateLimits(
        window=60, flag_at=0, reject_at=int(getattr(settings, "ZI_SURVEY_SYNC_PER_MINUTE", 30))
    )
    device_key = f"d{device.pk}"
    if integrity.hit("sync", device.campaign_id, device_key, limits) > limits.reject_at > 0:
        return _refusal(_("Terlalu sering mengirim. Coba lagi dalam satu menit."), "rate_limited", 429)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, RequestDataTooBig):
        return _refusal(_("Format kiriman tidak sah."), "invalid", 400)
    try:
        acks = sync.sync_batch(device, payload)
    except sync.SyncRefused as exc:
        return _refusal(str(exc), exc.code, exc.status)
    counts = {
        status: sum(1 for ack in acks if ack.status == status) for status in (sync.STORED, sync.DUPLICATE, sync.REFUSED)
    }
    return JsonResponse({"results": [ack.as_json() for ack in acks], **counts})
