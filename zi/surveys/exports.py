"""A campaign's responses as a table (CSV or XLSX download, :mod:`zi.surveys.views.downloads`): what the unit's team
and evaluators may take away — no address hash, no device."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zi.organisations.timezones import unit_timezone
from zi.surveys import services
from zi.surveys.models import Campaign, Response, ResponseItem


def response_rows(campaign: Campaign) -> Iterator[list[Any]]:
    """The campaign's responses as rows, the header first: one row per response, one column per question (every
    instrument of the campaign), times in the unit's zone; read in chunks of 2,000 so a campaign of any size streams
    in constant memory."""
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
