"""Serve the run routes: create (stream, wait, background), read, join and cancel.

Creating a run validates the body, stores the run and subscribes to its
events before it starts; the response then streams those events (SSE), waits
for the result, or returns the pending run. Stateful routes live under
``/threads/{id}/runs``, stateless ones under ``/runs``.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Sequence
from typing import Any, Final

from werkzeug import Request, Response

from remote_graphs.testing.deployment import Deployment
from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.faults import Fault
from remote_graphs.testing.responses import json_response
from remote_graphs.testing.router import Router
from remote_graphs.testing.runs import RunState
from remote_graphs.testing.streaming import sse_response, wait_response
from remote_graphs.testing.validation import lenient_json_body, parse_uuid, run_body

__all__ = ["RunRoutes"]

_NOTHING_TO_CANCEL: Final = (
    "No matching runs to cancel. Please verify the thread ID and run IDs are correct, "
    "and the runs haven't been deleted or completed."
)


def _thread_run_path(run: RunState) -> str:
    """Return the run's URL path under its thread."""
    return f"/threads/{run.thread_id}/runs/{run.run_id}"


class RunRoutes:
    """Handlers of ``/runs/...`` and ``/threads/{id}/runs/...``.

    Args:
        deployment: The deployment that stores and executes the runs.
        header_filter: Decides which request headers go into ``configurable``.
        heartbeat_interval: Returns the seconds between keep-alives, read
            when each response starts.
    """

    def __init__(
        self,
        deployment: Deployment,
        *,
        header_filter: Callable[[str], bool],
        heartbeat_interval: Callable[[], float],
    ) -> None:
        self._deployment = deployment
        self._header_filter = header_filter
        self._heartbeat_interval = heartbeat_interval

    def register(self, router: Router) -> None:
        """Add this resource's routes to ``router``."""
        router.add("POST", "/threads/{tid}/runs/stream", self.stream)
        router.add("POST", "/runs/stream", self.stream)
        router.add("POST", "/threads/{tid}/runs/wait", self.wait)
        router.add("POST", "/runs/wait", self.wait)
        router.add("POST", "/threads/{tid}/runs", self.create_background)
        router.add("POST", "/runs", self.create_background)
        router.add("GET", "/threads/{tid}/runs", self.list_runs)
        router.add("GET", "/threads/{tid}/runs/{rid}", self.get)
        router.add("GET", "/threads/{tid}/runs/{rid}/join", self.join)
        router.add("GET", "/threads/{tid}/runs/{rid}/stream", self.join_stream)
        router.add("POST", "/threads/{tid}/runs/{rid}/cancel", self.cancel)

    def _start_run(
        self, request: Request, params: dict[str, str], *, streaming_path: bool
    ) -> tuple[RunState, queue.SimpleQueue[Any]]:
        """Create a run from the request (stateless when the path has no thread).

        A bad thread id is a 400 on the stream and wait routes, a 422 on the others.
        """
        stateless = "tid" not in params
        body = run_body(request, stateless=stateless)
        thread_id = None
        if not stateless:
            thread_id = (
                parse_uuid(params["tid"], 400)
                if streaming_path
                else parse_uuid(params["tid"], 422, "Invalid thread ID")
            )
        headers = {k.lower(): v for k, v in request.headers.items()}
        return self._deployment.create_run(
            thread_id, body, headers, header_filter=self._header_filter
        )

    def _sse(
        self,
        request: Request,
        run: RunState,
        subscription: queue.SimpleQueue[Any],
        base: str,
        faults: Sequence[Fault],
        *,
        cancel_on_disconnect: bool,
    ) -> Response:
        """Stream ``run`` as SSE, applying the first stream fault if any."""
        deployment = self._deployment
        return sse_response(
            request,
            run,
            subscription,
            base=base,
            fault=faults[0] if faults else None,
            heartbeat_interval=self._heartbeat_interval(),
            cancel_on_disconnect=(lambda: deployment.cancel(run)) if cancel_on_disconnect else None,
        )

    def _wait(self, run: RunState, headers: dict[str, str]) -> Response:
        """Answer with the run's final result once it is done."""
        deployment = self._deployment
        return wait_response(
            run,
            headers,
            heartbeat_interval=self._heartbeat_interval(),
            fallback=lambda: deployment.thread_values(run.thread_id),
        )

    def stream(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``POST …/runs/stream``: create a run and stream its events."""
        run, subscription = self._start_run(request, params, streaming_path=True)
        cancel = lenient_json_body(request).get("on_disconnect") == "cancel"
        base = _thread_run_path(run) if "tid" in params else f"/runs/{run.run_id}"
        return self._sse(request, run, subscription, base, faults, cancel_on_disconnect=cancel)

    def join_stream(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``GET …/runs/{id}/stream``: stream a run again (replaying if resumable)."""
        run = self._deployment.get_run(params["tid"], params["rid"])
        last_id = request.headers.get("Last-Event-ID")
        subscription = run.subscribe(replay_after=last_id if run.resumable else None)
        cancel = request.args.get("cancel_on_disconnect", "false").lower() in ("true", "yes", "1")
        return self._sse(
            request, run, subscription, _thread_run_path(run), faults, cancel_on_disconnect=cancel
        )

    def wait(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``POST …/runs/wait``: create a run and answer with its result."""
        run, subscription = self._start_run(request, params, streaming_path=True)
        run.unsubscribe(subscription)
        base = _thread_run_path(run)
        return self._wait(run, {"location": f"{base}/join", "content-location": base})

    def join(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``GET …/runs/{id}/join``: wait for an existing run's result."""
        return self._wait(self._deployment.get_run(params["tid"], params["rid"]), {})

    def create_background(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``POST …/runs``: create a run and return it while still pending."""
        run, subscription = self._start_run(request, params, streaming_path=False)
        run.unsubscribe(subscription)
        location = (
            f"/threads/{params['tid']}/runs/{run.run_id}"
            if "tid" in params
            else f"/runs/{run.run_id}"
        )
        wire = run.to_wire()
        wire["status"] = "pending"
        return json_response(wire, headers={"content-location": location})

    def list_runs(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``GET /threads/{id}/runs``: the thread's runs, newest first."""
        limit = int(request.args.get("limit", 10))
        offset = int(request.args.get("offset", 0))
        return json_response(self._deployment.list_runs(params["tid"], limit, offset))

    def get(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``GET /threads/{id}/runs/{run_id}``."""
        return json_response(self._deployment.get_run(params["tid"], params["rid"]).to_wire())

    def cancel(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``POST …/runs/{id}/cancel``, optionally waiting for the run to end."""
        run = self._deployment.get_run(params["tid"], params["rid"])
        if not run.active:
            raise ApiError(404, _NOTHING_TO_CANCEL)
        self._deployment.cancel(run, request.args.get("action", "interrupt"))
        if request.args.get("wait", "0").lower() in ("1", "true"):
            run.done.wait(30)
            base = _thread_run_path(run)
            return json_response({}, headers={"location": f"{base}/join", "content-location": base})
        return Response(b"", status=202)
