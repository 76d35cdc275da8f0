"""Survey writes (instrument loading, campaigns, submissions, exclusions) and index reads from the rollups, one
module per concept: instruments, campaigns, submissions, intake (a posted public/kiosk form), moderation,
results, external.

Staff writes are audited (:mod:`zi.core.audit`). Anonymous submissions are *not* put in the audit chain one by
one — the chain has a single locked head and would serialise every respondent; the immutable ``Response`` row
(never deleted, only excluded with an audited reason) is the record.

This package re-exports every public name, so ``from zi.surveys import services`` keeps working; new code imports
from the concept module (``zi.surveys.services.submissions`` ...)."""

from zi.surveys.services.campaigns import (
    CAMPAIGN_FIELDS,
    CAMPAIGN_VERSION_KEY,
    CODE_ALPHABET,
    campaign_close,
    campaign_create,
    campaign_is_open,
    campaign_state,
    campaign_update,
    campaigns_changed,
    codes_generate,
    normalise_code,
    public_campaign,
    quarter_of,
    service_point_create,
)
from zi.surveys.services.errors import SurveyError
from zi.surveys.services.external import external_index_record, external_index_remove
from zi.surveys.services.instruments import (
    INSTRUMENTS_DIR,
    IPAK_ASPECTS,
    STANDARD_KINDS,
    ItemSpec,
    LoadResult,
    check_structure,
    instrument_create_internal,
    instrument_for_period,
    instrument_load,
    instrument_new_version,
    instrument_set_periods,
    instruments_load_all,
)
from zi.surveys.services.intake import Outcome, Posted, honeypot_filled, public_submit, read_answers
from zi.surveys.services.moderation import (
    FLAG_REASONS,
    STATISTICAL_FLAGS,
    response_exclude,
    response_reinstate,
    responses_exclude_flagged,
    responses_rescan,
    rollups_rebuild,
)
from zi.surveys.services.results import (
    CampaignResults,
    InstrumentSummary,
    campaign_results,
    summarise,
    survey_index_for,
)
from zi.surveys.services.submissions import Submission, SubmitResult, campaign_items, response_submit, validate_answers

__all__ = [
    "CAMPAIGN_VERSION_KEY",
    "campaigns_changed",
    "public_campaign",
    "CAMPAIGN_FIELDS",
    "CODE_ALPHABET",
    "CampaignResults",
    "FLAG_REASONS",
    "INSTRUMENTS_DIR",
    "IPAK_ASPECTS",
    "InstrumentSummary",
    "Outcome",
    "Posted",
    "ItemSpec",
    "LoadResult",
    "STANDARD_KINDS",
    "STATISTICAL_FLAGS",
    "Submission",
    "SubmitResult",
    "SurveyError",
    "campaign_close",
    "campaign_create",
    "campaign_is_open",
    "campaign_items",
    "campaign_results",
    "campaign_state",
    "campaign_update",
    "check_structure",
    "codes_generate",
    "external_index_record",
    "external_index_remove",
    "honeypot_filled",
    "instrument_create_internal",
    "instrument_for_period",
    "instrument_load",
    "instrument_new_version",
    "instrument_set_periods",
    "instruments_load_all",
    "normalise_code",
    "public_submit",
    "quarter_of",
    "read_answers",
    "response_exclude",
    "response_reinstate",
    "response_submit",
    "responses_exclude_flagged",
    "responses_rescan",
    "rollups_rebuild",
    "service_point_create",
    "summarise",
    "survey_index_for",
    "validate_answers",
]
