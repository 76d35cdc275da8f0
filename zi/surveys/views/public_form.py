"""The public survey form and kiosk mode: one page or in parts, the checks and the submission."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zi.core.errors import refuse_invalid_text
from zi.core.page_cache import cached_page
from zi.organisations.timezones import format_local
from zi.surveys import integrity, paging, services
from zi.surveys.models import Campaign, ItemScale, ServicePoint
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
        {"value": g, "label": GROUP_LABELS.get(g, g), "checked": values.get("kelompok") == g, "id": f"kelompok_{g}"}
        for g in campaign.respondent_groups
    ]
    if len(groups) == 1 and not values.get("kelompok"):
        groups[0]["checked"] = True
    return {
        "campaign": campaign,
        "questions": questions,
        "groups": groups,
        "service_types": [
            {"value": s, "label": s, "checked": values.get("layanan") == s, "id": f"layanan_{number}"}
            for number, s in enumerate(campaign.service_types, start=1)
        ],
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
    """The notice page (thank-you, closed, refused): fixed by the values below, so rendered once per process and
    served again with the request's CSRF token (:func:`zi.core.page_cache.cached_page`; every public submission
    ends here)."""
    again = reverse("surveys:kiosk", args=[campaign.token]) if kiosk else ""
    context = {"campaign": campaign, "title": title, "message": message, "ok": ok, "kiosk": kiosk, "again": again}
    key = (campaign.pk, campaign.unit.name, title, message, ok, kiosk, again)
    return cached_page(request, "surveys/public_notice.html", context, key, status=status)


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
    if services.honeypot_filled(post):  # as in the submit
        return _notice(request, campaign, _("Permintaan ditolak"), _("Formulir tidak dapat diproses."), 400, kiosk)
    values = _posted_values(post, items)
    page_list = paging.pages(list(items))
    page = min(int(post["halaman"]), len(page_list) - 1)
    stamp = post.get("ts", "")[:500]
    if post.get("arah") == "kembali":
        return _render_form(request, campaign, items, values, {}, kiosk, point, page=max(0, page - 1), stamp=stamp)
    _answers, errors = services.read_answers(campaign, page_list[page], post, about_you=page == 0)
    if errors:
        message = _("Masih ada isian yang perlu diperbaiki (lihat tanda di bawah).")
        return _render_form(
            request, campaign, items, values, errors, kiosk, point, message, status=400, page=page, stamp=stamp
        )
    return _render_form(request, campaign, items, values, {}, kiosk, point, page=page + 1, stamp=stamp)


def _submit(request, campaign, items, kiosk: bool, point) -> HttpResponse:
    """The last page's "Kirim jawaban": the intake service decides (:func:`services.public_submit`), this shows it."""
    posted = services.Posted(
        fields=request.POST,
        ip=integrity.client_ip(request),
        device_token=integrity.device_token(request),
        kiosk=kiosk,
        point=point,
    )
    outcome = services.public_submit(campaign, items, posted)
    if outcome.kind != "form":
        return _notice(
            request, campaign, outcome.title, outcome.message, outcome.status, kiosk, ok=outcome.kind == "stored"
        )
    values = _posted_values(request.POST, items)
    page = len(paging.pages(list(items))) - 1 if outcome.last_page else None
    return _render_form(
        request,
        campaign,
        items,
        values,
        outcome.errors,
        kiosk,
        point,
        outcome.message,
        status=outcome.status,
        page=page,
    )
