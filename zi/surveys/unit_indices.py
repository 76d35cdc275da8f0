"""A unit's IPAK, IPKP and IKM for a period: the one computation every surface reads.

Which value wins (see ``docs/surveys.md``):

1. an **external value** recorded by an evaluator (:class:`~zi.surveys.models.ExternalIndex`, e.g. the BPS/TPN
   survey) for IPAK or IPKP, shown with its source ("Nilai IPAK eksternal: BPS, laporan no. …");
2. otherwise the index **computed from the unit's own campaigns** of the period, from the rollups: IPAK/IPKP from
   external respondents only (service users and visitors — 90/2021), the IKM from every group of the SKM
   instruments, shown with the campaigns and the respondents counted.

The unit's own survey value is kept beside an external one (``survey_value``) so a page can show both.

:func:`survey_indices_many` takes many unit ids and issues a fixed number of queries (5) whatever their count —
the dashboards' rollup feeds it batches of thousands; :func:`survey_indices_for` is the same call for one unit, so
the LKE hint, the worksheet, the dashboards, the TPN dossier and monitoring cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from zi.surveys import indices
from zi.surveys.models import (
    Campaign,
    ExternalIndex,
    InstrumentKind,
    ItemRollup,
    ItemScale,
    RespondentGroup,
    RespondentRollup,
    Response,
)

EXTERNAL_GROUPS = (RespondentGroup.PENGGUNA_LAYANAN, RespondentGroup.PENGUNJUNG)
LKE_KINDS = (InstrumentKind.IPAK.value, InstrumentKind.IPKP.value)
KINDS = (*LKE_KINDS, "ikm")  # the IKM is the SKM instruments' index


@dataclass(frozen=True)
class SurveyIndex:
    """One index of one unit in one period, with where it came from.

    ``value`` is the value that counts (external first); ``survey_value`` is the unit's own campaigns' value (the
    same as ``value`` unless an external value wins). ``respondents`` are those the value rests on (external
    respondents for IPAK/IPKP, every group for the IKM); ``all_respondents`` every counted response of the unit's
    campaigns in the period (inmates and staff included), so a hint never leaves "51 of 64" unexplained."""

    kind: str  # "ipak" | "ipkp" | "ikm"
    value: float | None  # 0–4 (IPAK/IPKP) or 25–100 (IKM), 2 decimals
    respondents: int
    required: int
    sample_ok: bool
    ci95: tuple[float | None, float | None]
    campaigns: tuple[dict, ...]  # {"id", "title", "respondents"}
    groups: tuple[str, ...]
    external: str = ""  # the source of an external value recorded by an evaluator (then it wins)
    survey_value: float | None = None
    survey_respondents: int = 0
    all_respondents: int = 0

    @property
    def label(self) -> str:
        return "IKM" if self.kind == "ikm" else self.kind.upper()

    @property
    def is_external(self) -> bool:
        return bool(self.external)

    @property
    def has_survey(self) -> bool:
        return bool(self.campaigns)

    @property
    def survey_source(self) -> str:
        """The unit's own campaigns and their respondents, e.g. "Survei IPAK: Survei 2026 — 51 responden
        (pengguna layanan dan pengunjung) dari 64 responden survei"."""
        if not self.campaigns:
            return ""
        names = ", ".join(c["title"] for c in self.campaigns)
        if self.kind == "ikm" or self.survey_respondents == self.all_respondents:
            return _("Survei %(kind)s: %(campaigns)s — %(n)s responden") % {
                "kind": self.label,
                "campaigns": names,
                "n": self.survey_respondents,
            }
        return _("Survei %(kind)s: %(campaigns)s — %(n)s responden (pengguna layanan dan pengunjung) dari %(all)s") % {
            "kind": self.label,
            "campaigns": names,
            "n": self.survey_respondents,
            "all": self.all_respondents,
        }

    @property
    def source(self) -> str:
        """Where ``value`` comes from, in one line (shown next to the value on every surface)."""
        if self.external:
            return _("Nilai %(kind)s eksternal: %(source)s") % {"kind": self.label, "source": self.external}
        return self.survey_source

    @property
    def differs_from_survey(self) -> bool:
        """An external value that is not what the unit's own survey gives (both shown, with a warning)."""
        return bool(self.external) and self.survey_value is not None and self.survey_value != self.value

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "source": self.source,
            "external": self.external or None,
            "survey_value": self.survey_value,
            "respondents": self.respondents,
            "survey_respondents": self.survey_respondents,
            "all_respondents": self.all_respondents,
            "sample_ok": self.sample_ok,
            "campaigns": [c["id"] for c in self.campaigns],
        }


