"""OpenAPI post-processing: every API operation documents its error answers (400, 401, 403, 404)."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": '`{"detail": "…"}` or, for invalid input, `{"field": ["message", …]}`.',
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input (body or query parameter); nothing was stored.",
    "401": "No or invalid credentials.",
    "403": "Signed in, but this role may not do this here.",
    "404": "Not found, or outside the caller's scope.",
    "503": "The database or the file storage is unavailable for a moment; nothing was stored. Retry later.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
