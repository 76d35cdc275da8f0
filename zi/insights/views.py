"""Pages of the insights app. Thin: scope through selectors (``DASHBOARD_VIEW``), render tables, charts, downloads.
403 for people without any dashboard right, 404 for nodes outside their scope."""

from __future__ import annotations

import hashlib
from typing import Any, overload

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zi.assessments.models import Assessment
from zi.assessments.selectors import may_view
from zi.core import downloads
from zi.core.actors import Actor
from zi.insights import exports, reports, selectors, services
from zi.insights import public as public_sel
from zi.insights.facts import warning_facts_many
from zi.insights.models import UnitPeriodRollup
from zi.insights.rules import ORDER, TITLES, evaluate
from zi.insights.unitpage import lke_recap_rows, unit_overview
from zi.organisations.access import Action, may, restrict
from zi.organisations.models import Unit
from zi.organisations.scoped import get_scoped_or_404
from zi.predicates.selectors import holder_summary
from zi.workflow.lanes import visible_lanes

AUTO_REFRESH_MAX_UNITS = 5000
RISK_ROWS = 8  # units with early warnings shown on the dashboard's first screen (the full list is one link away)


def _require_dashboard(request: HttpRequest) -> None:
    if not may(request.user, Action.DASHBOARD_VIEW):
        raise PermissionDenied


def _period(request: HttpRequest):
    period = selectors.period_for(request.GET.get("periode"))
    if period is not None and not UnitPeriodRollup.objects.filter(period=period).exists():
        # First look at a period: build its rollup once when the tree is small (cron refreshes it afterwards).
        if Unit.objects.count() <= AUTO_REFRESH_MAX_UNITS:
            services.rollup_refresh(period=period, actor=request.user)
    return period


@overload
def _node(request: HttpRequest, pk: int) -> Unit: ...
@overload
def _node(request: HttpRequest, pk: Any) -> Unit | None: ...
def _node(request: HttpRequest, pk: Any) -> Unit | None:
    """The dashboard node of the URL (none: the user's whole scope); 404 when unreadable or out of scope."""
    if pk in (None, ""):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_scoped_or_404(
        Unit.objects.select_related("agency", "unit_type"), request.user, see=Action.DASHBOARD_VIEW, pk=pk
    )


def _dashboard_units(user: Actor, node: Unit | None) -> Any:
    units = restrict(Unit.objects.all(), user, Action.DASHBOARD_VIEW)
    return units.filter(path__startswith=node.path) if node is not None else units


def _live(request: HttpRequest) -> dict[str, Any] | None:
    """How the open page polls for a changed rollup (htmx, every ``ZI_INSIGHTS_POLL_SECONDS``; 0 = never): the
    page's own address without the version it was rendered at, which htmx sends back as ``versi``."""
    seconds = int(getattr(settings, "ZI_INSIGHTS_POLL_SECONDS", 10))
    if seconds <= 0:
        return None
    query = request.GET.copy()
    query.pop("versi", None)
    url = request.path + ("?" + query.urlencode() if query else "")
    return {"seconds": seconds, "url": url, "version": selectors.rollup_version()}


