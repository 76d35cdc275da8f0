"""Survey reads that users see, scoped through :mod:`zi.organisations.access`.

Proposed for ``access.py`` (not edited here: owned by another stream): ``SURVEY_VIEW`` (= ``ASSESSMENT_VIEW_DRAFT``
∪ ``ASSESSMENT_VIEW_SUBMITTED``), ``SURVEY_MANAGE`` (unit team = ``ASSESSMENT_ANSWER``) and ``SURVEY_EXCLUDE``
(reviewer/TPI). Until then these helpers map onto the existing actions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zi.organisations.access import Action, may, scope_filter
from zi.surveys.models import Campaign


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns on units where the user may see draft or submitted assessments (unit team, head, evaluators)."""
    return Campaign.objects.filter(
        scope_filter(user, Action.ASSESSMENT_VIEW_DRAFT) | scope_filter(user, Action.ASSESSMENT_VIEW_SUBMITTED)
    )


def may_manage(user: Any, campaign_or_unit: Any) -> bool:
    """Create campaigns, service points and one-time codes: the unit's ZI team."""
    return may(user, Action.ASSESSMENT_ANSWER, campaign_or_unit)


def may_exclude(user: Any, campaign: Campaign) -> bool:
    """Evaluators only (reviewer/TPI). ASSESSMENT_VIEW_SUBMITTED alone is also held by the unit team, which must
    not be able to drop its own unfavourable answers."""
    return may(user, Action.REVIEW_SCORE, campaign) or may(user, Action.TPI_SCORE, campaign)
