"""Match request paths to handlers, with the server's 404 and 405 answers.

Routes are tried in the order they were added; a path that matches only
under other methods gets 405 with an ``allow`` header listing them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from werkzeug import Request, Response

from remote_graphs.testing.faults import Fault
from remote_graphs.testing.responses import error_response

__all__ = ["Handler", "Router"]

Handler = Callable[[Request, dict[str, str], Sequence[Fault]], Response]
"""``handler(request, path_params, stream_faults) -> response``."""


class Router:
    """An ordered table of ``(method, path pattern, handler)`` routes."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Add a route; ``{name}`` in ``pattern`` matches one path segment."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((method, re.compile(regex), handler))

    def route(self, request: Request, stream_faults: Sequence[Fault]) -> Response:
        """Serve ``request`` with the first route matching its method and path."""
        allowed: list[str] = []
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            return handler(request, match.groupdict(), stream_faults)
        if allowed:
            return error_response(405, "Method Not Allowed", {"allow": ", ".join(allowed)})
        return error_response(404, "Not Found")