def _dashboard_page(request: HttpRequest, node: Unit | None) -> HttpResponse:
    if request.htmx and request.GET.get("versi") == selectors.rollup_version():  # type: ignore[attr-defined]  # django-htmx middleware
        return HttpResponse(status=204)  # a poll while no refresh ran: nothing to swap (htmx leaves the page)
    period = _period(request)
    context: dict[str, Any] = {"node": node, "period": period, "periods": selectors.periods()}
    context["live"] = _live(request)
    if period is not None:
        context["dash"] = selectors.dashboard(user=request.user, period=period, node=node)
        context["dq"] = f"periode={period.year}" + (f"&unit={node.pk}" if node else "")
        context["all_rows"] = request.GET.get("semua") == "1"  # every ranking row, not the first RANKING_ROWS
        context["holders"] = holder_summary(_dashboard_units(request.user, node))
        # who is at risk and why: the first units with early warnings and their patterns (from the rollup, cached)
        context["risks"] = selectors.risk_rows(user=request.user, period=period, node=node, limit=RISK_ROWS)
        context["risks_more"] = max(0, context["dash"].summary["with_warnings"] - RISK_ROWS)
        # holders of a predicate at risk (post-predicate monitoring: index falling, complaints rising, report due)
        context["at_risk"] = selectors.at_risk_rows(request.user, period, node)
        if node is not None:
            context["ancestors"] = [
                u
                for u in Unit.objects.filter(pk__in=node.ancestor_ids).order_by("depth")
                if may(request.user, Action.DASHBOARD_VIEW, u)
            ]
    return render(request, "insights/dashboard.html", context)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    tops = list(selectors.top_units(request.user)[:2])
    if len(tops) == 1 and not may(request.user, Action.DASHBOARD_VIEW, tops[0].agency):
        return redirect(
            reverse("insights:node", args=[tops[0].pk]) + ("?" + request.GET.urlencode() if request.GET else "")
        )
    return _dashboard_page(request, None)


@login_required
def node(request: HttpRequest, pk: int) -> HttpResponse:
    _require_dashboard(request)
    return _dashboard_page(request, _node(request, pk))


def _list_params(request: HttpRequest) -> dict[str, Any]:
    return {key: request.GET.get(key, "") for key in ("jenis", "status", "q", "pola", "urut")}


def _list_scope(request: HttpRequest) -> tuple[Unit | None, Any]:
    """The subtree (``unit``) and period (``periode``) a list, download or report is about; no period: 404."""
    node_ = _node(request, request.GET.get("unit"))
    period = _period(request)
    if period is None:
        raise Http404
    return node_, period


def _list_filter(request: HttpRequest) -> str:
    f = request.GET.get("f", "all")
    return f if f in selectors.LIST_FILTERS else "all"


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    node_, period = _list_scope(request)
    f = _list_filter(request)
    rows = selectors.unit_rows(user=request.user, period=period, node=node_, f=f, params=_list_params(request))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    table = selectors.unit_table(page.object_list, period)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/unit_list.html",
        {"node": node_, "period": period, "page": page, "table": table, "f": f, "query": query.urlencode()},
    )


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    """Units of a subtree with early warnings: for leaders, reviewers and TPI evaluators."""
    _require_dashboard(request)
    node_, period = _list_scope(request)
    rows = selectors.unit_rows(user=request.user, period=period, node=node_, f="warnings", params=_list_params(request))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    items = _warning_items(list(page.object_list), period)
    patterns = [(code, str(TITLES[code])) for code in ORDER]
    return render(
        request,
        "insights/warning_list.html",
        {"node": node_, "period": period, "page": page, "items": items, "patterns": patterns},
    )


def _warning_items(rows: list[Any], period: Any) -> list[tuple[Any, list[tuple[str, str]]]]:
    """Per listed unit its warnings as (title, explanation): the codes come from the rollup (what the list was
    filtered on), the explanations from the current facts of this page's units (a fixed number of queries); a
    warning that no longer fires since the last refresh keeps its title without an explanation."""
    live = {
        uid: {w.code: w.explanation for w in evaluate(facts)}
        for uid, facts in warning_facts_many([r.unit_id for r in rows], period).items()
    }
    return [
        (r, [(str(TITLES[c]), live.get(r.unit_id, {}).get(c, "")) for c in r.warnings if c in TITLES]) for r in rows
    ]


@login_required
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_dashboard(request)
    unit = _node(request, pk)
    period = selectors.period_for(request.GET.get("periode"))
    if period is None:
        raise Http404
    ov = unit_overview(user=request.user, unit=unit, period=period)
    return render(request, "insights/unit_page.html", {"ov": ov, "period": period, "periods": selectors.periods()})


