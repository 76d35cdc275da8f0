"""Public survey form (anonymous, no JavaScript needed), kiosk mode, and the staff pages."""

from __future__ import annotations

import csv
import tempfile
import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zi.assessments.models import Period
from zi.core.errors import refuse_invalid_text
from zi.core.links import absolute_url
from zi.core.numbers import NumberField
from zi.core.tabular import formula_safe
from zi.organisations.access import Action, visible_units
from zi.organisations.timezones import format_local, unit_timezone
from zi.surveys import documents, integrity, paging, services
from zi.surveys.models import (
    Campaign,
    Channel,
    ExternalIndex,
    Instrument,
    InstrumentKind,
    ItemScale,
    RespondentGroup,
    Response,
    ResponseItem,
    ServicePoint,
)
from zi.surveys.selectors import (
    campaign_instrument_choices,
    may_exclude,
    may_manage,
    may_record_external_index,
    visible_campaigns,
)

GROUP_LABELS = dict(RespondentGroup.choices)


def _campaign_for(request: HttpRequest, pk: int) -> Campaign:
    campaign = visible_campaigns(request.user).select_related("unit", "period").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user may change (edit, close, service points, codes): 404 out of scope, 403 without the
    unit team's right."""
    campaign = _campaign_for(request, pk)
    if not may_manage(request.user, campaign):
        raise PermissionDenied
    return campaign


