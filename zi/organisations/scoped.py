"""A model's place in the unit tree, declared once, and the one way a view loads a scoped object.

A model says where it hangs in the tree with one class attribute, ``unit_field`` (the lookup to its unit:
``"unit"``, ``"assessment__unit"``, ``"lane_return__journey__unit"``). :class:`ScopedModel` derives from it

- ``scope_unit()`` — the unit itself (what :func:`zi.organisations.access.may` checks),
- ``audit_scope_path()`` — the unit's path, stored on each audit event so the audit list can be scoped,
- ``Model.objects.restrict(user, action)`` — the same rule as a queryset filter (like NetBox's RestrictedQuerySet).

:func:`get_scoped_or_404` is the one load-or-404/403 helper of every views module: out of scope answers 404 (the
object does not exist for this person), a page the role may not use answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from zi.core.actors import Actor
from zi.organisations.access import Action, may, restrict, unit_of
from zi.organisations.models import Unit

M = TypeVar("M", bound=models.Model)

# What a loaded object must allow: an action checked with :func:`may`, or a domain rule (state, team, …).
Check = Action | str | Callable[[Any, Any], bool]


class ScopedQuerySet(QuerySet):
    def restrict(self, user: Actor, action: Action | str) -> QuerySet:
        """The rows on which ``user`` may do ``action``, placed by the model's ``unit_field``."""
        return restrict(self, user, action)


class ScopedModel(models.Model):
    """Abstract base: declare ``unit_field``; ``scope_unit()``, ``audit_scope_path()`` and ``restrict`` follow."""

    unit_field: ClassVar[str] = "unit"

    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        abstract = True

    def scope_unit(self) -> Unit | None:
        return unit_of(self)

    def audit_scope_path(self) -> str:
        unit = self.scope_unit()
        return unit.path if unit is not None else ""


def _placed_in_tree(model: type[models.Model]) -> bool:
    return issubclass(model, Unit) or isinstance(getattr(model, "unit_field", None), str)


def _allows(user: Actor, check: Check, obj: Any) -> bool:
    return check(user, obj) if callable(check) else may(user, check, obj)


def get_scoped_or_404(
    queryset_or_model: QuerySet[M] | type[M],
    user: Actor,
    action: Check | None = None,
    *,
    see: Check | None = None,
    page: Action | str | None = None,
    **lookup: Any,
) -> M:
    """The one object matching ``lookup`` that ``user`` may reach, in three steps, each optional but the load:

    1. ``page``: 403 when the user holds this action nowhere (the page is not for their role at all);
    2. the object from ``queryset_or_model`` (a model, or the caller's queryset: a selector's visible rows), 404 when
       it is absent or when ``see`` (an action or a rule) does not allow it — for a model placed in the tree
       (``unit_field``, or :class:`Unit`) an action ``see`` is applied as the queryset filter :func:`restrict`;
    3. ``action`` (an action or a rule such as ``lhe.may_work``): 403 when it does not allow the loaded object.
    """
    if page is not None and not may(user, page):
        raise PermissionDenied
    queryset = (
        queryset_or_model if isinstance(queryset_or_model, QuerySet) else queryset_or_model._default_manager.all()
    )
    if see is not None and not callable(see) and _placed_in_tree(queryset.model):
        queryset, see = restrict(queryset, user, see), None  # the same rule as a filter: one query, no extra reads
    obj = queryset.filter(**lookup).first()
    if obj is None or (see is not None and not _allows(user, see, obj)):
        raise Http404
    if action is not None and not _allows(user, action, obj):
        raise PermissionDenied
    return obj