@login_required
def unit_recap_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    _require_dashboard(request)
    unit = _node(request, pk)
    period = selectors.period_for(request.GET.get("periode"))
    assessment = (
        Assessment.objects.filter(unit=unit, period=period).select_related("period").first() if period else None
    )

    if assessment is None or not may_view(request.user, assessment):
        raise Http404
    headers, rows = lke_recap_rows(assessment, visible_lanes(request.user, assessment))
    table = selectors.Table("rekap_lke", _("Rekap LKE"), headers, [[selectors.Cell(v) for v in r] for r in rows])
    period = assessment.period
    return exports.xlsx_response([table], f"rekap-lke-{unit.code}-{period.year}", [f"{unit.name} · {period.name}"])


def _tables_for_download(request: HttpRequest, key: str) -> tuple[list[selectors.Table], str]:
    node_, period = _list_scope(request)
    if key in ("unit", "rekap"):
        f = _list_filter(request) if key == "unit" else "all"
        rows = selectors.unit_rows(user=request.user, period=period, node=node_, f=f, params=_list_params(request))
        return [selectors.unit_table(rows.iterator(chunk_size=2000), period)], f"{key}-{period.year}"
    dash = selectors.dashboard(user=request.user, period=period, node=node_)
    if key == "semua":
        return dash.tables, f"wawasan-{period.year}"
    tables = [t for t in dash.tables if t.key == key]
    if not tables:
        raise Http404
    return tables, f"{key}-{period.year}"


@login_required
def download(request: HttpRequest, key: str, fmt: str) -> HttpResponseBase:
    _require_dashboard(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    tables, name = _tables_for_download(request, key)
    if fmt == "csv":
        return exports.csv_response(tables, name)
    return exports.xlsx_response(tables, name)


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    node_, period = _list_scope(request)
    pdf = reports.report_pdf(user=request.user, period=period, node=node_, request=request)
    return downloads.attachment(pdf, f"laporan-zi-{period.year}.pdf")


def _year(value: str) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _public_data(q: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The public page's data for a search: the official predicates and the latest indices per unit, the same for
    every visitor, cached ``ZI_PUBLIC_CACHE_SECONDS``. Only the data: the page itself is rendered per request,
    because its header (the visitor's own menu) and CSRF token belong to the visitor. (Caching the whole response
    served the first visitor's menu, logged in or not, to everyone for five minutes.)"""
    key = "zi:insights:public:" + hashlib.sha256(q.encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        # one query each; the year filter and the years list come from the predicates
        data = (public_sel.official_predicates(q), public_sel.latest_per_unit(public_sel.public_indices(q)))
        cache.set(key, data, getattr(settings, "ZI_PUBLIC_CACHE_SECONDS", 300))
    return data


def public(request: HttpRequest) -> HttpResponse:
    """No login: official predicates and public-service indices (the data cached, see :func:`_public_data`)."""
    q = request.GET.get("q", "").strip()[:100]
    year = _year(request.GET.get("tahun", "").strip())
    all_predicates, rows = _public_data(q)
    predicates = [p for p in all_predicates if year is None or p["year"] == year]
    held = public_sel.latest_predicate_by_unit(all_predicates)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["predicate"] = held.get((row["unit__name"], row["agency__name"]), "")
    return render(
        request,
        "insights/public.html",
        {
            "q": q,
            "year": year,
            "years": public_sel.predicate_years(all_predicates),
            "predicates": predicates,
            "page": page,
        },
    )


def public_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """No login: one unit's public facts (:func:`zi.insights.public.unit_public_facts`): its predicate history,
    public-service indices, the surveys open to the public and its complaint form. The data is cached per unit like
    the transparency page's (``ZI_PUBLIC_CACHE_SECONDS``); the page is rendered per request (the header is the
    visitor's). An inactive or unknown unit is a 404."""
    key = f"zi:insights:public-unit:{pk}"
    facts = cache.get(key)
    if facts is None:
        facts = public_sel.unit_public_facts(pk)
        if facts is None:
            raise Http404  # not cached: ids that do not exist never fill the cache
        cache.set(key, facts, getattr(settings, "ZI_PUBLIC_CACHE_SECONDS", 300))
    return render(request, "insights/public_unit.html", {"facts": facts})
