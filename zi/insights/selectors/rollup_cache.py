"""The dashboard cache: the rollup version every cached dashboard's key holds (a refresh makes them all stale at
once) and the key itself."""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.utils.translation import get_language

from zi.assessments.models import Period
from zi.core.actors import Actor
from zi.organisations.access import Action, scope_filter
from zi.organisations.models import Unit

ROLLUP_VERSION_KEY = "zi:insights:rollup-version"


def rollup_version() -> str:
    """A token that changes whenever a rollup refresh finishes (:func:`bump_rollup_version`): part of every cached
    dashboard's key, so a refresh makes all cached dashboards stale at once."""
    version = cache.get(ROLLUP_VERSION_KEY)
    if version is None:
        cache.add(ROLLUP_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(ROLLUP_VERSION_KEY) or "none"
    return str(version)


def bump_rollup_version() -> None:
    cache.set(ROLLUP_VERSION_KEY, uuid.uuid4().hex, None)


def _cache_key(user: Actor, period: Period, node: Unit | None) -> str:
    """Same rows visible (the scope filter of the user's dashboard grants), period, node, language, rollup."""
    scope = str(scope_filter(user, Action.DASHBOARD_VIEW, ""))
    raw = f"{rollup_version()}|{scope}|{period.pk}|{node.pk if node else ''}|{get_language()}"
    return "zi:insights:dash:" + hashlib.sha256(raw.encode()).hexdigest()
