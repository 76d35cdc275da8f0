"""What a page says after a button's write: a service's refusal (``ValidationError``) as one error message, else a
success message. Pages that show a form again with its errors keep their own form page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

_T = TypeVar("_T")


def refusal(exc: Exception) -> str:
    """A service's refusal as one line: a ``ValidationError``'s messages joined, another refusal's text."""
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc)


def attempt(
    request: HttpRequest,
    write: Callable[[], _T],
    done: Any = None,
    *,
    refused: type[Exception] | tuple[type[Exception], ...] = ValidationError,
) -> bool:
    """Run ``write`` (a service); its refusal (``refused``: ``ValidationError``, or an app's own refusal such as
    ``SurveyError``) becomes an error message, else ``done`` (a text, lazy or not, or a function of the service's
    result; None: nothing to say) a success message. True when the service ran."""
    try:
        result = write()
    except refused as exc:
        messages.error(request, refusal(exc))
        return False
    if done is not None:
        messages.success(request, done(result) if callable(done) else done)
    return True
