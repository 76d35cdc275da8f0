"""The user behind an actor (:data:`zi.core.actors.Actor`), for the columns that store who did something."""

from __future__ import annotations

from zi.accounts.models import User
from zi.core.actors import Actor


def actor_user(actor: Actor) -> User | None:
    """``actor`` when it is a signed-in user (a row to point at); None for the system, a process label, an anonymous
    visitor or a stand-in without a row."""
    return actor if isinstance(actor, User) and actor.is_authenticated and actor.pk is not None else None
