"""Serve the run routes: create (stream, wait, background, batch), read, join, cancel, delete.

Creating a run validates the body, stores the run and subscribes to its
events before it starts; the response then streams those events (SSE), waits
for the result, or returns the pending run. Stateful routes live under
``/threads/{id}/runs``, stateless ones under ``/runs``.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from werkzeug import Request, Response
from werkzeug.datastructures import MultiDict

from remote_graphs.testing.faults import Fault
from remote_graphs.testing.ops import Deployment
from remote_graphs.testing.route import ApiError, Router, empty_response, json_response
from remote_graphs.testing.run import END, Frame, RunState
from remote_graphs.testing.serde import json_dumps, json_loads
from remote_graphs.testing.sse import sse_response, wait_response
from remote_graphs.testing.validation import check_select, parse_uuid
from remote_graphs.testing.worker import Worker

__all__ = ["RunRoutes"]

_NO_RUNS: Final = "No runs found to cancel."
_NOTHING_TO_CANCEL: Final = (
    "No matching runs to cancel. Please verify the thread ID and run IDs are correct, "
    "and the runs haven't been deleted or completed."
)
_RUN_NOT_FOUND: Final = {"error": "HTTPException", "message": "404: Run not found"}
_RUN_FIELDS: Final = (
    "run_id",
    "thread_id",
    "assistant_id",
    "created_at",
    "updated_at",
    "status",
    "metadata",
    "kwargs",
    "multitask_strategy",
    "langsmith_session_name",
)


def _truthy(query: MultiDict[str, str], name: str) -> bool:
    """Read a ``true``/``yes``/``1`` query flag."""
    return query.get(name, "false").lower() in ("true", "yes", "1")


def _stream_modes(raw: str | None) -> list[str]:
    """Parse ``join_stream``'s ``stream_mode`` query (a name or a JSON list)."""
    if not raw:
        return []
    if raw.startswith("["):
        try:
            parsed = json_loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(m) for m in parsed]
    return [raw]


def _missing_run() -> queue.SimpleQueue[Any]:
    """Return a subscription that reports a run the server cannot find, then ends."""
    q: queue.SimpleQueue[Any] = queue.SimpleQueue()
    q.put(Frame("error", json_dumps(_RUN_NOT_FOUND), None))
    q.put(END)
    return q


