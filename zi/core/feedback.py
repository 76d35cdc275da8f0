"""What a page says after a button's write: a service's refusal (``ValidationError``) as one error message, else a
success message. Pages that show a form again with its errors keep their own form page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

_T = TypeVar("_T")


def refusal(exc: ValidationError) -> str:
    """A service's refusal as one line: its messages, joined."""
    return " ".join(str(message) for message in exc.messages)


def attempt(request: HttpRequest, write: Callable[[], _T], done: Any) -> bool:
    """Run ``write`` (a service); its refusal becomes an error message, else ``done`` (a text, lazy or not, or a
    function of the service's result) a success message. True when the service ran."""
    try:
        result = write()
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True
