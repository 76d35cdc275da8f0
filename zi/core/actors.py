"""Who performs a service call: the ``actor`` argument of every service (docs/architecture.md "Type checking").

- a user (``request.user`` behind ``login_required``, or a user loaded by a command): permissions are checked
  against it and :func:`zi.core.audit.record` stores its id and username;
- an anonymous user (a public form): ``zi.organisations.access.may`` grants it nothing; audited as ``system``;
- a stand-in with a user's flags and no row (``zi.demo.workflow.SystemActor``: the seeding process acting as a
  superuser), audited under its username and no user id;
- a string: a system process that needs no permission, audited under that label (``"seed_demo"``, ``"public"``,
  ``"oidc"``, ``"cli"``, ``"insights-periodic"`` …);
- ``None``: the system, audited as ``system`` (management commands, scheduled tasks).

A service reads no more than :class:`ActingUser` declares: permissions go through ``zi.organisations.access.may``
(which refuses anything but an active, authenticated actor), and a column that stores "who" (``created_by``,
``updated_by`` …) takes ``zi.accounts.actors.actor_user(actor)``: the user, or None for everything else.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias


class ActingUser(Protocol):
    """What permission checks and the audit read from an actor: ``User``, ``AnonymousUser`` and stand-ins have it."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def username(self) -> str: ...


Actor: TypeAlias = ActingUser | str | None


def acting_person(actor: Actor) -> ActingUser | None:
    """The actor when it is an active, logged-in person (or a stand-in with a person's flags); None for the public,
    a process (a string) and the system: the one test of "may this actor hold a permission at all"."""
    if actor is None or isinstance(actor, str) or not actor.is_authenticated or not actor.is_active:
        return None
    return actor


def actor_label(actor: Actor) -> str:
    """Who the record names as having acted: a process under its name, a user or a signed-in stand-in under its
    username, an anonymous visitor and the system (None) as "system"."""
    if isinstance(actor, str):
        return actor
    return (actor.username if actor is not None else "") or "system"
