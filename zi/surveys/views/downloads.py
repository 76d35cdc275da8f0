"""Downloads: the responses as CSV or XLSX, the service point poster and the results report (PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404

from zi.core import downloads, tabular
from zi.surveys import documents, exports, services
from zi.surveys.models import ServicePoint
from zi.surveys.views.common import _campaign_for


@login_required
def export_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = _campaign_for(request, pk)
    return downloads.streamed_attachment(
        tabular.csv_lines(exports.response_rows(campaign)), f"survei-{campaign.pk}.csv"
    )


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    campaign = _campaign_for(request, pk)
    workbook = tabular.xlsx_file([("Respons", exports.response_rows(campaign))])
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
