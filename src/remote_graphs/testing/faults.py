"""Describe faults the fake Agent Server injects, per endpoint, and carry them out.

Clients of remote graphs must survive slow servers, rate limits, restarts and
streams that break half way. Each :class:`Fault` names one such failure; a
:class:`FaultRule` says on which requests (method, path pattern, how many
times) it fires. Faults are produced on the real socket (a delay, a dropped
connection, a substituted status), so the client library sees exactly what it
would see in production; stream faults are applied by :mod:`.sse`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from http import HTTPStatus
from typing import Any, NoReturn

from werkzeug import Request, Response

from remote_graphs.testing.records import path_matches
from remote_graphs.testing.route import json_response

__all__ = [
    "ConnectionDropped",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FaultRule",
    "apply_request_faults",
    "drop_connection",
    "refused_url",
]


class FaultKind(StrEnum):
    """The kinds of failure the fake can produce."""

    LATENCY = "latency"
    """Sleep before sending the response headers."""
    STATUS = "status"
    """Answer with an HTTP status, body and headers instead of serving the request."""
    DISCONNECT = "disconnect"
    """Close the connection without sending any response."""
    CUT_STREAM = "cut_stream"
    """Abort an SSE response after N events, without the final chunk."""
    MALFORMED_SSE = "malformed_sse"
    """Send an event whose data is not JSON after N events, then end the stream."""
    ERROR_EVENT = "error_event"
    """Send a server-side ``error`` event after N events, then end the stream."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One failure to inject; build it with the class methods.

    ``after_events`` counts SSE events sent before the fault, the leading
    ``metadata`` event included (so ``after_events=1`` fires right after it).
    The graph run itself is not affected by stream faults: it still completes
    on the server, as it would behind a flaky proxy.
    """

    kind: FaultKind
    seconds: float = 0.0
    status_code: int = 0
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    after_events: int = 0
    error: str = ""
    message: str = ""

    @classmethod
    def latency(cls, seconds: float) -> Fault:
        """Delay the response headers by ``seconds`` (the request is then served)."""
        return cls(FaultKind.LATENCY, seconds=seconds)

    @classmethod
    def status(
        cls,
        code: int,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Answer ``code`` without running anything.

        Args:
            code: The HTTP status, e.g. 429, 500 or 503.
            body: A JSON-able body, or ``str``/``bytes`` sent verbatim. Defaults to
                ``{"detail": "<reason phrase>"}`` like the server's errors.
            headers: Extra headers, e.g. ``{"Retry-After": "1"}``.
        """
        return cls(FaultKind.STATUS, status_code=code, body=body, headers=dict(headers or {}))

    @classmethod
    def disconnect(cls) -> Fault:
        """Close the connection without a response (the client sees a transport error)."""
        return cls(FaultKind.DISCONNECT)

    @classmethod
    def cut_stream(cls, after_events: int = 1) -> Fault:
        """Abort an SSE stream after ``after_events`` events, like a crashed proxy."""
        return cls(FaultKind.CUT_STREAM, after_events=after_events)

    @classmethod
    def malformed_sse(cls, after_events: int = 1) -> Fault:
        """Send an event with invalid JSON data after ``after_events`` events."""
        return cls(FaultKind.MALFORMED_SSE, after_events=after_events)

    @classmethod
    def error_event(
        cls,
        error: str = "InternalServerError",
        message: str = "injected server error",
        *,
        after_events: int = 1,
    ) -> Fault:
        """Send ``event: error`` ``{"error", "message"}`` after ``after_events`` events."""
        return cls(FaultKind.ERROR_EVENT, after_events=after_events, error=error, message=message)

    @property
    def is_stream_fault(self) -> bool:
        """True for faults that act on an SSE body rather than on the response."""
        return self.kind in (FaultKind.CUT_STREAM, FaultKind.MALFORMED_SSE, FaultKind.ERROR_EVENT)


class FaultRule:
    """A fault bound to requests by method and path, optionally for N requests only."""

    def __init__(self, fault: Fault, method: str | None, path: str, times: int | None) -> None:
        self.fault = fault
        self.method = method.upper() if method else None
        self.path = path
        self.remaining = times
        self.hits = 0
        """How many requests this rule has fired on so far."""

    def matches(self, method: str, path: str) -> bool:
        """Tell whether the rule still applies to a request."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return path_matches(self.path, path)

    def __repr__(self) -> str:
        return (
            f"FaultRule({self.fault.kind}, method={self.method!r}, path={self.path!r}, "
            f"remaining={self.remaining}, hits={self.hits})"
        )


class FaultPlan:
    """The faults in force on one server, consulted once per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        path: str = "/**",
        times: int | None = None,
    ) -> FaultRule:
        """Register a rule; see :meth:`FakeAgentServer.inject`."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every request)")
        rule = FaultRule(fault, method, path, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> list[Fault]:
        """Consume and return the faults that fire on this request, in rule order."""
        fired: list[Fault] = []
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.hits += 1
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    fired.append(rule.fault)
        return fired

    def remove(self, rule: FaultRule) -> None:
        """Stop a rule from firing again."""
        with self._lock:
            if rule in self._rules:
                self._rules.remove(rule)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        """The registered rules, in firing order."""
        with self._lock:
            return tuple(self._rules)


@contextmanager
def refused_url() -> Iterator[str]:
    """Yield a loopback URL on which every connection is refused.

    A socket is bound to a free port but never listens, so the kernel refuses
    connections at once; holding it for the block keeps the port from being
    reused by another server meanwhile.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


class ConnectionDropped(ConnectionAbortedError):
    """Raised after the socket was shut down on purpose; werkzeug then stays quiet."""


def drop_connection(request: Request) -> NoReturn:
    """Shut the client socket down so the peer sees the connection drop."""
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped("connection dropped by an injected fault")


def _status_fault_response(fault: Fault) -> Response:
    """Build the response of a ``Fault.status``."""
    body = fault.body
    if body is None:
        try:
            body = {"detail": HTTPStatus(fault.status_code).phrase}
        except ValueError:
            body = {"detail": "Injected fault"}
    headers = dict(fault.headers)
    if isinstance(body, bytes | str):
        data = body.encode() if isinstance(body, str) else body
        headers.setdefault("content-type", "text/plain; charset=utf-8")
        return Response(data, status=fault.status_code, headers=headers)
    return json_response(body, fault.status_code, headers)


def apply_request_faults(request: Request, faults: Sequence[Fault]) -> Response | None:
    """Apply the faults that act before a request is served.

    Latencies add up and are slept first; then a disconnect drops the
    connection, or a status fault replaces the response.

    Returns:
        The status fault's response, or None when the request is to be served.
    """
    delay = sum(f.seconds for f in faults if f.kind is FaultKind.LATENCY)
    if delay:
        time.sleep(delay)
    for fault in faults:
        if fault.kind is FaultKind.DISCONNECT:
            drop_connection(request)
        if fault.kind is FaultKind.STATUS:
            return _status_fault_response(fault)
    return None
