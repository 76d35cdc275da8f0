"""OpenAPI post-processing: every API operation documents every error status it can answer.

All operations: 400 (a query parameter or body outside the schema), 401, 403, 404 (also a malformed path id), 503.
Operations that write (POST): 409 (the service refuses a schema-valid request, or a stale version) and 415 (a
body in a media type the operation does not take). The API has no rate limit, so no 429; other methods than the
documented ones answer 405 (JSON, with ``Allow``)."""

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
WRITE_ERRORS = {
    "409": 'Refused in the current state: `{"detail", "code": "refused", "errors"}` (see the operation); nothing '
    "was stored.",
    "415": "The request body's media type is not one this operation takes.",
}


# Strings the API takes cannot hold NUL (Django refuses it): the schema says so, so generated input keeps to it.
NO_NUL = "^[^\\x00]*$"
# Request bodies whose fields depend on each other: ``oneOf`` states it (the serializer checks the same).
ONE_OF = {"EvidenceInputRequest": [{"required": ["file"]}, {"required": ["url"]}]}


def _no_nul(schema: dict) -> None:
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = NO_NUL
    if schema.get("type") == "string" and schema.get("format") == "binary":
        schema["minLength"] = 1  # an empty file is refused (and Django's multipart parser drops an empty file part)


def tighten_inputs(result, generator, request, public):
    """Input schemas say everything the API checks: no NUL in strings, dependent fields with ``oneOf``."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request"):
            for prop in component.get("properties", {}).values():
                _no_nul(prop)
        if name in ONE_OF:
            component["oneOf"] = ONE_OF[name]
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in ("query", "header"):
                    _no_nul(parameter.get("schema", {}))
    return result


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = {**ERRORS, **WRITE_ERRORS} if method.lower() in ("post", "put", "patch", "delete") else ERRORS
            for code, description in errors.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
