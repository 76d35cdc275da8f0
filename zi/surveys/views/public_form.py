"""The public survey form and kiosk mode: one page or in parts, the checks and the submission."""

from __future__ import annotations

import time
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zi.core.errors import refuse_invalid_text
from zi.organisations.timezones import format_local
from zi.surveys import integrity, paging, services
from zi.surveys.models import Campaign, Channel, ItemScale, ServicePoint
from zi.surveys.views.common import GROUP_LABELS


def _form_context(
    campaign: Campaign,
    items,
    values: dict[str, str],
    errors: dict[str, str],
    kiosk: bool,
    point: ServicePoint | None,
    message: str = "",
    page: int = 0,
    stamp: str = "",
) -> dict:
    """The form's context for one page (:mod:`zi.surveys.paging`); the answers of the other pages ride along as
    hidden fields, and ``stamp`` (the first page's) is kept through the pages."""
    page_list = paging.pages(list(items))
    page = max(0, min(page, len(page_list) - 1))
    shown = {item.pk for item in page_list[page]}
    asked_here = {f"q{pk}" for pk in shown} | (set(paging.ABOUT_YOU) if page == 0 else set())
    carried = [
        (name, values[name])
        for name in [*paging.ABOUT_YOU, *(f"q{item.pk}" for item in items)]
        if values.get(name) and name not in asked_here
    ]
    questions = []
    instrument_id = None
    for number, item in enumerate(items, start=1):
        if item.pk not in shown:
            continue
        name = f"q{item.pk}"
        if item.scale == ItemScale.LIKERT4:
            values_ = [1, 2, 3, 4]
        else:
            values_ = [0, 1]
        # Question wording is data; its English lives in the catalog via instrument_strings.py (gettext_noop).
        labels = [_(label) for label in item.labels] if item.labels else [str(v) for v in values_]
        questions.append(
            {
                "number": number,
                "name": name,
                "item": item,
                "text": _(item.text),
                "section": _(item.instrument.title),
                "new_section": item.instrument_id != instrument_id,
                "instrument": item.instrument,
                "choices": [
                    {"value": v, "label": label, "checked": values.get(name) == str(v), "id": f"{name}_{v}"}
                    for v, label in zip(values_, labels, strict=False)
                ],
                "error": errors.get(name, ""),
            }
        )
        instrument_id = item.instrument_id
    groups = [
        {"value": g, "label": GROUP_LABELS.get(g, g), "checked": values.get("kelompok") == g}
        for g in campaign.respondent_groups
    ]
    if len(groups) == 1 and not values.get("kelompok"):
        groups[0]["checked"] = True
    return {
        "campaign": campaign,
        "questions": questions,
        "groups": groups,
        "service_types": [{"value": s, "checked": values.get("layanan") == s} for s in campaign.service_types],
        "values": values,
        "errors": errors,
        "kiosk": kiosk,
        "point": point,
        "stamp": stamp or integrity.make_stamp(campaign.pk),
        "message": message,
        "carried": carried,
        "progress": {
            "index": page,
            "page": page + 1,
            "total": len(page_list),
            "first": page == 0,
            "last": page == len(page_list) - 1,
            "minutes": paging.minutes_left(page_list, page),
        },
        "action": reverse("surveys:kiosk" if kiosk else "surveys:public", args=[campaign.token]),
    }


