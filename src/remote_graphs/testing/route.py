"""Route requests to handlers that take only what they use, with the server's errors.

A handler names what it needs as parameters: path parameters by name,
``body`` (the JSON body, parsed once and checked against the route's request
schema), ``query``, ``headers``, ``request`` (for socket-level faults) and
``faults`` (the stream faults that fired on this request). The router builds
those arguments, so handlers never parse anything themselves. Errors are the
server's ``{"detail": ...}`` JSON; a path that matches only under other
methods gets 405 with an ``allow`` header.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

from werkzeug import Request, Response
from werkzeug.datastructures import MultiDict

from remote_graphs.testing.serde import json_dumps, json_loads
from remote_graphs.testing.validation import ApiError, sanitize, validate

__all__ = [
    "ApiError",
    "ApiRequest",
    "Router",
    "empty_response",
    "error_response",
    "internal_error_response",
    "json_response",
    "with_reason_phrase",
]

_INVALID_JSON: Final = "Invalid JSON in request body"
_UNPARSED: Final = object()
_INJECTED: Final = frozenset({"body", "query", "headers", "request", "faults"})


class ApiRequest:
    """One request: its raw parts and its JSON body, decoded at most once.

    Args:
        request: The werkzeug request.
    """

    def __init__(self, request: Request) -> None:
        self.raw = request
        self.data = request.get_data()
        self.headers = {k.lower(): v for k, v in request.headers.items()}
        self._json: Any = _UNPARSED

    @property
    def method(self) -> str:
        """The upper-case HTTP method."""
        return str(self.raw.method)

    @property
    def path(self) -> str:
        """The URL path, without query string."""
        return str(self.raw.path)

    @property
    def query(self) -> MultiDict[str, str]:
        """The query parameters."""
        return self.raw.args

    def json_or_none(self) -> Any:
        """Return the decoded body, or None when it is empty or not JSON."""
        if self._json is _UNPARSED:
            try:
                self._json = json_loads(self.data) if self.data else None
            except ValueError:
                self._json = None
        return self._json

    def json(self, schema: str) -> Any:
        """Return the body checked against the server's request schema ``schema``.

        Raises:
            ApiError: 422 when the body is not JSON or does not fit the schema.
        """
        body = self.json_or_none()
        if body is None and self.data.strip() != b"null":
            raise ApiError(422, _INVALID_JSON)
        body = sanitize(body, schema)
        validate(schema, body)
        return body


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    regex: re.Pattern[str]
    handler: Callable[..., Response]
    schema: str | None
    wants: tuple[str, ...]


class Router:
    """An ordered table of routes; the first whose method and path match serves."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []

    def add(
        self,
        method: str,
        pattern: str,
        handler: Callable[..., Response],
        *,
        body: str | None = None,
    ) -> None:
        """Add a route.

        Args:
            method: The HTTP method.
            pattern: The path; ``{name}`` matches one segment, passed as ``name``.
            handler: Called with the arguments its parameters name.
            body: The request schema the ``body`` argument is checked against.
        """
        regex = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern))
        parameters = inspect.signature(handler).parameters
        wants = tuple(
            name
            for name, p in parameters.items()
            if name in _INJECTED or name in regex.groupindex or p.default is p.empty
        )
        unknown = set(wants) - _INJECTED - set(regex.groupindex)
        if unknown:
            raise TypeError(f"{pattern}: handler parameters {sorted(unknown)} cannot be supplied")
        if "body" in wants and body is None:
            raise TypeError(f"{pattern}: a handler that takes body needs its schema")
        self._routes.append(_Route(method, regex, handler, body, wants))

    def route(self, request: ApiRequest, faults: Sequence[Any]) -> Response:
        """Serve ``request`` with the first route matching its method and path.

        ``HEAD`` is served by ``GET`` routes. A path that matches only under
        another method gets 405, allowing the method of the first such route.
        """
        method = "GET" if request.method == "HEAD" else request.method
        allowed: str | None = None
        for route in self._routes:
            match = route.regex.fullmatch(request.path)
            if match is None:
                continue
            if route.method != method:
                if allowed is None:
                    allowed = "GET, HEAD" if route.method == "GET" else route.method
                continue
            return route.handler(**self._arguments(route, match.groupdict(), request, faults))
        if allowed is not None:
            return error_response(405, "Method Not Allowed", {"allow": allowed})
        return error_response(404, "Not Found")

    @staticmethod
    def _arguments(
        route: _Route, params: Mapping[str, str], request: ApiRequest, faults: Sequence[Any]
    ) -> dict[str, Any]:
        """Build the keyword arguments a handler asked for."""
        supplied: dict[str, Callable[[], Any]] = {
            "body": lambda: request.json(route.schema or ""),
            "query": lambda: request.query,
            "headers": lambda: request.headers,
            "request": lambda: request.raw,
            "faults": lambda: faults,
        }
        return {name: params[name] if name in params else supplied[name]() for name in route.wants}


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


def empty_response(status: int) -> Response:
    """Return a response without a body or content type (``204``, ``202``)."""
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response


def error_response(status: int, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    """Return the server's ``{"detail": ...}`` error."""
    return json_response({"detail": detail}, status, headers)


def internal_error_response() -> Response:
    """Return what the server sends when a handler raises unexpectedly.

    uvicorn then closes the connection, so the client's next request opens a
    new one (on the real server it may first fail on the closed socket).
    """
    return Response(
        "Internal Server Error",
        status=500,
        content_type="text/plain; charset=utf-8",
        headers={"Connection": "close"},
    )


def with_reason_phrase(response: Response) -> Response:
    """Give the status line the standard reason phrase (``400 Bad Request``).

    werkzeug upper-cases phrases (``400 BAD REQUEST``) and httpx quotes the
    phrase in every error message, so it is visible to callers.
    """
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        return response
    response.status = f"{response.status_code} {phrase}"
    return response