def _evaluated_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign whose answers the user may judge (exclude, rescan): evaluators only."""
    campaign = _campaign_for(request, pk)
    if not may_exclude(request.user, campaign):
        raise PermissionDenied
    return campaign


# --- public form -----------------------------------------------------------------------------------------


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


# --- staff pages -----------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = visible_campaigns(request.user).select_related("unit__agency", "period").order_by("-opens_at")[:500]
    can_create = visible_units(request.user, Action.ASSESSMENT_ANSWER).exists()
    return render(request, "surveys/campaign_list.html", {"campaigns": campaigns, "can_create": can_create})


class CampaignForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_lazy("Unit kerja"))
    period = forms.ModelChoiceField(queryset=Period.objects.all(), label=_lazy("Periode"))
    title = forms.CharField(label=_lazy("Judul"), max_length=255)
    instruments = forms.ModelMultipleChoiceField(
        queryset=Instrument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_lazy("Instrumen"),
    )
    opens_at = forms.DateTimeField(
        label=_lazy("Dibuka"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_lazy("Waktu setempat unit (WIB, WITA atau WIT)."),
    )
    closes_at = forms.DateTimeField(
        label=_lazy("Ditutup"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    respondent_groups = forms.MultipleChoiceField(
        choices=RespondentGroup.choices, widget=forms.CheckboxSelectMultiple, label=_lazy("Kelompok responden")
    )
    service_types = forms.CharField(
        label=_lazy("Jenis layanan (satu per baris)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    population_size = NumberField(
        label=_lazy("Jumlah pengguna layanan pada periode (untuk ukuran sampel)"),
        whole=True,
        required=False,
        min_value=1,
    )
    kiosk_enabled = forms.BooleanField(label=_lazy("Aktifkan mode kios (tablet bersama)"), required=False)
    require_code = forms.BooleanField(label=_lazy("Wajib kode sekali pakai dari struk"), required=False)
    unit_networks = forms.CharField(
        label=_lazy("Jaringan kantor (CIDR, satu per baris) — jawaban dari jaringan ini ditandai"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].queryset = visible_units(user, Action.ASSESSMENT_ANSWER)
        # One choice per instrument code (its newest version); the service takes the version valid for the period.
        self.fields["instruments"].queryset = campaign_instrument_choices(user)

    unit_for_times: Any = None  # the edit form's campaign unit (the create form has a unit field)

    def clean(self):
        """The opening and closing times are typed in the unit's own zone (WIB/WITA/WIT), not the server's."""
        data = super().clean()
        unit = data.get("unit") or self.unit_for_times
        if unit is not None:
            zone = unit_timezone(unit)
            for name in ("opens_at", "closes_at"):
                if data.get(name):
                    data[name] = timezone.localtime(data[name]).replace(tzinfo=None).replace(tzinfo=zone)
        return data

    def clean_unit_networks(self):
        value = self.cleaned_data["unit_networks"]
        try:
            integrity.parse_networks(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value

    def clean_service_types(self):
        lines = [line.strip()[:120] for line in self.cleaned_data["service_types"].splitlines() if line.strip()]
        return list(dict.fromkeys(lines))


class CampaignEditForm(CampaignForm):
    """The same settings without unit and period (a campaign never moves); instruments are locked once the
    campaign has answers (the service refuses a change too)."""

    def __init__(self, *args, campaign: Campaign, locked_instruments: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["unit"], self.fields["period"]
        self.unit_for_times = campaign.unit
        current = campaign.instruments.values_list("pk", flat=True)
        self.fields["instruments"].queryset = Instrument.objects.filter(
            Q(pk__in=list(current)) | Q(pk__in=self.fields["instruments"].queryset.values("pk"))
        ).order_by("kind", "code", "version")
        if locked_instruments:
            self.fields["instruments"].disabled = True
            self.fields["instruments"].help_text = _lazy("Tidak dapat diubah: kampanye sudah memiliki jawaban.")

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        tz = unit_timezone(campaign.unit)
        return {
            "title": campaign.title,
            "instruments": list(campaign.instruments.all()),
            "opens_at": timezone.localtime(campaign.opens_at, tz).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": timezone.localtime(campaign.closes_at, tz).strftime("%Y-%m-%dT%H:%M"),
            "respondent_groups": campaign.respondent_groups,
            "service_types": "\n".join(campaign.service_types),
            "population_size": campaign.population_size,
            "kiosk_enabled": campaign.kiosk_enabled,
            "require_code": campaign.require_code,
            "unit_networks": campaign.unit_networks,
        }


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not visible_units(request.user, Action.ASSESSMENT_ANSWER).exists():
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit, period, instruments = data.pop("unit"), data.pop("period"), list(data.pop("instruments"))
        if not may_manage(request.user, unit):
            raise PermissionDenied
        try:
            campaign = services.campaign_create(
                actor=request.user, unit=unit, period=period, instruments=instruments, **data
            )
        except services.SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Kampanye survei dibuat."))
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    locked = Response.objects.filter(campaign=campaign).exists()
    form = CampaignEditForm(
        request.POST or None,
        user=request.user,
        campaign=campaign,
        locked_instruments=locked,
        initial=CampaignEditForm.initial_for(campaign),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        instruments = None if locked else list(data.pop("instruments"))
        data.pop("instruments", None)
        try:
            services.campaign_update(actor=request.user, campaign=campaign, instruments=instruments, **data)
        except services.SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Kampanye survei diperbarui."))
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing is irreversible: GET shows the confirmation page (what closing does, the reason); only its POST,
    which carries ``confirm``, closes. A POST without it (an old form, a stray click) leads to that page."""
    campaign = _managed_campaign(request, pk)
    if request.method != "POST" or request.POST.get("confirm") != "1":
        if request.method == "POST":
            url = reverse("surveys:campaign_close", args=[campaign.pk])
            return redirect(f"{url}?{urlencode({'reason': request.POST.get('reason', '')[:1000]})}")
        if campaign.closed_at is not None:
            messages.info(request, _("Kampanye ini sudah ditutup."))
            return redirect("surveys:campaign_detail", pk=campaign.pk)
        context = {"campaign": campaign, "reason": request.GET.get("reason", "")[:1000]}
        return render(request, "surveys/campaign_close.html", context)
    try:
        services.campaign_close(actor=request.user, campaign=campaign, reason=request.POST.get("reason", ""))
    except services.SurveyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Kampanye survei ditutup: formulir publik tidak menerima jawaban lagi."))
    return redirect("surveys:campaign_detail", pk=campaign.pk)


def _bars(summary: services.InstrumentSummary) -> dict:
    """Inline SVG bar chart geometry (no JavaScript, no external library)."""
    rows = [r for r in summary.items if r["scale"] == ItemScale.LIKERT4]
    bar_h, gap, left, width = 18, 6, 60, 300
    bars = []
    for i, row in enumerate(rows):
        mean = float(row["mean"]) if row["mean"] is not None else 0.0
        bars.append(
            {
                # Geometry as strings so template localisation never writes "300,0" into SVG attributes.
                "y": str(i * (bar_h + gap)),
                "w": f"{mean / 4 * width:.1f}",
                "label": row["code"],
                "value": row["mean"],
                "ty": str(i * (bar_h + gap) + 13),
                "tx": f"{left + mean / 4 * width + 4:.1f}",
            }
        )
    return {
        "bars": bars,
        "height": len(rows) * (bar_h + gap),
        "left": left,
        "width": width,
        "bar_h": bar_h,
        "total_width": left + width + 60,
    }