def _render_form(
    request, campaign, items, values, errors, kiosk, point, message="", status=200, page=None, stamp=""
) -> HttpResponse:
    if page is None:  # show the first page with a mistake
        page_list = paging.pages(list(items))
        page = min((paging.page_of(field, page_list) for field in errors), default=0)
    response = render(
        request,
        "surveys/public_form.html",
        _form_context(campaign, items, values, errors, kiosk, point, message, page, stamp),
        status=status,
    )
    if integrity.device_token(request) is None:
        response.set_cookie(
            integrity.DEVICE_COOKIE,
            integrity.new_device_cookie(),
            max_age=400 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _notice(
    request, campaign, title: str, message: str, status: int, kiosk: bool = False, ok: bool = False
) -> HttpResponse:
    return render(
        request,
        "surveys/public_notice.html",
        {
            "campaign": campaign,
            "title": title,
            "message": message,
            "ok": ok,
            "kiosk": kiosk,
            "again": reverse("surveys:kiosk", args=[campaign.token]) if kiosk else "",
        },
        status=status,
    )


@never_cache
@refuse_invalid_text
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    return _survey(request, token, kiosk=False)


@never_cache
@refuse_invalid_text
def kiosk_form(request: HttpRequest, token: str) -> HttpResponse:
    return _survey(request, token, kiosk=True)


def _survey(request: HttpRequest, token: str, kiosk: bool) -> HttpResponse:
    campaign = services.public_campaign(token)  # cached per process until a campaign changes
    if campaign is None or (kiosk and not campaign.kiosk_enabled):
        raise Http404
    state = services.campaign_state(campaign)
    if state == "closed":
        return _notice(
            request,
            campaign,
            _("Survei sudah ditutup"),
            _("Survei ini sudah ditutup dan tidak menerima jawaban lagi. Terima kasih atas perhatian Anda."),
            410,
        )
    if state == "not_yet":
        return _notice(
            request,
            campaign,
            _("Survei belum dibuka"),
            _("Survei ini belum dibuka. Silakan kembali mulai %(date)s.")
            % {"date": format_local(campaign.opens_at, campaign.unit)},
            403,
        )
    items = services.campaign_items(campaign)
    point = None
    point_id = request.POST.get("titik") or request.GET.get("titik")
    if point_id and str(point_id).isdigit():
        point = ServicePoint.objects.filter(campaign=campaign, pk=int(point_id)).first()
    if request.method != "POST":
        return _render_form(request, campaign, items, {}, {}, kiosk, point)
    if request.POST.get("arah") in ("lanjut", "kembali") and request.POST.get("halaman", "").isdigit():
        return _step(request, campaign, items, kiosk, point)
    return _submit(request, campaign, items, kiosk, point)


def _posted_values(post, items) -> dict[str, str]:
    """What the person has entered so far (and only that): the respondent's fields and the answers."""
    names = [*paging.ABOUT_YOU, *(f"q{item.pk}" for item in items)]
    return {name: post.get(name, "")[:120] for name in names if post.get(name, "")}


def _step(request, campaign, items, kiosk: bool, point) -> HttpResponse:
    """ "Lanjut" checks the page just answered and shows the next; "Kembali" shows the previous one unchecked.
    Nothing is stored until the last page's "Kirim jawaban"."""
    post = request.POST
    if post.get("website", ""):  # honeypot, as in _submit
        return _notice(request, campaign, _("Permintaan ditolak"), _("Formulir tidak dapat diproses."), 400, kiosk)
    values = _posted_values(post, items)
    page_list = paging.pages(list(items))
    page = min(int(post["halaman"]), len(page_list) - 1)
    stamp = post.get("ts", "")[:500]
    if post.get("arah") == "kembali":
        return _render_form(request, campaign, items, values, {}, kiosk, point, page=max(0, page - 1), stamp=stamp)
    _answers, errors = _check(campaign, page_list[page], post, about_you=page == 0)
    if errors:
        message = _("Masih ada isian yang perlu diperbaiki (lihat tanda di bawah).")
        return _render_form(
            request, campaign, items, values, errors, kiosk, point, message, status=400, page=page, stamp=stamp
        )
    return _render_form(request, campaign, items, values, {}, kiosk, point, page=page + 1, stamp=stamp)


def _check(campaign, items, post, *, about_you: bool = True) -> tuple[dict[int, int | None], dict[str, str]]:
    """The answers to ``items`` read from ``post`` and the mistakes per field (the respondent's own fields too,
    when ``about_you``)."""
    errors: dict[str, str] = {}
    if about_you:
        if post.get("kelompok", "") not in campaign.respondent_groups:
            errors["kelompok"] = _("Pilih kelompok responden.")
        if campaign.service_types and post.get("layanan", "") not in campaign.service_types:
            errors["layanan"] = _("Pilih jenis layanan yang Anda terima.")
    answers: dict[int, int | None] = {}
    for item in items:
        raw = post.get(f"q{item.pk}", "").strip()
        if raw == "":
            answers[item.pk] = None
        elif raw.lstrip("-").isdigit():
            answers[item.pk] = int(raw)
        else:
            errors[f"q{item.pk}"] = _("Jawaban di luar pilihan.")
    for item_id, message in services.validate_answers(items, answers).items():
        errors.setdefault(f"q{item_id}", message)
    if about_you and campaign.require_code and not services.normalise_code(post.get("kode", "")):
        errors["kode"] = _("Kode survei (tercetak pada struk/tanda terima) wajib diisi.")
    return answers, errors


def _submit(request, campaign, items, kiosk: bool, point) -> HttpResponse:
    post = request.POST
    values = _posted_values(post, items)
    if post.get("website", ""):  # honeypot: invisible to people, filled by naive bots
        return _notice(request, campaign, _("Permintaan ditolak"), _("Formulir tidak dapat diproses."), 400, kiosk)
    try:
        stamp = integrity.read_stamp(post.get("ts", ""), campaign.pk)
    except integrity.StampError as exc:
        return _render_form(request, campaign, items, values, {}, kiosk, point, str(exc), status=400)
    now = time.time()
    if now - stamp.issued < integrity.min_fill_seconds():
        return _render_form(
            request,
            campaign,
            items,
            values,
            {},
            kiosk,
            point,
            _("Jawaban dikirim terlalu cepat. Periksa kembali jawaban Anda lalu kirim ulang."),
            status=400,
            page=len(paging.pages(list(items))) - 1,  # the last page: its button sends everything again
        )
    ip = integrity.client_ip(request)
    ip_hash = integrity.keyed_hash("ip", campaign.pk, ip) if ip else ""
    ip_limits = integrity.ip_limits()
    if ip_hash and integrity.peek("ip", campaign.pk, ip_hash, ip_limits) >= ip_limits.reject_at:
        return _notice(
            request,
            campaign,
            _("Terlalu banyak kiriman"),
            _(
                "Terlalu banyak jawaban dikirim dari jaringan ini dalam waktu singkat. "
                "Silakan coba lagi beberapa menit lagi."
            ),
            429,
            kiosk,
        )
    group = post.get("kelompok", "")
    service_type = post.get("layanan", "")
    answers, errors = _check(campaign, items, post)
    if errors:
        return _render_form(
            request,
            campaign,
            items,
            values,
            errors,
            kiosk,
            point,
            _("Masih ada isian yang perlu diperbaiki (lihat tanda di bawah)."),
            status=400,
        )

    token = integrity.device_token(request)
    flags: dict[str, Any] = {}
    device_hash = integrity.keyed_hash("device", campaign.pk, token) if token else ""
    if not token:
        flags["no_device_cookie"] = True
    # Retries are never suspicious: the flags are decided from what is already counted (committed responses), and
    # the counters are raised only once this response is committed (below). A request that crashed mid-way or was
    # refused counts nothing, so the respondent's retry is not a "burst".
    device_limits = integrity.device_limits()
    if ip_hash:
        count = integrity.peek("ip", campaign.pk, ip_hash, ip_limits) + 1
        if count > ip_limits.flag_at:
            flags["ip_burst"] = count
    if device_hash:
        count = integrity.peek("device", campaign.pk, device_hash, device_limits) + 1
        if count > device_limits.flag_at or (not kiosk and count > 1):
            flags["device_burst"] = count
    if integrity.in_networks(ip, campaign.unit_networks):
        flags["unit_network"] = True
    flags["fill_seconds"] = int(now - stamp.issued) if flags else None
    if flags.get("fill_seconds") is None:
        flags.pop("fill_seconds")
    submission = services.Submission(
        group=group,
        answers={k: v for k, v in answers.items() if v is not None},
        service_type=service_type,
        service_point=point,
        channel=Channel.KIOSK if kiosk else Channel.PUBLIC,
        form_nonce=stamp.nonce,
        device_hash=device_hash,
        one_per_device=not kiosk,
        ip_hash=ip_hash,
        flags=flags,
        code=post.get("kode", ""),
    )
    try:
        result = services.response_submit(campaign, submission, items=items)
    except services.SurveyError as exc:
        if exc.code == "device_used":
            return _notice(request, campaign, _("Anda sudah mengisi survei ini"), str(exc), 409, kiosk)
        if exc.code == "closed":
            return _notice(request, campaign, _("Survei sudah ditutup"), str(exc), 410, kiosk)
        return _render_form(
            request,
            campaign,
            items,
            values,
            {"kode": str(exc)} if exc.code in ("code", "code_used") else {},
            kiosk,
            point,
            str(exc),
            status=400,
        )
    if result.created:  # committed (response_submit's transaction is the outermost); a replay counts nothing
        if ip_hash:
            integrity.hit("ip", campaign.pk, ip_hash, ip_limits)
        if device_hash:
            integrity.hit("device", campaign.pk, device_hash, device_limits)
    return _notice(
        request,
        campaign,
        _("Terima kasih"),
        _("Jawaban Anda sudah kami terima dan disimpan. Terima kasih atas partisipasi Anda."),
        200,
        kiosk,
        ok=True,
    )
