"""Send a run to one HTTP client: SSE events, or a kept-alive JSON result.

Events are framed exactly as the server's ``json_to_sse`` does (CRLF,
compact data, an ``id:`` line for resumable runs). Each response reads the
run's frames from its own subscription queue, sends ``: heartbeat`` comments
(SSE) or newlines (wait) while the run is quiet, ends the stream where an
injected stream fault says so, and cancels the run when its client goes away
if the request asked for that.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

from werkzeug import Request, Response

from remote_graphs.testing.faults import Fault, FaultKind, drop_connection
from remote_graphs.testing.run import ABORT, END, Frame, RunState
from remote_graphs.testing.serde import json_dumps
from remote_graphs.testing.stream import RunResult

__all__ = [
    "SSE_HEADERS",
    "mode_matches",
    "sse_comment",
    "sse_event",
    "sse_response",
    "thread_stream_response",
    "wait_response",
]

SSE_HEADERS: Final[tuple[tuple[str, str], ...]] = (
    ("cache-control", "no-store"),
    ("x-accel-buffering", "no"),
    ("content-type", "text/event-stream; charset=utf-8"),
)
"""Headers the real server sends on every SSE response (besides the locations)."""

_MALFORMED_FRAME: Final = b"event: values\r\ndata: {not json\r\n\r\n"


def sse_event(event: str, data: Any, event_id: str | None = None) -> bytes:
    """Frame one SSE event exactly as ``json_to_sse`` does (CRLF, compact data).

    Args:
        event: The event name, e.g. ``values`` or ``updates|child:<task id>``.
        data: The payload; bytes are sent as is, anything else is JSON-encoded.
        event_id: Optional ``id:`` line, sent by the server for resumable streams.

    Returns:
        The bytes of the whole event, blank line included.
    """
    payload = bytes(data) if isinstance(data, bytes | bytearray) else json_dumps(data)
    name = event.replace("\r", "").replace("\n", "").encode()
    frame = b"event: " + name + b"\r\ndata: " + payload + b"\r\n"
    if event_id is not None:
        frame += b"id: " + event_id.encode() + b"\r\n"
    return frame + b"\r\n"


def sse_comment(text: str) -> bytes:
    """Frame an SSE comment, e.g. the server's ``: heartbeat`` keep-alive."""
    return b": " + text.encode() + b"\r\n\r\n"


def mode_matches(event: str, modes: Sequence[str]) -> bool:
    """Tell whether a run event passes a ``join_stream`` ``stream_mode`` filter."""
    if not modes or event in modes:
        return True
    if ("messages" in modes or "messages-tuple" in modes) and event.startswith("messages"):
        return True
    return "|" in event and event.partition("|")[0] in modes


def _fault_frames(request: Request, fault: Fault) -> Iterator[bytes]:
    """Yield what a stream fault sends in place of the rest of the stream."""
    if fault.kind is FaultKind.CUT_STREAM:
        drop_connection(request)
    elif fault.kind is FaultKind.MALFORMED_SSE:
        yield _MALFORMED_FRAME
    else:
        yield sse_event("error", {"error": fault.error, "message": fault.message})


def _sse_frames(
    request: Request,
    run: RunState,
    subscription: queue.SimpleQueue[Any],
    *,
    fault: Fault | None,
    modes: Sequence[str],
    heartbeat_interval: float,
    on_disconnect: Callable[[], None] | None,
) -> Iterator[bytes]:
    """Yield the run's SSE frames until it ends, a fault fires or the client leaves."""
    sent = 0
    start = time.monotonic()
    beats = 1
    finished = False
    try:
        while True:
            if fault is not None and sent >= fault.after_events:
                break
            timeout = max(0.0, start + beats * heartbeat_interval - time.monotonic())
            try:
                item = subscription.get(timeout=timeout)
            except queue.Empty:
                beats += 1
                yield sse_comment("heartbeat")
                continue
            if item is END:
                finished = True
                break
            if item is ABORT:
                drop_connection(request)
            frame: Frame = item
            if mode_matches(frame.event, modes):
                yield sse_event(frame.event, frame.data, frame.id)
                sent += 1
        if fault is not None:
            yield from _fault_frames(request, fault)
            finished = True
    finally:
        run.unsubscribe(subscription)
        if not finished and on_disconnect is not None and run.active:
            on_disconnect()


