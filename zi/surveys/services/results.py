"""Reading indices: per-instrument summaries, a campaign's results and a unit's survey index for a period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from zi.surveys import indices, rollups, unit_indices
from zi.surveys.models import (
    Campaign,
    Instrument,
    InstrumentItem,
    InstrumentKind,
    ItemRollup,
    ItemScale,
    RespondentRollup,
    Response,
)
from zi.surveys.unit_indices import SurveyIndex


@dataclass
class InstrumentSummary:
    instrument: Instrument
    index: indices.IndexResult
    ikm: indices.IkmResult | None
    items: list[dict[str, Any]]  # code, aspect, text, n, mean (1–4) / share yes


def summarise(
    instrument: Instrument,
    items: Sequence[InstrumentItem],
    item_stats: dict[int, tuple[int, int]],
    moments: indices.MomentStats,
    population: int | None,
) -> InstrumentSummary:
    likert = [item for item in items if item.scale == ItemScale.LIKERT4]
    index = indices.perception_index(
        instrument.kind,
        {item.code: item_stats.get(item.pk, (0, 0)) for item in likert},
        moments,
        mapping=instrument.index_mapping,
        population=population,
    )
    ikm = None
    if instrument.kind == InstrumentKind.SKM:
        stats = {
            item.code: indices.ElementStat(item.code, *item_stats[item.pk])
            for item in likert
            if item_stats.get(item.pk, (0, 0))[0]
        }
        ikm = indices.ikm_from_stats(stats, moments.n)
    rows = []
    for item in items:
        n, s = item_stats.get(item.pk, (0, 0))
        mean = indices.round_half_up(indices.Fraction(s, n), 3) if n else None
        rows.append(
            {
                "code": item.code,
                "aspect": item.aspect,
                "text": item.text,
                "scale": item.scale,
                "n": n,
                "mean": mean,
                "share_yes": indices.round_half_up(indices.Fraction(100 * s, n), 1) if n else None,
            }
        )
    return InstrumentSummary(instrument, index, ikm, rows)


@dataclass
class CampaignResults:
    campaign: Campaign
    overall: list[InstrumentSummary]
    by_group: dict[str, list[InstrumentSummary]]
    by_quarter: dict[int, list[InstrumentSummary]]
    responses: int
    excluded: int
    flagged: int
    # The same overall indices without the flagged (not excluded) responses, for a side-by-side comparison.
    without_flagged: list[InstrumentSummary] = field(default_factory=list)
    flagged_counted: int = 0
    by_service_type: dict[str, list[InstrumentSummary]] = field(default_factory=dict)


def campaign_results(campaign: Campaign) -> CampaignResults:
    """Everything the results page shows, from the rollups (pending submissions are folded in first).

    "Without flagged" subtracts the flagged-but-counted responses' aggregate (two GROUP BY queries over those
    responses only) from the rollups, so it costs the same whatever the campaign's size."""
    rollups.apply_pending(campaign.pk)
    instruments = list(campaign.instruments.order_by("kind", "code").prefetch_related("items"))
    item_rows = list(ItemRollup.objects.filter(campaign=campaign).values_list("item_id", "group", "quarter", "n", "s"))
    resp_rows = list(
        RespondentRollup.objects.filter(campaign=campaign).values_list(
            "instrument_id", "group", "quarter", "n", "s", "ss"
        )
    )
    flagged_ids = list(
        Response.objects.filter(campaign=campaign, is_flagged=True, excluded=False, rolled_up=True).values_list(
            "pk", flat=True
        )
    )
    minus_items, minus_resp = rollups.aggregate(flagged_ids)
    minus_item_rows = [(item, group, quarter, -n, -s) for _c, item, group, quarter, n, s, _ss in minus_items]
    minus_resp_rows = [(inst, group, quarter, -n, -s, -ss) for _c, inst, group, quarter, n, s, ss in minus_resp]

    def build(
        select: Callable[..., bool],
        item_source: Iterable[tuple[Any, ...]] = item_rows,
        resp_source: Iterable[tuple[Any, ...]] = resp_rows,
    ) -> list[InstrumentSummary]:
        out = []
        for instrument in instruments:
            stats: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for item_id, group, quarter, n, s in item_source:
                if select(group, quarter):
                    stats[item_id][0] += n
                    stats[item_id][1] += s
            moments = indices.MomentStats()
            for instrument_id, group, quarter, n, s, ss in resp_source:
                if instrument_id == instrument.pk and select(group, quarter):
                    moments = moments + indices.MomentStats(n, s, ss)
            out.append(
                summarise(
                    instrument,
                    list(instrument.items.all()),
                    {k: (v[0], v[1]) for k, v in stats.items()},
                    moments,
                    campaign.population_size,
                )
            )
        return out

    groups = sorted({row[1] for row in resp_rows if row[3] > 0})
    quarters = sorted({row[2] for row in resp_rows if row[3] > 0})
    by_service_type: dict[str, list[InstrumentSummary]] = {}
    if campaign.service_types:
        st_items, st_resp = rollups.aggregate_by_service_type(campaign.pk)
        st_item_rows = [(item, stype, 0, n, s) for stype, item, n, s in st_items]
        st_resp_rows = [(inst, stype, 0, n, s, ss) for stype, inst, n, s, ss in st_resp]
        for stype in sorted({row[1] for row in st_resp_rows if row[3] > 0}):
            by_service_type[stype] = build(lambda g, q, st=stype: g == st, st_item_rows, st_resp_rows)
    counts = Response.objects.filter(campaign=campaign).aggregate(
        responses=Count("pk"),
        excluded=Count("pk", filter=Q(excluded=True)),
        flagged=Count("pk", filter=Q(is_flagged=True)),
    )
    return CampaignResults(
        campaign=campaign,
        overall=build(lambda g, q: True),
        by_group={g: build(lambda gg, q, g=g: gg == g) for g in groups},
        by_quarter={q: build(lambda g, qq, q=q: qq == q) for q in quarters},
        responses=counts["responses"],
        excluded=counts["excluded"],
        flagged=counts["flagged"],
        without_flagged=build(lambda g, q: True, item_rows + minus_item_rows, resp_rows + minus_resp_rows)
        if flagged_ids
        else [],
        flagged_counted=len(flagged_ids),
        by_service_type=by_service_type,
    )


def survey_index_for(unit: Any, period: Any, kind: str) -> SurveyIndex | None:
    """IPAK or IPKP of a unit in a period for the LKE (B.I.a / B.II.a): external value first, else the unit's
    campaigns — :func:`zi.surveys.unit_indices.survey_index_for`, the one computation every surface reads."""
    if kind not in (InstrumentKind.IPAK, InstrumentKind.IPKP):
        raise ValueError("kind must be 'ipak' or 'ipkp'")
    return unit_indices.survey_index_for(unit, period, kind)