def _headline(summary: services.InstrumentSummary) -> tuple[float | None, float]:
    """The number a trend shows for an instrument and its scale maximum: IKM on 25–100, others on 0–4."""
    if summary.ikm is not None:
        return (float(summary.ikm.ikm) if summary.ikm.ikm is not None else None), 100.0
    return (float(summary.index.value) if summary.index.value is not None else None), 4.0


def _trend_chart(results: services.CampaignResults) -> list[dict]:
    """Per instrument, one bar per quarter (inline SVG geometry, no JavaScript): the trend the issue asks for."""
    charts = []
    quarters = list(results.by_quarter)
    bar_w, gap, height, top = 48, 16, 120, 16
    for position, summary in enumerate(results.overall):
        bars = []
        for i, quarter in enumerate(quarters):
            value, scale = _headline(results.by_quarter[quarter][position])
            h = 0.0 if value is None else value / scale * height
            x = i * (bar_w + gap)
            bars.append(
                {
                    "x": str(x),
                    "y": f"{top + height - h:.1f}",
                    "h": f"{h:.1f}",
                    "label": f"{quarter // 10} T{quarter % 10}",
                    "value": "–" if value is None else f"{value:.2f}",
                    "tx": str(x + 2),
                    "vy": f"{top + height - h - 3:.1f}",
                    "ly": str(top + height + 14),
                }
            )
        charts.append(
            {
                "title": summary.instrument.title,
                "bars": bars,
                "bar_w": bar_w,
                "width": max(len(quarters), 1) * (bar_w + gap),
                "height": top + height + 20,
            }
        )
    return charts


def _flag_rows(flags: dict) -> list[dict[str, Any]]:
    rows = []
    for key, value in (flags or {}).items():
        if key == "fill_seconds":
            continue
        rows.append({"key": key, "label": services.FLAG_REASONS.get(key, key), "count": value})
    return rows


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for(request, pk)
    results = services.campaign_results(campaign)
    public_url = absolute_url(reverse("surveys:public", args=[campaign.token]))
    charts = [(summary, _bars(summary)) for summary in results.overall]
    flagged = [
        {"response": r, "reasons": _flag_rows(r.flags), "fill_seconds": (r.flags or {}).get("fill_seconds")}
        for r in Response.objects.filter(campaign=campaign)
        .filter(Q(is_flagged=True) | Q(excluded=True))
        .select_related("service_point")
        .order_by("-submitted_at")[:200]
    ]
    present = {row["key"] for item in flagged for row in item["reasons"]}
    trend = _trend_chart(results)
    comparison = [
        {"with": with_, "without": without}
        for with_, without in zip(results.overall, results.without_flagged, strict=False)
    ]
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "state": services.campaign_state(campaign),
            "results": results,
            "charts": charts,
            "comparison": comparison,
            "group_labels": GROUP_LABELS,
            "public_url": public_url,
            "kiosk_url": absolute_url(reverse("surveys:kiosk", args=[campaign.token])),
            "flagged": flagged,
            "flag_choices": [(key, label) for key, label in services.FLAG_REASONS.items() if key in present],
            "can_manage": may_manage(request.user, campaign),
            "can_exclude": may_exclude(request.user, campaign),
            "service_points": campaign.service_points.all(),
            "skm": InstrumentKind.SKM,
            "trend": trend,
            "group_rows": [(GROUP_LABELS.get(g, g), g, rows) for g, rows in results.by_group.items()],
            "rescan_form": RescanForm.current() if may_exclude(request.user, campaign) else None,
            "can_external": may_record_external_index(request.user, campaign.unit),
        },
    )


