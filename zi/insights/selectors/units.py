"""The unit list behind every number, the node a user may open and the holders at risk."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zi.assessments.models import AssessmentStatus, Period
from zi.core.actors import Actor
from zi.insights.models import UnitPeriodRollup
from zi.insights.rules import ORDER, TITLES
from zi.insights.selectors.common import STAGE_FILTERS, Cell, Table, scoped
from zi.insights.selectors.rollup_cache import rollup_version
from zi.organisations.access import Action, scope_filter
from zi.organisations.models import Unit
from zi.organisations.tree import grouped_by_node
from zi.workflow.models import State
from zi.workflow.monitoring import holders_at_risk


def unit_rows(
    *, user: Actor, period: Period, node: Unit | None = None, f: str = "all", params: dict[str, Any] | None = None
) -> QuerySet[UnitPeriodRollup]:
    params = params or {}
    qs = scoped(user, period, node).select_related("unit", "unit_type")
    if f in ("building", "not_building") or params.get("jenis"):
        qs = qs.filter(builds_zi=True)
    if f == "building":
        qs = qs.filter(participates=True)
    elif f == "not_building":
        qs = qs.filter(participates=False)
    elif f == "submitted":
        qs = qs.filter(participates=True).exclude(status=AssessmentStatus.DRAFT)
    elif f == "wbk":
        qs = qs.filter(eligible_wbk=True)
    elif f == "wbbm":
        qs = qs.filter(eligible_wbbm=True)
    elif f == "warnings":
        qs = qs.filter(warning_count__gt=0)
    elif f == "pred_wbk":
        qs = qs.filter(predicate="WBK")
    elif f == "pred_wbbm":
        qs = qs.filter(predicate="WBBM")
    elif f == "predicate":
        qs = qs.exclude(predicate="")
    elif f in STAGE_FILTERS:
        qs = qs.filter(stage_rank__gte=int(f.removeprefix("stage")))
    if params.get("jenis"):
        try:
            qs = qs.filter(unit_type_id=int(params["jenis"]))
        except (TypeError, ValueError):
            qs = qs.none()
    if params.get("status"):
        qs = qs.filter(status=params["status"], participates=True)
    if params.get("q"):
        qs = qs.filter(unit__name__icontains=params["q"])
    rows = qs.order_by("path")
    pattern = params.get("pola")
    if pattern in ORDER:
        # JSON containment differs per database; filter the (already narrowed) rows by code in Python is avoided
        # by matching the serialised list text, which both SQLite and PostgreSQL store as JSON.
        rows = rows.filter(warnings__icontains=f'"{pattern}"')
    return rows


UNIT_HEADERS = (
    gettext_lazy("Unit"),
    gettext_lazy("Jenis unit"),
    gettext_lazy("Status LKE"),
    gettext_lazy("Nilai"),
    gettext_lazy("Layak WBK"),
    gettext_lazy("Layak WBBM"),
    gettext_lazy("IKM"),
    gettext_lazy("IPAK"),
    gettext_lazy("IPKP"),
    gettext_lazy("Pengaduan"),
    gettext_lazy("Peringatan"),
    gettext_lazy("Tahap"),
    gettext_lazy("Predikat"),
)


def unit_table(rows: Any, period: Period) -> Table:
    status_labels = dict(AssessmentStatus.choices)
    stage_labels = dict(State.choices)
    table = Table("unit", _("Daftar unit"), [str(h) for h in UNIT_HEADERS])
    for r in rows:
        table.rows.append(
            [
                Cell(r.unit.name, reverse("insights:unit_page", args=[r.unit_id]) + f"?periode={period.year}"),
                Cell(r.unit_type.name),
                Cell(
                    str(status_labels.get(r.status, _("Belum membangun"))) if r.participates else _("Belum membangun")
                ),
                Cell(r.total),
                Cell(_("Ya") if r.eligible_wbk else _("Tidak")),
                Cell(_("Ya") if r.eligible_wbbm else _("Tidak")),
                Cell(r.ikm),
                Cell(r.ipak),
                Cell(r.ipkp),
                Cell(r.complaints),
                Cell(", ".join(str(TITLES[c]) for c in r.warnings if c in TITLES)),
                Cell(str(stage_labels.get(r.stage, "")) if r.stage else ""),
                Cell(r.predicate),
            ]
        )
    return table


def at_risk_rows(user: Actor, period: Period, node: Unit | None) -> list[dict[str, Any]]:
    """The post-predicate "holders at risk" of the dashboard (``insights/partials/at_risk.html``) as plain data,
    cached like the dashboard (``ZI_INSIGHTS_CACHE_SECONDS``): a monitoring record, complaint or survey refreshes the
    rollup, which changes the key; what only time changes (a report falling overdue) shows the next day at the latest
    (the key holds the date) or when the cache expires."""
    timeout = int(getattr(settings, "ZI_INSIGHTS_CACHE_SECONDS", 600))
    scope = f"{scope_filter(user, Action.DASHBOARD_VIEW, '')}|{scope_filter(user, Action.TPI_SCORE, '')}"
    raw = f"{rollup_version()}|{scope}|{period.pk}|{node.pk if node else ''}|{get_language()}|{timezone.localdate()}"
    key = "zi:insights:at-risk:" + hashlib.sha256(raw.encode()).hexdigest()
    rows = cache.get(key) if timeout > 0 else None
    if rows is None:
        rows = [
            {
                "award": {"pk": r.award.pk, "year": r.award.year},
                "unit": {"name": r.unit.name},
                "predicate": r.predicate,
                "reasons": [{"code": reason.code, "text": reason.text} for reason in r.reasons],
            }
            for r in holders_at_risk(user, period, under=node)
        ]
        if timeout > 0:
            cache.set(key, rows, timeout)
    return rows


def tree_counts(units: Sequence[Unit]) -> list[tuple[Any, dict[int, int]]]:
    """For the unit tree (:mod:`zi.organisations.tree`): per node's subtree, in the latest period's rollup, the units
    building ZI (a self-assessment in the period) and the units holding a predicate — one query per level, plus
    the latest period."""
    period = Period.objects.filter(pk__in=UnitPeriodRollup.objects.values("period_id")).order_by("-year").first()
    if period is None or not units:
        return []
    rows = grouped_by_node(
        UnitPeriodRollup.objects.filter(period=period),
        units,
        building=Count("pk", filter=Q(participates=True)),
        predicate=Count("pk", filter=~Q(predicate="")),
    )
    return [
        (_("membangun ZI %(year)s") % {"year": period.year}, {pk: row["building"] for pk, row in rows.items()}),
        (_("berpredikat"), {pk: row["predicate"] for pk, row in rows.items()}),
    ]
