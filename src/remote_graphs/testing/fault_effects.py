"""Carry out injected faults on live requests and streams.

:mod:`remote_graphs.testing.faults` says which faults fire on a request; this
module makes them happen on the real socket (a delay, a dropped connection,
a substituted status) or at the end of an SSE stream (a cut, a malformed
frame, an ``error`` event), so clients see what they would see in production.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator, Sequence
from http import HTTPStatus
from typing import Final, NoReturn

from werkzeug import Request, Response

from remote_graphs.testing.faults import Fault, FaultKind
from remote_graphs.testing.responses import json_response
from remote_graphs.testing.wire import sse_event

__all__ = [
    "ConnectionDropped",
    "apply_request_faults",
    "drop_connection",
    "status_fault_response",
    "stream_fault_frames",
]

_MALFORMED_FRAME: Final = b"event: values\r\ndata: {not json\r\n\r\n"


class ConnectionDropped(ConnectionAbortedError):
    """Raised after the socket was shut down on purpose; werkzeug then stays quiet."""


def drop_connection(request: Request) -> NoReturn:
    """Shut the client socket down so the peer sees the connection drop."""
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped("connection dropped by an injected fault")


def status_fault_response(fault: Fault) -> Response:
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
            return status_fault_response(fault)
    return None


def stream_fault_frames(request: Request, fault: Fault) -> Iterator[bytes]:
    """Yield what a stream fault sends in place of the rest of the stream."""
    if fault.kind is FaultKind.CUT_STREAM:
        drop_connection(request)
    elif fault.kind is FaultKind.MALFORMED_SSE:
        yield _MALFORMED_FRAME
    else:
        yield sse_event("error", {"error": fault.error, "message": fault.message})
