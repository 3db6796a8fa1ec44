"""Record what clients sent to the fake, for assertions in tests.

Resilience tests need to prove facts such as "the remote run executed exactly
once" or "the client retried after a 429". They read immutable records of every
request and every run the fake started, never the fake's live state.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = ["RecordedRequest", "RequestLog", "RunRecord", "path_matches"]


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    """Compile a path pattern: ``*`` or ``{name}`` match one segment, ``**`` the rest."""
    parts: list[str] = []
    for segment in pattern.strip("/").split("/"):
        if segment == "**":
            parts.append(".*")
        elif segment == "*" or (segment.startswith("{") and segment.endswith("}")):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("/" + "/".join(parts) + r"/?\Z")


def path_matches(pattern: str, path: str) -> bool:
    """Tell whether ``path`` matches ``pattern``.

    Args:
        pattern: A path such as ``/threads/{thread_id}/runs/stream`` or
            ``/threads/*/runs/stream``. ``*`` and ``{name}`` match exactly one
            segment; a ``**`` segment matches any remainder (also empty).
        path: The request path, without query string.

    Returns:
        True on a full match.
    """
    return _compile(pattern).match(path) is not None


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One HTTP request as the fake received it.

    Attributes:
        method: Upper-case HTTP method.
        path: The URL path, without query string.
        query: Query parameters (the last value wins for repeated keys).
        headers: Request headers with lower-case names.
        body: The parsed JSON body, or None when absent or not JSON.
        raw_body: The body bytes as received.
        time: ``time.monotonic()`` when the request arrived.
    """

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    raw_body: bytes = field(repr=False)
    time: float = field(repr=False)

    def matches(self, method: str | None = None, path: str | None = None) -> bool:
        """Tell whether this request has ``method`` and a path matching ``path``."""
        if method is not None and self.method != method.upper():
            return False
        return path is None or path_matches(path, self.path)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One run the fake started executing, in start order.

    Attributes:
        run_id: The run's id.
        thread_id: The thread it ran on (a temporary one for stateless runs).
        graph_id: The graph that ran.
        assistant_id: The assistant id (the system assistant of ``graph_id``).
        stateless: True for ``/runs/stream`` and ``/runs/wait`` runs.
        input: The run input as sent (None when resuming with a command).
        command: The ``command`` object as sent, or None.
    """

    run_id: str
    thread_id: str
    graph_id: str
    assistant_id: str
    stateless: bool
    input: Any
    command: Any


class RequestLog:
    """Thread-safe, append-only store of recorded requests and started runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._runs: list[RunRecord] = []

    def add_request(self, request: RecordedRequest) -> None:
        """Append a request record (called by the server for every request)."""
        with self._lock:
            self._requests.append(request)

    def add_run(self, run: RunRecord) -> None:
        """Append a run record (called when a run starts executing)."""
        with self._lock:
            self._runs.append(run)

    @property
    def requests(self) -> tuple[RecordedRequest, ...]:
        """All requests so far, oldest first."""
        with self._lock:
            return tuple(self._requests)

    @property
    def runs(self) -> tuple[RunRecord, ...]:
        """All runs started so far, oldest first."""
        with self._lock:
            return tuple(self._runs)

    def requests_to(
        self, method: str | None = None, path: str | None = None
    ) -> list[RecordedRequest]:
        """Return the requests with ``method`` whose path matches ``path``."""
        return [r for r in self.requests if r.matches(method, path)]

    def clear(self) -> None:
        """Forget every record (state of threads and runs is kept)."""
        with self._lock:
            self._requests.clear()
            self._runs.clear()

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.requests)
