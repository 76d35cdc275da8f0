"""The campaign page: results per instrument with inline SVG charts, the trend and the flagged responses."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zi.core.links import absolute_url
from zi.organisations.access import Action, may
from zi.surveys import services
from zi.surveys.models import InstrumentKind, ItemScale, Response
from zi.surveys.views.common import GROUP_LABELS, _campaign_for
from zi.surveys.views.moderation import RescanForm


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
                "title": summary.instrument.display_title,
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
    flagged: list[dict[str, Any]] = [
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
            "can_manage": may(request.user, Action.SURVEY_MANAGE, campaign),
            "can_exclude": may(request.user, Action.SURVEY_EVALUATE, campaign),
            "service_points": campaign.service_points.all(),
            "skm": InstrumentKind.SKM,
            "trend": trend,
            "group_rows": [(GROUP_LABELS.get(g, g), g, rows) for g, rows in results.by_group.items()],
            "rescan_form": RescanForm.current() if may(request.user, Action.SURVEY_EVALUATE, campaign) else None,
            "can_external": may(request.user, Action.SURVEY_EVALUATE, campaign.unit),
        },
    )
