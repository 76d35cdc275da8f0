"""The rollup tables every index is computed from, kept up to date in the submit's transaction."""

from __future__ import annotations

from django.db import models

from zi.surveys.models.campaigns import Campaign
from zi.surveys.models.instruments import Instrument, InstrumentItem


class ItemRollup(models.Model):
    """Per campaign × item × respondent group × quarter: count, Σ value, Σ value² of included answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16)
    quarter = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)
    s = models.BigIntegerField(default=0)
    ss = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "item", "group", "quarter"], name="item_rollup_key")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.item_id}/{self.group}/{self.quarter}: n={self.n}"


class RespondentRollup(models.Model):
    """Per campaign × instrument × group × quarter: respondents, Σ and Σ² of respondent means (1–4 scale).

    Feeds the t-based confidence interval without reading raw answers.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16)
    quarter = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)
    s = models.FloatField(default=0.0)
    ss = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "instrument", "group", "quarter"], name="respondent_rollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.instrument_id}/{self.group}/{self.quarter}: n={self.n}"
