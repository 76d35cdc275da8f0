"""Downloads: the responses as CSV or XLSX, the service point poster and the results report (PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404

from zi.core import downloads, tabular
from zi.organisations.timezones import unit_timezone
from zi.surveys import documents, services
from zi.surveys.models import Campaign, Response, ResponseItem, ServicePoint
from zi.surveys.views.common import _campaign_for


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


@login_required
def export_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = _campaign_for(request, pk)
    return downloads.streamed_attachment(tabular.csv_lines(_export_rows(campaign)), f"survei-{campaign.pk}.csv")


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    campaign = _campaign_for(request, pk)
    workbook = tabular.xlsx_file([("Respons", _export_rows(campaign))])
    return downloads.file_attachment(workbook, f"survei-{campaign.pk}.xlsx")


@login_required
def poster_pdf(request: HttpRequest, pk: int, point_id: int) -> HttpResponse:
    campaign = _campaign_for(request, pk)
    point = get_object_or_404(ServicePoint, pk=point_id, campaign=campaign)
    return downloads.attachment(documents.poster_pdf(campaign, point), f"poster-survei-{campaign.pk}-{point.pk}.pdf")


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's results as an A4 report (whoever may see the results page)."""
    campaign = _campaign_for(request, pk)
    pdf = documents.report_pdf(campaign, services.campaign_results(campaign))
    return downloads.attachment(pdf, f"laporan-survei-{campaign.pk}.pdf")
