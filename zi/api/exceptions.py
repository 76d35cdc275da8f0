"""Domain services speak Django (``ValidationError``, ``PermissionDenied``); the API answers 409 / 403.

400 means the request does not match the OpenAPI schema (the serializers and filters check that). A request that
does match it but that the service refuses (a question the assessment's template does not have, a value that
question does not take, a closed assessment, a journey move a guard refuses) is a conflict with the current state
of the resource: **409** ``{"detail": "…", "code": "refused", "errors": {"field": ["message", …]}}``.

A dependency failure (database connection lost, file storage down) answers 503 with ``Retry-After`` and the
same JSON shape, never a stack trace (see :mod:`zi.api.errors` for pages).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from zi.api.errors import RETRY_AFTER_SECONDS, unavailable_message
from zi.core.retry import note_dropped_connection

logger = logging.getLogger("zi.api")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        messages = [str(message) for values in errors.values() for message in values]
        set_rollback()
        return Response({"detail": " ".join(messages), "code": "refused", "errors": errors}, status=409)
    message = unavailable_message(exc)
    if message is not None:
        request = context.get("request")
        logger.error("dependency unavailable during %s", getattr(request, "path", "?"), exc_info=exc)
        note_dropped_connection(request, exc)  # a read that met a dropped connection is answered again
        set_rollback()
        return Response(
            {"detail": message, "code": "unavailable"}, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    return drf_exception_handler(exc, context)
