"""Public survey form (anonymous, no JavaScript needed), kiosk mode, and the staff pages, one module per concept:
public_form, campaigns, results, moderation, external, downloads. The URLconf reads the views from this package."""

from zi.surveys.views.campaigns import (
    CampaignEditForm,
    CampaignForm,
    campaign_close,
    campaign_create,
    campaign_edit,
    campaign_list,
    codes_generate,
    service_point_add,
)
from zi.surveys.views.common import GROUP_LABELS
from zi.surveys.views.downloads import export_csv, export_xlsx, poster_pdf, report_pdf
from zi.surveys.views.external import ExternalIndexForm, external_index
from zi.surveys.views.moderation import RescanForm, campaign_rescan, flagged_exclude, response_exclude
from zi.surveys.views.public_form import kiosk_form, public_form
from zi.surveys.views.results import campaign_detail

__all__ = [
    "CampaignEditForm",
    "CampaignForm",
    "ExternalIndexForm",
    "GROUP_LABELS",
    "RescanForm",
    "campaign_close",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_list",
    "campaign_rescan",
    "codes_generate",
    "export_csv",
    "export_xlsx",
    "external_index",
    "flagged_exclude",
    "kiosk_form",
    "poster_pdf",
    "public_form",
    "report_pdf",
    "response_exclude",
    "service_point_add",
]
