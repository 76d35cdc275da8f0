"""The survey documents, through the one PDF path (:func:`zi.core.pdf.render_pdf`, templates under
``surveys/documents/`` extending ``documents/base.html``): the A4 QR poster of a service point and the results
report of a campaign. The views only check access and send the bytes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core.links import absolute_url
from zi.core.pdf import qr_data_uri, render_pdf
from zi.organisations.letterhead import document_context
from zi.organisations.timezones import format_local
from zi.surveys.models import Campaign, RespondentGroup, ServicePoint


def poster_url(campaign: Campaign, point: ServicePoint) -> str:
    """The public survey address a poster's QR code carries (the service point recorded with each response)."""
    return absolute_url(reverse("surveys:public", args=[campaign.token])) + f"?titik={point.pk}"


def poster_pdf(campaign: Campaign, point: ServicePoint) -> bytes:
    """One A4 page: unit, survey, service point, the QR code of :func:`poster_url` and how to answer."""
    url = poster_url(campaign, point)
    context = {
        **document_context(campaign.unit.agency),
        "campaign": campaign,
        "point": point,
        "url": url,
        "qr": qr_data_uri(url),
        "note": _("Jawaban Anda anonim dan membantu kami memperbaiki pelayanan."),
    }
    return render_pdf("surveys/documents/poster.html", context)


def report_pdf(campaign: Campaign, results: Any) -> bytes:
    """The results of a campaign (``results``: :func:`zi.surveys.services.results.campaign_results`): per instrument the
    index with its sample and interval, per item, per respondent group, per service type and per quarter; the
    print time in the unit's zone."""
    labels = dict(RespondentGroup.choices)
    context = {
        **document_context(campaign.unit.agency),
        "campaign": campaign,
        "results": results,
        "comparison": list(zip(results.overall, results.without_flagged, strict=False)),
        "group_rows": [(labels.get(g, g), g, rows) for g, rows in results.by_group.items()],
        "printed_at": format_local(timezone.now(), campaign.unit),
    }
    return render_pdf("surveys/documents/report.html", context)
