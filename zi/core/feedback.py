"""What a page says after a write: a service's refusal (``ValidationError``) as one error message, else a success
message (:func:`attempt`, for buttons); or, on a form page, the refusal as the form's errors and the page shown again
(:func:`form_attempt`, :func:`form_page`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

_T = TypeVar("_T")


def refusal(exc: Exception) -> str:
    """A service's refusal as one line: a ``ValidationError``'s messages joined, another refusal's text."""
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc)


def attempt_result(
    request: HttpRequest,
    write: Callable[[], _T],
    done: Any = None,
    *,
    refused: type[Exception] | tuple[type[Exception], ...] = ValidationError,
) -> tuple[bool, _T | None]:
    """Run ``write`` (a service); its refusal (``refused``: ``ValidationError``, or an app's own refusal such as
    ``SurveyError``) becomes an error message, else ``done`` (a text, lazy or not, or a function of the service's
    result; None: nothing to say) a success message. ``(True, result)`` when the service ran, else ``(False, None)``."""
    try:
        result = write()
    except refused as exc:
        messages.error(request, refusal(exc))
        return False, None
    if done is not None:
        messages.success(request, done(result) if callable(done) else done)
    return True, result


def attempt(
    request: HttpRequest,
    write: Callable[[], _T],
    done: Any = None,
    *,
    refused: type[Exception] | tuple[type[Exception], ...] = ValidationError,
) -> bool:
    """:func:`attempt_result` for a button that only needs to know whether the service ran."""
    return attempt_result(request, write, done, refused=refused)[0]


def form_attempt(form: Any, write: Callable[[], _T]) -> _T | None:
    """Run ``write`` (a service); its ``ValidationError`` becomes the form's errors (None when it was refused)."""
    try:
        return write()
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    write: Callable[[dict[str, Any]], Any],
    done: Any,
    next_url: Callable[[Any], str],
    template: str,
    **context: Any,
) -> HttpResponse:
    """The one shape of a create or edit page: a valid POST runs ``write(cleaned_data)`` (a service, whose
    ValidationError becomes a form error), then the ``done`` message and a redirect to ``next_url(result)``;
    otherwise ``template`` with the form and its errors."""
    if request.method == "POST" and form.is_valid():
        result = form_attempt(form, lambda: write(form.cleaned_data))
        if result is not None:
            messages.success(request, done)
            return redirect(next_url(result))
    return render(request, template, {"form": form, **context})