@login_required
@require_POST
def service_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    try:
        services.service_point_create(actor=request.user, campaign=campaign, name=request.POST.get("name", ""))
    except services.SurveyError as exc:
        messages.error(request, str(exc))
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def codes_generate(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    try:
        count = int(request.POST.get("count", "0"))
        codes = services.codes_generate(actor=request.user, campaign=campaign, count=count)
    except (ValueError, services.SurveyError) as exc:
        messages.error(request, str(exc) if isinstance(exc, services.SurveyError) else _("Jumlah tidak valid."))
        return redirect("surveys:campaign_detail", pk=campaign.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kode-survei-{campaign.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["kode"])
    writer.writerows([c] for c in codes)
    return response


@login_required
@require_POST
def response_exclude(request: HttpRequest, pk: int, response_id: int) -> HttpResponse:
    campaign = _evaluated_campaign(request, pk)
    response = get_object_or_404(Response, pk=response_id, campaign=campaign)
    try:
        if request.POST.get("reinstate"):
            services.response_reinstate(actor=request.user, response=response, reason=request.POST.get("reason", ""))
            messages.success(request, _("Respons #%(id)d dihitung kembali.") % {"id": response.pk})
        else:
            services.response_exclude(actor=request.user, response=response, reason=request.POST.get("reason", ""))
            messages.success(request, _("Respons #%(id)d dikecualikan dari indeks.") % {"id": response.pk})
    except services.SurveyError as exc:
        messages.error(request, str(exc))
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def flagged_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    """Exclude every counted response carrying one flag reason (e.g. a stuffing cluster), with one reason."""
    campaign = _evaluated_campaign(request, pk)
    try:
        count = services.responses_exclude_flagged(
            actor=request.user,
            campaign=campaign,
            flag=request.POST.get("flag", ""),
            reason=request.POST.get("reason", ""),
        )
    except services.SurveyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)d respons dikecualikan dari indeks.") % {"count": count})
    return redirect("surveys:campaign_detail", pk=campaign.pk)


class RescanForm(forms.Form):
    """Thresholds for a re-scan; each defaults to the current setting (docs/operations.md)."""

    window = forms.IntegerField(label=_lazy("Jendela waktu (detik)"), min_value=60, max_value=30 * 86400)
    pattern_flag_at = forms.IntegerField(label=_lazy("Pola identik: tandai mulai (0 = mati)"), min_value=0)
    straightline_flag_at = forms.IntegerField(
        label=_lazy("Jawaban seragam dari satu jaringan: tandai mulai"), min_value=0
    )
    near_flag_at = forms.IntegerField(label=_lazy("Pola hampir identik dari satu jaringan: tandai mulai"), min_value=0)
    near_max_diff = forms.IntegerField(
        label=_lazy("Pola hampir identik: beda butir paling banyak"), min_value=0, max_value=5
    )
    min_items = forms.IntegerField(label=_lazy("Jumlah butir minimal untuk dibandingkan"), min_value=1)

    @classmethod
    def current(cls) -> RescanForm:
        limits = integrity.pattern_limits()
        return cls(initial={name: getattr(limits, name) for name in cls.base_fields})


@login_required
@require_POST
def campaign_rescan(request: HttpRequest, pk: int) -> HttpResponse:
    """Evaluators re-run the stuffing checks over the stored responses with the thresholds they set (flag-only)."""
    campaign = _evaluated_campaign(request, pk)
    form = RescanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ambang pemindaian tidak valid."))
        return redirect("surveys:campaign_detail", pk=campaign.pk)
    try:
        counts = services.responses_rescan(actor=request.user, campaign=campaign, **form.cleaned_data)
    except services.SurveyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Pemindaian ulang selesai: %(count)d tanda baru. Tidak ada respons yang dihapus atau dikecualikan.")
            % {"count": sum(counts.values())},
        )
    return redirect(reverse("surveys:campaign_detail", args=[campaign.pk]) + "#ditandai")


