"""Moderation: why a response was flagged, excluding and reinstating responses (audited), rescanning a campaign
for statistical clusters and rebuilding its rollups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zi.accounts.actors import actor_user
from zi.core import audit
from zi.core.actors import Actor
from zi.surveys import integrity, rollups
from zi.surveys.models import Campaign, ItemScale, Response, ResponseItem
from zi.surveys.services.errors import SurveyError
from zi.surveys.services.submissions import _vector_comparable, campaign_items

# Why a response was flagged, for the evaluator (keys of ``Response.flags``; values are counts or True).
FLAG_REASONS = {
    "no_device_cookie": gettext_lazy("Tanpa cookie perangkat (cookie diblokir atau kiriman otomatis)"),
    "ip_burst": gettext_lazy("Banyak kiriman dari satu jaringan dalam 10 menit"),
    "device_burst": gettext_lazy("Lebih dari satu kiriman dari satu perangkat"),
    "unit_network": gettext_lazy("Dikirim dari jaringan kantor unit sendiri"),
    "pattern_cluster": gettext_lazy("Pola jawaban identik dengan banyak respons lain dalam waktu berdekatan"),
    "straightline_network": gettext_lazy("Jawaban seragam (semua butir sama) berulang dari satu jaringan"),
    "near_identical_network": gettext_lazy(
        "Pola jawaban hampir identik (hanya berbeda pada sedikit butir) berulang dari satu jaringan"
    ),
    "offline_burst": gettext_lazy("Perangkat luring: terlalu banyak jawaban dalam satu menit (menurut jam perangkat)"),
    "offline_identical": gettext_lazy("Perangkat luring: pola jawaban identik berulang dari satu perangkat"),
    "offline_hours": gettext_lazy("Perangkat luring: jawaban diberikan di luar jam layanan"),
    "offline_clock": gettext_lazy("Perangkat luring: jam perangkat jauh berbeda dari jam server"),
}
STATISTICAL_FLAGS = ("pattern_cluster", "straightline_network", "near_identical_network")


def _answer_sets(response_ids: Sequence[int]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return rollups.aggregate(list(response_ids))


def _exclude_many(actor: Actor, responses: Sequence[Response], reason: str, now: dt.datetime) -> None:
    """Mark responses excluded and subtract those currently counted from the rollups (set-based)."""
    counted = [r.pk for r in responses if r.rolled_up]
    if counted:
        rollups.add(*_answer_sets(counted), -1)
    fields = ["excluded", "exclusion_reason", "excluded_by", "excluded_at", "rolled_up"]
    changes = []
    for response in responses:
        before = audit.snapshot(response, fields[:4])
        response.excluded, response.exclusion_reason = True, reason
        response.excluded_by, response.excluded_at, response.rolled_up = actor_user(actor), now, False
        changes.append(
            audit.Change(action="exclude", obj=response, before=before, after=audit.snapshot(response, fields[:4]))
        )
    Response.objects.bulk_update(list(responses), fields, batch_size=1000)
    audit.record_many(actor, changes)


def _reason(reason: str, missing: str) -> str:
    """A moderation decision's reason, trimmed: five characters at least, else ``missing`` as the refusal."""
    reason = reason.strip()
    if len(reason) < 5:
        raise SurveyError(missing)
    return reason


def _locked(response: Response) -> Response:
    return Response.objects.select_for_update().select_related("campaign__unit").get(pk=response.pk)


@transaction.atomic
def response_exclude(*, actor: Actor, response: Response, reason: str) -> Response:
    """Take a response out of every index, keeping the row; the reason and who/when are recorded and audited."""
    reason = _reason(reason, _("Alasan pengecualian wajib diisi (minimal 5 karakter)."))
    response = _locked(response)
    if response.excluded:
        raise SurveyError(_("Respons ini sudah dikecualikan."))
    _exclude_many(actor, [response], reason, timezone.now())
    return response


@transaction.atomic
def responses_exclude_flagged(*, actor: Actor, campaign: Campaign, flag: str, reason: str) -> int:
    """Exclude every counted response of a campaign carrying ``flag`` (e.g. one stuffing cluster reason) with one
    reason: one audit event per response, rollups corrected with one aggregate per table. Returns how many."""
    reason = _reason(reason, _("Alasan pengecualian wajib diisi (minimal 5 karakter)."))
    if flag not in FLAG_REASONS:
        raise SurveyError(_("Tanda tidak dikenal."))
    responses = list(
        Response.objects.select_for_update()
        .filter(campaign=campaign, is_flagged=True, excluded=False, flags__has_key=flag)
        .select_related("campaign__unit")
        .order_by("pk")
    )
    if responses:
        _exclude_many(actor, responses, reason, timezone.now())
    return len(responses)


