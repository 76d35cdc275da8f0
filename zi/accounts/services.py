"""Writes to people (user records) that are not bulk imports: one person at a time, audited.

Bulk imports of staff go through :mod:`zi.organisations.importers`; the demo has its own builder. This is what
``zi create_admin`` uses to make the first login of an instance.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from zi.core import audit
from zi.core.actors import Actor

# What the audit trail keeps of a person (never the password hash).
USER_AUDIT_FIELDS = [
    "username",
    "full_name",
    "nip",
    "email",
    "unit",
    "position",
    "employment_type",
    "is_active",
    "is_staff",
    "is_superuser",
]


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    email: str = "",
    password: str | None = None,
    unit: Any = None,
    position: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> Any:
    """Create one person; with ``password`` (checked by the password validators) they can log in, without it
    the password is unusable (staff who only sign and attend). Raises ``ValidationError`` on bad input."""
    user = get_user_model()(
        username=username.strip(),
        full_name=full_name.strip(),
        email=email.strip(),
        unit=unit,
        position=position.strip(),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    audit.save_and_record(actor, user, USER_AUDIT_FIELDS)
    return user
