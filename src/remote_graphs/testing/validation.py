"""Check request ids and bodies the way the server does, with its messages.

The SDK maps the server's status codes to typed exceptions and tests assert on
the messages, so a malformed id or body must fail here exactly as it fails on
the real server (422 with the JSON-schema style text, or 400 on some routes).
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from werkzeug import Request

from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.wire import json_dumps, json_loads

__all__ = ["STREAM_MODES", "json_body", "lenient_json_body", "parse_uuid", "run_body"]

STREAM_MODES: Final = frozenset(
    {
        "values",
        "messages",
        "messages-tuple",
        "updates",
        "events",
        "debug",
        "custom",
        "tasks",
        "checkpoints",
    }
)
"""The ``stream_mode`` values a run body may use."""

_INVALID_JSON: Final = "Invalid JSON in request body"


def parse_uuid(value: Any, status: int, detail: str | None = None) -> str:
    """Return ``value`` as a canonical UUID string or raise ``ApiError(status)``."""
    try:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    except ValueError as exc:
        raise ApiError(status, detail or str(exc)) from None


def json_body(
    request: Request, *, required: bool = True, schema: str = "RunCreateStateful"
) -> dict[str, Any]:
    """Return the request's JSON object body.

    Args:
        request: The incoming request.
        required: Whether an empty body is an error (else it reads as ``{}``).
        schema: The server's schema name, quoted in the "not an object" error.

    Raises:
        ApiError: 422 when the body is missing, not JSON or not an object.
    """
    raw = request.get_data()
    if not raw:
        if required:
            raise ApiError(422, _INVALID_JSON)
        return {}
    try:
        body = json_loads(raw)
    except ValueError:
        raise ApiError(422, _INVALID_JSON) from None
    if not isinstance(body, dict):
        raise ApiError(
            422,
            f'{json_dumps(body).decode()} is not of type "object"\n\n'
            f'Failed validating "type" in schema["components"]["schemas"]["{schema}"]',
        )
    return body


def run_body(request: Request, *, stateless: bool) -> dict[str, Any]:
    """Return a run-creation body after the server's schema checks.

    Raises:
        ApiError: 422 for a bad body, a missing ``assistant_id`` or an unknown
            ``stream_mode``.
    """
    schema = "RunCreateStateless" if stateless else "RunCreateStateful"
    body = json_body(request, schema=schema)
    if "assistant_id" not in body:
        raise ApiError(
            422,
            '"assistant_id" is a required property\n\nFailed validating "required" in '
            f'schema["components"]["schemas"]["{schema}"]',
        )
    mode = body.get("stream_mode")
    if mode is not None:
        modes = [mode] if isinstance(mode, str) else mode
        if not isinstance(modes, list) or any(m not in STREAM_MODES for m in modes):
            raise ApiError(
                422,
                f"{json_dumps(mode).decode()} is not valid under any of the schemas listed "
                f"in the 'anyOf' keyword\n\nFailed validating \"anyOf\" in "
                f'schema["components"]["schemas"]["{schema}"]["properties"]["stream_mode"]',
            )
    return body


def lenient_json_body(request: Request) -> dict[str, Any]:
    """Return the JSON object body, or ``{}`` when there is none or it is not valid."""
    try:
        body = json_loads(request.get_data() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
