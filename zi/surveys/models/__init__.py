"""Survey instruments (IPAK, IPKP, SKM, internal), campaigns per unit and period, anonymous responses, rollups.

Raw answers (``ResponseItem``) are narrow rows that can grow to tens of millions; every index is computed from
the rollup tables (``ItemRollup``, ``RespondentRollup``), which the submit and exclude services keep up to date
in the same transaction, so results pages and national aggregates never scan raw rows.

One module per concept; this package re-exports every model, so ``from zi.surveys.models import X`` keeps
working (``_new_token`` too: migrations name it as the campaign token's default).
"""

from zi.surveys.models.campaigns import Campaign, OneTimeCode, RespondentGroup, ServicePoint, _new_token
from zi.surveys.models.devices import DeviceKind, DeviceResponse, FieldDevice
from zi.surveys.models.external import ExternalIndex
from zi.surveys.models.instruments import (
    IndexMapping,
    Instrument,
    InstrumentItem,
    InstrumentKind,
    ItemScale,
    quarter_label,
)
from zi.surveys.models.responses import Channel, Response, ResponseItem
from zi.surveys.models.rollups import ItemRollup, RespondentRollup

__all__ = [
    "IndexMapping",
    "Instrument",
    "InstrumentItem",
    "InstrumentKind",
    "ItemScale",
    "quarter_label",
    "Campaign",
    "OneTimeCode",
    "RespondentGroup",
    "ServicePoint",
    "_new_token",
    "Channel",
    "Response",
    "ResponseItem",
    "ItemRollup",
    "RespondentRollup",
    "ExternalIndex",
    "DeviceKind",
    "DeviceResponse",
    "FieldDevice",
]