def sse_response(
    request: Request,
    run: RunState,
    subscription: queue.SimpleQueue[Any],
    *,
    base: str,
    faults: Sequence[Fault],
    heartbeat_interval: float,
    on_disconnect: Callable[[], None] | None = None,
    modes: Sequence[str] = (),
) -> Response:
    """Return a streaming SSE response for ``run``.

    Args:
        request: The request being answered (its socket is cut by some faults).
        run: The run to stream.
        subscription: The run's event queue for this response.
        base: The run's URL path, sent in ``location``/``content-location``.
        faults: The stream faults that fired on this request (the first applies).
        heartbeat_interval: Seconds between ``: heartbeat`` comments.
        on_disconnect: Called when the client leaves before the end (to
            cancel the run); None to let it finish.
        modes: Only events of these stream modes (all when empty).
    """
    frames = _sse_frames(
        request,
        run,
        subscription,
        fault=faults[0] if faults else None,
        modes=modes,
        heartbeat_interval=heartbeat_interval,
        on_disconnect=on_disconnect,
    )
    headers = [("location", f"{base}/stream"), ("content-location", base), *SSE_HEADERS]
    return Response(frames, status=200, headers=headers, direct_passthrough=True)


def wait_response(
    request: Request,
    run: RunState,
    subscription: queue.SimpleQueue[Any],
    *,
    headers: Mapping[str, str],
    heartbeat_interval: float,
    fallback: Callable[[], Any],
    on_disconnect: Callable[[], None] | None = None,
) -> Response:
    """Return the run's final result as JSON, sending newlines while it runs.

    Args:
        request: The request being answered (cut when the server stops).
        run: The run to wait for.
        subscription: The run's event queue for this response.
        headers: Extra response headers (the locations).
        heartbeat_interval: Seconds between keep-alive newlines.
        fallback: Returns the body when no event gave the result (the thread's).
        on_disconnect: Called when the client leaves before the end.
    """

    def chunks() -> Iterator[bytes]:
        result = RunResult()
        finished = False
        try:
            while True:
                try:
                    item = subscription.get(timeout=heartbeat_interval)
                except queue.Empty:
                    yield b"\n"
                    continue
                if item is END:
                    break
                if item is ABORT:
                    drop_connection(request)
                result.absorb(item.event, item.data)
            finished = True
            yield json_dumps(result.body(fallback))
        finally:
            run.unsubscribe(subscription)
            if not finished and on_disconnect is not None and run.active:
                on_disconnect()

    return Response(
        chunks(),
        status=200,
        headers=dict(headers),
        content_type="application/json",
        direct_passthrough=True,
    )


def _thread_event_passes(frame: Frame, modes: Sequence[str]) -> bool:
    """Tell whether a thread-stream event passes its ``stream_modes``, as the server filters."""
    if "run_modes" in modes and frame.event != "state_update":
        return True
    if "state_update" in modes and frame.event == "state_update":
        return True
    if "lifecycle" in modes and frame.event == "metadata":
        return b'"run_done"' in frame.data or b'"attempt"' in frame.data
    return False


def thread_stream_response(
    request: Request,
    replayed: Sequence[Frame],
    live: queue.SimpleQueue[Any],
    *,
    modes: Sequence[str],
    heartbeat_interval: float,
    on_close: Callable[[], None],
) -> Response:
    """Return the endless SSE stream of a thread's runs (``GET /threads/{id}/stream``).

    Args:
        request: The request being answered (cut when the server stops).
        replayed: Kept events to send first (a ``Last-Event-ID`` reconnect).
        live: The thread's event queue for this response.
        modes: The ``stream_modes`` that pass.
        heartbeat_interval: Seconds between ``: heartbeat`` comments.
        on_close: Stops feeding ``live`` once the client has gone.
    """

    def frames() -> Iterator[bytes]:
        try:
            for frame in replayed:
                if _thread_event_passes(frame, modes):
                    yield sse_event(frame.event, frame.data, frame.id)
            while True:
                try:
                    item = live.get(timeout=heartbeat_interval)
                except queue.Empty:
                    yield sse_comment("heartbeat")
                    continue
                if item is ABORT:
                    drop_connection(request)
                if _thread_event_passes(item, modes):
                    yield sse_event(item.event, item.data, item.id)
        finally:
            on_close()

    return Response(frames(), status=200, headers=list(SSE_HEADERS), direct_passthrough=True)
