"""Stream a run to one HTTP client: SSE events, or a kept-alive JSON result.

Each response reads the run's events from its own subscription queue, sends
``: heartbeat`` comments (SSE) or newlines (wait) while the run is quiet,
ends the stream where an injected stream fault says so, and cancels the run
when its client goes away if the request asked for that.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from werkzeug import Request, Response

from remote_graphs.testing.fault_effects import drop_connection, stream_fault_frames
from remote_graphs.testing.faults import Fault
from remote_graphs.testing.runs import ABORT, END, RunState
from remote_graphs.testing.wire import SSE_HEADERS, json_dumps, sse_comment

__all__ = ["sse_response", "wait_response"]


def _sse_frames(
    request: Request,
    run: RunState,
    subscription: queue.SimpleQueue[Any],
    fault: Fault | None,
    *,
    heartbeat_interval: float,
    cancel_on_disconnect: Callable[[], None] | None,
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
            yield item
            sent += 1
        if fault is not None:
            yield from stream_fault_frames(request, fault)
            finished = True
    finally:
        run.unsubscribe(subscription)
        if not finished and cancel_on_disconnect is not None and run.active:
            cancel_on_disconnect()


def sse_response(
    request: Request,
    run: RunState,
    subscription: queue.SimpleQueue[Any],
    *,
    base: str,
    fault: Fault | None,
    heartbeat_interval: float,
    cancel_on_disconnect: Callable[[], None] | None,
) -> Response:
    """Return a streaming SSE response for ``run``.

    Args:
        request: The request being answered (its socket is cut by some faults).
        run: The run to stream.
        subscription: The run's event queue for this response.
        base: The run's URL path, sent in ``location``/``content-location``.
        fault: The stream fault to apply, if any.
        heartbeat_interval: Seconds between ``: heartbeat`` comments.
        cancel_on_disconnect: Cancels the run when the client leaves early;
            None to let it finish.
    """
    frames = _sse_frames(
        request,
        run,
        subscription,
        fault,
        heartbeat_interval=heartbeat_interval,
        cancel_on_disconnect=cancel_on_disconnect,
    )
    headers = [("location", f"{base}/stream"), ("content-location", base), *SSE_HEADERS]
    return Response(frames, status=200, headers=headers, direct_passthrough=True)


def wait_response(
    run: RunState,
    headers: Mapping[str, str],
    *,
    heartbeat_interval: float,
    fallback: Callable[[], Any],
) -> Response:
    """Return the run's final result as JSON, sending newlines while it runs.

    Args:
        run: The run to wait for.
        headers: Extra response headers.
        heartbeat_interval: Seconds between keep-alive newlines.
        fallback: Returns the body when the run has no result (the thread's values).
    """

    def chunks() -> Iterator[bytes]:
        while not run.done.wait(heartbeat_interval):
            yield b"\n"
        result = run.result
        if result is None:
            result = fallback() or {}
        yield json_dumps(result)

    return Response(
        chunks(),
        status=200,
        headers=dict(headers),
        content_type="application/json",
        direct_passthrough=True,
    )