@transaction.atomic
def response_reinstate(*, actor: Actor, response: Response, reason: str) -> Response:
    """Undo an exclusion (also audited, with its own reason); the earlier reason stays in the audit trail."""
    reason = _reason(reason, _("Alasan wajib diisi (minimal 5 karakter)."))
    response = _locked(response)
    if not response.excluded:
        raise SurveyError(_("Respons ini tidak dikecualikan."))
    before = audit.snapshot(response, ["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
    response.excluded, response.exclusion_reason, response.excluded_by, response.excluded_at = False, "", None, None
    response.rolled_up = True
    response.save(update_fields=["excluded", "exclusion_reason", "excluded_by", "excluded_at", "rolled_up"])
    rollups.add(*_answer_sets([response.pk]), +1)
    audit.record(actor, "reinstate", response, before=before, after={"excluded": False}, extra={"reason": reason})
    return response


@dataclass(frozen=True)
class _Scanned:
    pk: int
    at: Any
    ip_hash: str
    pattern_hash: str
    straight: bool
    vector: str


def _scan_clusters(rows: Sequence[_Scanned], limits: integrity.PatternLimits) -> dict[int, dict[str, int]]:
    """The same rules as :func:`_cluster_flags`, replayed over stored responses in time order: for each response,
    the earlier ones within the window (and itself) that match it; a cluster reaching its threshold flags all its
    members with its size. Grouped by fingerprint/network first, so the work is per group, not n²."""
    window = dt.timedelta(seconds=limits.window)
    found: dict[int, dict[str, int]] = defaultdict(dict)

    def mark(flag: str, cluster: list[_Scanned], threshold: int) -> None:
        if threshold > 0 and len(cluster) >= threshold:
            for member in cluster:
                found[member.pk][flag] = max(found[member.pk].get(flag, 0), len(cluster))

    by_pattern: dict[str, list[_Scanned]] = defaultdict(list)
    by_network: dict[str, list[_Scanned]] = defaultdict(list)
    for row in rows:
        if row.pattern_hash:
            by_pattern[row.pattern_hash].append(row)
        if row.ip_hash:
            by_network[row.ip_hash].append(row)
    for group in by_pattern.values():
        for i, row in enumerate(group):
            mark("pattern_cluster", [r for r in group[: i + 1] if r.at >= row.at - window], limits.pattern_flag_at)
    for group in by_network.values():
        for i, row in enumerate(group):
            recent = [r for r in group[: i + 1] if r.at >= row.at - window]
            if row.straight:
                mark("straightline_network", [r for r in recent if r.straight], limits.straightline_flag_at)
            if _vector_comparable(row.vector, limits.min_items):
                near = [r for r in recent if integrity.near_identical(r.vector, row.vector, limits.near_max_diff)]
                mark("near_identical_network", near, limits.near_flag_at)
    return found


@transaction.atomic
def responses_rescan(*, actor: Actor, campaign: Campaign, **thresholds: int | None) -> dict[str, int]:
    """Re-run the statistical stuffing checks over every stored response of a campaign, e.g. after an evaluator
    lowered a threshold (``thresholds`` override the settings: ``window``, ``pattern_flag_at``, ``min_items``,
    ``straightline_flag_at``, ``near_flag_at``, ``near_max_diff``).

    Flag-only: it adds flags that the current rules find and never removes a flag, never excludes and never
    deletes (the flags raised at submit time stay as the record of what was seen then). Fingerprints and vectors
    are recomputed from the raw answers (responses stored before a rule existed are covered). One audit event on
    the campaign with the thresholds used and what was newly flagged. Returns counts per flag."""
    limits = integrity.pattern_limits(**thresholds)
    if limits.window <= 0 or limits.near_max_diff < 0:
        raise SurveyError(_("Ambang pemindaian tidak valid."))
    items = campaign_items(campaign)
    likert_ids = {item.pk for item in items if item.scale == ItemScale.LIKERT4}
    item_ids = [item.pk for item in items]
    responses = list(
        Response.objects.select_for_update()
        .filter(campaign=campaign)
        .order_by("submitted_at", "pk")
        .only("pk", "submitted_at", "ip_hash", "flags", "is_flagged", "pattern_hash", "straight_line", "answer_vector")
    )
    answers: dict[int, dict[int, int]] = defaultdict(dict)
    for response_id, item_id, value in ResponseItem.objects.filter(response__campaign=campaign).values_list(
        "response_id", "item_id", "value"
    ):
        answers[response_id][item_id] = value
    rows = []
    for response in responses:
        pattern, straight = integrity.answer_pattern(answers[response.pk], likert_ids, limits.min_items)
        vector = integrity.answer_vector(answers[response.pk], item_ids)
        rows.append(_Scanned(response.pk, response.submitted_at, response.ip_hash, pattern, straight, vector))
        response.answer_vector = vector  # stored for later submit-time comparisons (older rows had none)
    found = _scan_clusters(rows, limits)
    counts: dict[str, int] = defaultdict(int)
    newly: list[int] = []
    for response in responses:
        new_flags = {
            flag: size for flag, size in found.get(response.pk, {}).items() if flag not in (response.flags or {})
        }
        if new_flags:
            response.flags = {**(response.flags or {}), **new_flags}
            response.is_flagged = True
            newly.append(response.pk)
            for flag in new_flags:
                counts[flag] += 1
    Response.objects.bulk_update(responses, ["flags", "is_flagged", "answer_vector"], batch_size=1000)
    audit.record(
        actor,
        "rescan",
        campaign,
        extra={"thresholds": limits.__dict__, "newly_flagged": newly, "counts": dict(counts)},
    )
    return dict(counts)


def rollups_rebuild(campaign: Campaign) -> None:
    """Recompute a campaign's rollups from raw rows (repair/verification), set-based (:func:`rollups.rebuild`)."""
    rollups.rebuild([campaign.pk])