@dataclass
class UnitIndices:
    """IPAK, IPKP and IKM of one unit in a period (None where there is neither a campaign nor an external value)."""

    unit_id: int
    ipak: SurveyIndex | None = None
    ipkp: SurveyIndex | None = None
    ikm: SurveyIndex | None = None
    respondents: int = 0  # every counted response of the unit's campaigns in the period
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, kind: str) -> SurveyIndex | None:
        return getattr(self, "ikm" if kind in ("ikm", InstrumentKind.SKM) else kind)

    def value(self, kind: str) -> float | None:
        index = self.get(kind)
        return index.value if index is not None else None

    def source(self, kind: str) -> str:
        index = self.get(kind)
        return index.source if index is not None else ""

    def as_dict(self) -> dict[str, Any]:
        """The plain shape the dashboards' rollup, the dossier and monitoring keep."""
        return {
            "ikm": self.value("ikm"),
            "ipak": self.value("ipak"),
            "ipkp": self.value("ipkp"),
            "respondents": self.respondents,
            "ipak_source": self.source("ipak"),
            "ipkp_source": self.source("ipkp"),
            "ikm_source": self.source("ikm"),
        }


def survey_indices_many(unit_ids: Sequence[int], period: Any) -> dict[int, UnitIndices]:
    """IPAK, IPKP and IKM of many units in ``period``: external values first, else the unit's campaigns' rollups.

    Five queries whatever the number of units (external values, campaign–instrument links, item rollups,
    respondent rollups, response counts); the arithmetic is :mod:`zi.surveys.indices` on sufficient statistics.
    Callers batch very long id lists (the dashboards' rollup uses batches of 2,000)."""
    unit_ids = list(dict.fromkeys(int(u) for u in unit_ids))
    result = {uid: UnitIndices(uid) for uid in unit_ids}
    if period is None or not unit_ids:
        return result
    externals = {
        (row.unit_id, row.kind): row
        for row in ExternalIndex.objects.filter(unit_id__in=unit_ids, period=period, kind__in=LKE_KINDS)
    }
    links = Campaign.instruments.through.objects.filter(
        campaign__unit_id__in=unit_ids, campaign__period=period
    ).values_list(
        "campaign__unit_id",
        "campaign_id",
        "campaign__title",
        "campaign__opens_at",
        "campaign__population_size",
        "instrument__kind",
        "instrument__code",
        "instrument__version",
        "instrument__index_mapping",
    )
    campaigns: dict[tuple[int, str], dict[int, tuple[Any, str, int]]] = defaultdict(dict)
    mappings: dict[tuple[int, str], list[tuple[str, str, str]]] = defaultdict(list)
    for unit_id, campaign_id, title, opens_at, population, kind, code, version, mapping in links:
        key = (unit_id, "ikm" if kind == InstrumentKind.SKM else kind)
        campaigns[key][campaign_id] = (opens_at, title, population or 0)
        mappings[key].append((code, version, mapping))
    item_stats: dict[tuple[int, str], dict[Any, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    moments: dict[tuple[int, str], indices.MomentStats] = defaultdict(indices.MomentStats)
    per_campaign: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if campaigns:
        items = (
            ItemRollup.objects.filter(
                campaign__unit_id__in=unit_ids,
                campaign__period=period,
                item__scale=ItemScale.LIKERT4,
                item__instrument__kind__in=(*LKE_KINDS, InstrumentKind.SKM),
            )
            .values("campaign__unit_id", "item_id", "item__code", "item__instrument__kind", "group")
            .annotate(n=Sum("n"), s=Sum("s"))
        )
        for row in items:
            kind = row["item__instrument__kind"]
            if kind == InstrumentKind.SKM:  # IKM: every group, elements by code across instruments
                acc = item_stats[(row["campaign__unit_id"], "ikm")][row["item__code"]]
            elif row["group"] in EXTERNAL_GROUPS:
                acc = item_stats[(row["campaign__unit_id"], kind)][row["item_id"]]
            else:
                continue
            acc[0] += row["n"]
            acc[1] += row["s"]
        moments_rows = (
            RespondentRollup.objects.filter(
                campaign__unit_id__in=unit_ids,
                campaign__period=period,
                instrument__kind__in=(*LKE_KINDS, InstrumentKind.SKM),
            )
            .values("campaign__unit_id", "campaign_id", "instrument__kind", "group")
            .annotate(n=Sum("n"), s=Sum("s"), ss=Sum("ss"))
        )
        for moments_row in moments_rows:
            kind = moments_row["instrument__kind"]
            if kind == InstrumentKind.SKM:
                key = (moments_row["campaign__unit_id"], "ikm")
            elif moments_row["group"] in EXTERNAL_GROUPS:
                key = (moments_row["campaign__unit_id"], kind)
            else:
                continue
            moments[key] = moments[key] + indices.MomentStats(moments_row["n"], moments_row["s"], moments_row["ss"])
            per_campaign[key][moments_row["campaign_id"]] += moments_row["n"]
        for uid, n in (
            Response.objects.filter(campaign__unit_id__in=unit_ids, campaign__period=period, excluded=False)
            .values_list("campaign__unit_id")
            .annotate(n=Count("pk"))
        ):
            result[uid].respondents = n
    for uid in unit_ids:
        entry = result[uid]
        for kind in KINDS:
            own = _from_campaigns(
                kind,
                campaigns.get((uid, kind)),
                mappings.get((uid, kind), []),
                item_stats.get((uid, kind), {}),
                moments.get((uid, kind), indices.MomentStats()),
                per_campaign.get((uid, kind), {}),
                entry.respondents,
            )
            external = externals.get((uid, kind))
            if external is not None:
                own_value = own.value if own is not None else None
                setattr(
                    entry,
                    kind,
                    SurveyIndex(
                        kind=kind,
                        value=float(external.value),
                        respondents=external.respondents or 0,
                        required=0,
                        sample_ok=True,
                        ci95=(None, None),
                        campaigns=own.campaigns if own is not None else (),
                        groups=own.groups if own is not None else (),
                        external=external.source,
                        survey_value=own_value,
                        survey_respondents=own.survey_respondents if own is not None else 0,
                        all_respondents=entry.respondents,
                    ),
                )
            else:
                setattr(entry, kind, own)
    return result


def _from_campaigns(
    kind: str,
    found: dict[int, tuple[Any, str, int]] | None,
    mapping_rows: list[tuple[str, str, str]],
    stats: dict[Any, list[int]],
    moment: indices.MomentStats,
    by_campaign: dict[int, int],
    all_respondents: int,
) -> SurveyIndex | None:
    if not found:
        return None
    ordered = sorted(found.items(), key=lambda item: (item[1][0], item[0]))
    listed = tuple({"id": pk, "title": title, "respondents": by_campaign.get(pk, 0)} for pk, (_o, title, _p) in ordered)
    if kind == "ikm":
        elements = {code: indices.ElementStat(code, v[0], v[1]) for code, v in stats.items() if v[0]}
        ikm = indices.ikm_from_stats(elements, moment.n)
        value = float(ikm.ikm) if ikm.ikm is not None else None
        required = indices.required_sample(InstrumentKind.SKM, sum(p for _o, _t, p in found.values()) or None)
        return SurveyIndex(
            kind=kind,
            value=value,
            respondents=moment.n,
            required=required,
            sample_ok=moment.n >= required,
            ci95=(None, None),
            campaigns=listed,
            groups=(),
            survey_value=value,
            survey_respondents=moment.n,
            all_respondents=all_respondents,
        )
    populations = [p for _o, _t, p in found.values() if p]
    result = indices.perception_index(
        kind,
        {code: (v[0], v[1]) for code, v in stats.items()},
        moment,
        mapping=sorted(mapping_rows)[0][2],
        population=sum(populations) if populations else None,
    )
    value = float(result.value) if result.value is not None else None
    return SurveyIndex(
        kind=kind,
        value=value,
        respondents=result.respondents,
        required=result.required,
        sample_ok=result.sample_ok,
        ci95=(
            float(result.ci_low) if result.ci_low is not None else None,
            float(result.ci_high) if result.ci_high is not None else None,
        ),
        campaigns=listed,
        groups=tuple(str(g) for g in EXTERNAL_GROUPS),
        survey_value=value,
        survey_respondents=result.respondents,
        all_respondents=all_respondents,
    )


def survey_indices_for(unit: Any, period: Any) -> UnitIndices:
    """The same as :func:`survey_indices_many` for one unit (the same queries, so the same numbers)."""
    uid = getattr(unit, "pk", unit)
    return survey_indices_many([uid], period)[uid]


def survey_index_for(unit: Any, period: Any, kind: str) -> SurveyIndex | None:
    """One index (``ipak``, ``ipkp`` or ``ikm``) of one unit: external value first, else its campaigns."""
    if kind not in KINDS:
        raise ValueError("kind must be 'ipak', 'ipkp' or 'ikm'")
    return survey_indices_for(unit, period).get(kind)


def survey_index_dicts(unit_ids: Sequence[int], period: Any) -> dict[int, dict[str, Any]]:
    """:func:`survey_indices_many` in the plain shape (:meth:`UnitIndices.as_dict`) the dashboards' rollup, the
    dossier and monitoring keep."""
    found = survey_indices_many(unit_ids, period)
    return {uid: found[uid].as_dict() for uid in unit_ids}
