"""Build the fake's plain HTTP responses: JSON bodies and server-style errors.

The server answers errors as ``{"detail": ...}`` JSON and unexpected
failures as a bare ``Internal Server Error`` text; the SDK relies on both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug import Response

from remote_graphs.testing.wire import json_dumps

__all__ = ["error_response", "internal_error_response", "json_response"]


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Return ``body`` encoded like the server (orjson, compact)."""
    return Response(
        json_dumps(body),
        status=status,
        headers=dict(headers or {}),
        content_type="application/json",
    )


def error_response(status: int, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    """Return the server's ``{"detail": ...}`` error."""
    return json_response({"detail": detail}, status, headers)


def internal_error_response() -> Response:
    """Return what the server sends when a handler raises unexpectedly."""
    return Response("Internal Server Error", status=500, content_type="text/plain; charset=utf-8")
