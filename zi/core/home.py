"""The home page: an inbox of what waits for this person, contributed by higher apps (the core may not import
them: docs/architecture.md layers), plus the older HTML panels.

An app registers an inbox provider ``provider(user) -> Iterable[InboxItem]`` in its ``AppConfig.ready`` (workflow:
returned LKEs, submissions to review, TPI lanes, units without a TPI team, proposals, pact signatures; programme:
overdue complaints; surveys: campaigns short of respondents). Each provider cuts its rows with
:mod:`zi.organisations.access` itself and keeps a fixed number of queries (``select_related``), so the inbox costs the
same whatever the data. :func:`inbox` runs them once per request, oldest deadline first; :func:`inbox_count` is the
badge on the "Beranda" link of every page, read from a short per-person cache so other pages pay no query for it
(the home page itself always computes afresh and refreshes the badge).

Panels (``panel(request) -> str | None``) remain for apps that want a block of their own on the home page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from zi.core.actors import ActingUser, Actor
from zi.core.deadlines import DeadlineStatus, deadline_status

Panel = Callable[[HttpRequest], str | None]
_PANELS: list[Panel] = []

# At most this many items per provider (the oldest deadlines first where the provider can order in SQL): a national
# viewer's inbox stays one page; the badge shows "99+" beyond BADGE_MAX.
PROVIDER_LIMIT = 100
BADGE_MAX = 99
# How long another page may show an older count on the badge (the home page refreshes it at once).
BADGE_SECONDS = 60


def register_panel(panel: Panel) -> Panel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def panels(request: HttpRequest) -> list[str]:
    return [html for panel in _PANELS if (html := panel(request))]


# --- the inbox ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for the person: what (``kind``, its label), on which unit, why, where to act, by when.

    ``key`` names the object the item is about ("journey:12"): an item marked ``watch`` (only to follow, e.g. a late
    stage a leader oversees) is dropped when an item to act on has the same key, so nobody sees one unit twice."""

    kind: str
    kind_label: str
    title: str
    unit: str
    url: str
    due: dt.date | dt.datetime | None = None
    reason: str = ""
    key: str = ""
    watch: bool = False

    @property
    def deadline(self) -> DeadlineStatus | None:
        """Days left or overdue (:func:`zi.core.deadlines.deadline_status`, the one rule for that fact)."""
        return deadline_status(self.due)

    @property
    def due_day(self) -> dt.date | None:
        status = self.deadline
        return status.day if status else None


InboxProvider = Callable[[Any], Iterable[InboxItem]]
_PROVIDERS: list[InboxProvider] = []


def register_inbox(provider: InboxProvider) -> InboxProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def inbox_items(user: Actor) -> list[InboxItem]:
    """Every provider's items for ``user``: oldest deadline first (overdue at the top, no deadline last), then by
    kind and unit; watch items that duplicate an item to act on are left out."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    items: list[InboxItem] = []
    for provider in _PROVIDERS:
        items.extend(list(provider(user))[:PROVIDER_LIMIT])
    acted = {item.key for item in items if item.key and not item.watch}
    items = [item for item in items if not (item.watch and item.key in acted)]
    return sorted(items, key=lambda i: (i.due_day or dt.date.max, i.watch, i.kind, i.unit, i.title))


def _badge_key(user: ActingUser) -> str:
    # date_joined tells apart people who reuse a primary key (a deleted account, a test database rolled back)
    joined = getattr(user, "date_joined", None)
    return f"zi:inbox-count:{user.pk}:{joined.timestamp() if joined else ''}"


def inbox(request: HttpRequest) -> list[InboxItem]:
    """The request's inbox, computed once per request; refreshes the person's badge count."""
    cached = getattr(request, "_zi_inbox", None)
    if cached is None:
        cached = inbox_items(request.user)
        request._zi_inbox = cached  # type: ignore[attr-defined]
        if getattr(request.user, "pk", None):
            cache.set(_badge_key(request.user), len(cached), BADGE_SECONDS)
    return cached


def inbox_count(request: HttpRequest) -> int:
    """The number on the "Beranda" badge: this request's inbox when already computed, else the cached count (at
    most ``BADGE_SECONDS`` old), else computed now."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_zi_inbox", None)
    if cached is not None:
        return len(cached)
    count = cache.get(_badge_key(user))
    if count is None:
        count = len(inbox(request))
    return count


def badge_text(count: int) -> str:
    return f"{BADGE_MAX}+" if count > BADGE_MAX else str(count)