class ExternalIndexForm(forms.Form):
    kind = forms.ChoiceField(
        label=_lazy("Indeks"), choices=[(InstrumentKind.IPAK.value, "IPAK"), (InstrumentKind.IPKP.value, "IPKP")]
    )
    value = NumberField(label=_lazy("Nilai (0–4)"), below_thousand=True, min_value=0, max_value=4, decimal_places=2)
    source = forms.CharField(label=_lazy("Sumber (mis. Survei BPS 2026, lembaga survei independen)"), max_length=255)
    respondents = NumberField(label=_lazy("Jumlah responden (jika diketahui)"), whole=True, required=False, min_value=1)
    note = forms.CharField(label=_lazy("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def external_index(request: HttpRequest, unit_id: int, period_id: int) -> HttpResponse:
    """An evaluator records an external IPAK/IPKP (e.g. BPS) for a unit and period; the LKE feed then uses it
    instead of the unit's own campaigns (with its source shown). Also lists what the feed gives now."""
    unit = visible_units(request.user).filter(pk=unit_id).first()
    period = Period.objects.filter(pk=period_id).first()
    if unit is None or period is None:
        raise Http404
    if not may_record_external_index(request.user, unit):
        raise PermissionDenied
    form = ExternalIndexForm(request.POST or None)
    if request.method == "POST" and request.POST.get("remove"):
        row = ExternalIndex.objects.filter(unit=unit, period=period, kind=request.POST.get("remove")).first()
        if row is not None:
            services.external_index_remove(actor=request.user, external=row)
            messages.success(request, _("Nilai eksternal dihapus; LKE kembali memakai survei unit."))
        return redirect("surveys:external_index", unit_id=unit.pk, period_id=period.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.external_index_record(actor=request.user, unit=unit, period=period, **form.cleaned_data)
        except services.SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Nilai eksternal disimpan; LKE memakai nilai ini beserta sumbernya."))
            return redirect("surveys:external_index", unit_id=unit.pk, period_id=period.pk)
    feed = [services.survey_index_for(unit, period, kind) for kind in (InstrumentKind.IPAK, InstrumentKind.IPKP)]
    return render(
        request,
        "surveys/external_index.html",
        {
            "unit": unit,
            "period": period,
            "form": form,
            "rows": ExternalIndex.objects.filter(unit=unit, period=period).select_related("recorded_by"),
            "feed": [(kind, index) for kind, index in zip(("IPAK", "IPKP"), feed, strict=True)],
        },
    )


def _export_rows(campaign: Campaign):
    items = services.campaign_items(campaign)
    header = [
        "id",
        "waktu",
        "kanal",
        "kelompok",
        "jenis_layanan",
        "titik_layanan",
        "ditandai",
        "tanda",
        "dikecualikan",
        "alasan",
    ] + [f"{i.instrument.code}:{i.code}" for i in items]
    yield header
    index = {item.pk: pos for pos, item in enumerate(items)}
    points = dict(campaign.service_points.values_list("pk", "name"))
    zone = unit_timezone(campaign.unit)  # times in the unit's zone, with their offset (ISO 8601)
    responses = (
        Response.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list(
            "pk",
            "submitted_at",
            "channel",
            "group",
            "service_type",
            "service_point_id",
            "is_flagged",
            "flags",
            "excluded",
            "exclusion_reason",
        )
    )
    chunk = 2000
    last = 0
    while True:
        batch = list(responses.filter(pk__gt=last)[:chunk])
        if not batch:
            return
        last = batch[-1][0]
        answers: dict[int, list] = {row[0]: [""] * len(items) for row in batch}
        for response_id, item_id, value in ResponseItem.objects.filter(response_id__in=list(answers)).values_list(
            "response_id", "item_id", "value"
        ):
            if item_id in index:
                answers[response_id][index[item_id]] = value
        for pk, at, channel, group, stype, point, flagged, flags, excluded, reason in batch:
            yield [
                pk,
                at.astimezone(zone).isoformat(timespec="seconds"),
                channel,
                group,
                stype,
                points.get(point, ""),
                int(flagged),
                ";".join(sorted(flags or {})),
                int(excluded),
                reason,
                *answers[pk],
            ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def export_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = _campaign_for(request, pk)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([formula_safe(v) for v in row]) for row in _export_rows(campaign)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="survei-{campaign.pk}.csv"'
    return response


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    from openpyxl import Workbook

    campaign = _campaign_for(request, pk)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Respons")
    for row in _export_rows(campaign):
        sheet.append([formula_safe(v) for v in row])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"survei-{campaign.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def poster_pdf(request: HttpRequest, pk: int, point_id: int) -> HttpResponse:
    campaign = _campaign_for(request, pk)
    point = get_object_or_404(ServicePoint, pk=point_id, campaign=campaign)
    response = HttpResponse(documents.poster_pdf(campaign, point), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="poster-survei-{campaign.pk}-{point.pk}.pdf"'
    return response


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's results as an A4 report (whoever may see the results page)."""
    campaign = _campaign_for(request, pk)
    pdf = documents.report_pdf(campaign, services.campaign_results(campaign))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-survei-{campaign.pk}.pdf"'
    return response
