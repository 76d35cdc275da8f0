"""Domain services speak Django (``ValidationError``, ``PermissionDenied``); the API answers 400 / 403.

A dependency failure (database connection lost, file storage down) answers 503 with ``Retry-After`` and the
same JSON shape, never a stack trace (see :mod:`zi.api.errors` for pages).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from zi.api.errors import RETRY_AFTER_SECONDS, unavailable_message

logger = logging.getLogger("zi.api")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    message = unavailable_message(exc)
    if message is not None:
        request = context.get("request")
        logger.error("dependency unavailable during %s", getattr(request, "path", "?"), exc_info=exc)
        set_rollback()
        return Response(
            {"detail": message, "code": "unavailable"}, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    return drf_exception_handler(exc, context)
