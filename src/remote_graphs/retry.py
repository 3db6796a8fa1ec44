"""Which remote failures are worth retrying.

Used as ``retry_on`` of langgraph's ``RetryPolicy``: network faults, timeouts,
429 and 5xx are transient; bad requests, auth failures, unknown graphs, guard
refusals and errors raised by the remote graph itself are not, so they fail
fast with their own clear message.
"""

from __future__ import annotations

import httpx

from remote_graphs.errors import RemoteRunError

TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def is_transient(exc: BaseException) -> bool:
    """Return True when ``exc`` is a failure that a later attempt may not hit."""
    if isinstance(exc, RemoteRunError):
        return exc.transient
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in TRANSIENT_STATUSES
    return isinstance(exc, httpx.TransportError)