class RunRoutes:
    """Handlers of ``/runs/...`` and ``/threads/{id}/runs/...``.

    Args:
        deployment: The deployment that stores the runs.
        worker: The worker that executes and cancels them.
        header_filter: Decides which request headers go into ``configurable``.
        heartbeat_interval: Returns the seconds between keep-alives, read
            when each response starts.
    """

    def __init__(
        self,
        deployment: Deployment,
        worker: Worker,
        *,
        header_filter: Callable[[str], bool],
        heartbeat_interval: Callable[[], float],
    ) -> None:
        self._deployment = deployment
        self._worker = worker
        self._header_filter = header_filter
        self._heartbeat_interval = heartbeat_interval

    def register(self, router: Router) -> None:
        """Add this resource's routes to ``router``, in the server's order."""
        router.add("POST", "/runs/stream", self.stream, body="RunCreateStreamingStateless")
        router.add("POST", "/runs/wait", self.wait, body="RunCreateStreamingStateless")
        router.add("POST", "/runs", self.create, body="RunCreateStateless")
        router.add("POST", "/runs/batch", self.create_batch, body="RunBatchCreate")
        router.add("POST", "/runs/cancel", self.cancel_many, body="RunsCancel")
        router.add("GET", "/threads/{tid}/runs/{rid}/join", self.join)
        router.add("GET", "/threads/{tid}/runs/{rid}/stream", self.join_stream)
        router.add("POST", "/threads/{tid}/runs/{rid}/cancel", self.cancel)
        router.add("GET", "/threads/{tid}/runs/{rid}", self.get)
        router.add("DELETE", "/threads/{tid}/runs/{rid}", self.delete)
        router.add(
            "POST", "/threads/{tid}/runs/stream", self.stream, body="RunCreateStreamingStateful"
        )
        router.add("POST", "/threads/{tid}/runs/wait", self.wait, body="RunCreateStreamingStateful")
        router.add("POST", "/threads/{tid}/runs", self.create, body="RunCreateStateful")
        router.add("GET", "/threads/{tid}/runs", self.list_runs)

    # -- creating -------------------------------------------------------------------

    def _start(
        self,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        tid: str | None,
        *,
        invalid_thread: tuple[int, str | None],
    ) -> tuple[RunState, dict[str, Any], queue.SimpleQueue[Any]]:
        """Create and schedule a run (stateless when ``tid`` is None).

        Args:
            body: The checked run body.
            headers: The request headers.
            tid: The path's thread id.
            invalid_thread: Status and detail for a malformed ``tid`` (the
                stream and wait routes answer 400, the others 422).
        """
        thread_id = None if tid is None else parse_uuid(tid, *invalid_thread)
        run, created, subscription, inflight = self._deployment.create_run(
            thread_id, body, headers, header_filter=self._header_filter
        )
        if run.multitask_strategy in ("interrupt", "rollback"):
            reason = f"superseded by run {run.run_id} (multitask_strategy={run.multitask_strategy})"
            self._worker.cancel(inflight, run.multitask_strategy, reason)
        self._worker.schedule(run)
        return run, created, subscription

    def _on_disconnect(self, run: RunState, wanted: bool) -> Callable[[], None] | None:
        if not wanted:
            return None
        reason = "client disconnected from the run stream (on_disconnect=cancel)"
        return lambda: self._worker.cancel(run, "interrupt", reason)

    def stream(
        self,
        body: dict[str, Any],
        headers: Mapping[str, str],
        request: Request,
        faults: Sequence[Fault],
        tid: str | None = None,
    ) -> Response:
        """``POST …/runs/stream``: create a run and stream its events."""
        run, _, subscription = self._start(body, headers, tid, invalid_thread=(400, None))
        base = (
            f"/runs/{run.run_id}" if tid is None else f"/threads/{run.thread_id}/runs/{run.run_id}"
        )
        return sse_response(
            request,
            run,
            subscription,
            base=base,
            faults=faults,
            heartbeat_interval=self._heartbeat_interval(),
            on_disconnect=self._on_disconnect(run, body.get("on_disconnect") == "cancel"),
        )

    def wait(
        self,
        body: dict[str, Any],
        headers: Mapping[str, str],
        request: Request,
        tid: str | None = None,
    ) -> Response:
        """``POST …/runs/wait``: create a run and answer with its result."""
        run, _, subscription = self._start(body, headers, tid, invalid_thread=(400, None))
        base = f"/threads/{run.thread_id}/runs/{run.run_id}"
        fallback = (lambda: {}) if run.temporary else self._deployment.wait_fallback(run.thread_id)
        return wait_response(
            request,
            run,
            subscription,
            headers={"location": f"{base}/join", "content-location": base},
            heartbeat_interval=self._heartbeat_interval(),
            fallback=fallback,
            on_disconnect=self._on_disconnect(run, body.get("on_disconnect") == "cancel"),
        )

    def create(
        self, body: dict[str, Any], headers: Mapping[str, str], tid: str | None = None
    ) -> Response:
        """``POST …/runs``: create a run and return it while still pending."""
        run, created, subscription = self._start(
            body, headers, tid, invalid_thread=(422, "Invalid thread ID")
        )
        run.unsubscribe(subscription)
        location = f"/runs/{run.run_id}" if tid is None else f"/threads/{tid}/runs/{run.run_id}"
        return json_response(created, headers={"content-location": location})

    def create_batch(self, body: list[dict[str, Any]], headers: Mapping[str, str]) -> Response:
        """``POST /runs/batch``: create stateless background runs."""
        created = []
        for item in body:
            run, wire, subscription = self._start(item, headers, None, invalid_thread=(422, None))
            run.unsubscribe(subscription)
            created.append(wire)
        return json_response(created)

    # -- reading --------------------------------------------------------------------

    def list_runs(self, tid: str, query: MultiDict[str, str]) -> Response:
        """``GET /threads/{id}/runs``: the thread's runs, newest first."""
        select = query.getlist("select")
        check_select(select, _RUN_FIELDS)
        return json_response(self._deployment.list_runs(tid, query, select))

    def get(self, tid: str, rid: str) -> Response:
        """``GET /threads/{id}/runs/{run_id}``."""
        return json_response(self._deployment.get_run(tid, rid).to_wire())

    def delete(self, tid: str, rid: str) -> Response:
        """``DELETE /threads/{id}/runs/{run_id}``."""
        self._deployment.delete_run(tid, rid)
        return empty_response(204)

    def _watch(self, tid: str, rid: str, last_event_id: str | None) -> tuple[RunState | None, Any]:
        """Subscribe to a run by path ids; an unknown run reports itself missing."""
        thread_id = parse_uuid(tid, 422, "Invalid thread ID: must be a UUID")
        run_id = parse_uuid(rid, 422, "Invalid run ID: must be a UUID")
        with self._deployment.lock:
            run = self._deployment.runs.get(run_id)
        if run is None or run.thread_id != thread_id:
            return None, _missing_run()
        return run, run.subscribe(replay_after=last_event_id if run.resumable else None)

    def join(self, tid: str, rid: str, query: MultiDict[str, str], request: Request) -> Response:
        """``GET …/runs/{id}/join``: wait for an existing run's result."""
        run, subscription = self._watch(tid, rid, None)
        base = f"/threads/{tid}/runs/{rid}"
        return wait_response(
            request,
            run or _placeholder(tid, rid),
            subscription,
            headers={"location": f"{base}/join", "content-location": base},
            heartbeat_interval=self._heartbeat_interval(),
            fallback=self._deployment.wait_fallback(parse_uuid(tid, 422)),
            on_disconnect=self._on_disconnect(run, _truthy(query, "cancel_on_disconnect"))
            if run is not None
            else None,
        )

    def join_stream(
        self,
        tid: str,
        rid: str,
        query: MultiDict[str, str],
        headers: Mapping[str, str],
        request: Request,
        faults: Sequence[Fault],
    ) -> Response:
        """``GET …/runs/{id}/stream``: stream a run again (replaying if resumable)."""
        run, subscription = self._watch(tid, rid, headers.get("last-event-id") or None)
        return sse_response(
            request,
            run or _placeholder(tid, rid),
            subscription,
            base=f"/threads/{tid}/runs/{rid}",
            faults=faults,
            heartbeat_interval=self._heartbeat_interval(),
            on_disconnect=self._on_disconnect(run, _truthy(query, "cancel_on_disconnect"))
            if run is not None
            else None,
            modes=_stream_modes(query.get("stream_mode")),
        )

    # -- cancelling -----------------------------------------------------------------

    def cancel(self, tid: str, rid: str, query: MultiDict[str, str], request: Request) -> Response:
        """``POST …/runs/{id}/cancel``, optionally waiting for the run to end."""
        thread_id = parse_uuid(tid, 422, "Invalid thread ID: must be a UUID")
        run_id = parse_uuid(rid, 422, "Invalid run ID: must be a UUID")
        action = query.get("action", "interrupt")
        action = action if action in ("interrupt", "rollback") else "interrupt"
        with self._deployment.lock:
            run = self._deployment.runs.get(run_id)
        if run is None or run.thread_id != thread_id:
            raise ApiError(404, _NO_RUNS)
        if not run.active:
            raise ApiError(404, _NOTHING_TO_CANCEL)
        subscription = run.subscribe() if _truthy(query, "wait") else None
        reason = f"{action} requested via POST /threads/{{thread_id}}/runs/{{run_id}}/cancel"
        self._worker.cancel(run, action, reason)
        if subscription is None:
            return empty_response(202)
        base = f"/threads/{tid}/runs/{rid}"
        return wait_response(
            request,
            run,
            subscription,
            headers={"location": f"{base}/join", "content-location": base},
            heartbeat_interval=self._heartbeat_interval(),
            fallback=lambda: {},
        )

    def cancel_many(self, body: dict[str, Any], query: MultiDict[str, str]) -> Response:
        """``POST /runs/cancel``: by status, or by thread and run ids."""
        if body.get("status") and (body.get("thread_id") or body.get("run_ids")):
            raise ApiError(
                422,
                "When providing a 'status', 'thread_id' and 'run_ids' must be omitted. The "
                "'status' parameter cancels all runs with the given status, regardless of "
                "thread or run ID.",
            )
        action = query.get("action", "interrupt")
        action = action if action in ("interrupt", "rollback") else "interrupt"
        candidates = self._deployment.runs_to_cancel(body)
        if not candidates:
            raise ApiError(404, _NO_RUNS)
        cancelable = [r for r in candidates if r.active]
        if not cancelable:
            raise ApiError(404, _NOTHING_TO_CANCEL)
        self._worker.cancel(cancelable, action, f"{action} requested via POST /runs/cancel")
        return empty_response(204)


def _placeholder(tid: str, rid: str) -> RunState:
    """Return a finished stand-in for a run the server cannot find."""
    run = RunState(
        run_id=rid,
        thread_id=tid,
        assistant_id="",
        graph_id="",
        metadata={},
        kwargs={},
        multitask_strategy="reject",
    )
    run.finish("error")
    return run
