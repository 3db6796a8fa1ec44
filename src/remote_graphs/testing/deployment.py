"""Keep one fake deployment's assistants, threads and runs.

This is the in-memory equivalent of the Agent Server's storage: it answers
thread and state queries with the server's errors, and accepts runs,
applying the per-thread ``multitask_strategy`` (``enqueue``/``reject``/
``interrupt``/``rollback``) before handing them to the
:class:`~remote_graphs.testing.run_executor.RunExecutor`. HTTP concerns live
in :mod:`remote_graphs.testing.fake_server` and its route modules.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.errors import InvalidUpdateError
from langgraph.pregel import Pregel

from remote_graphs.testing.assistants import Assistants
from remote_graphs.testing.checkpointer import ServerCheckpointer
from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.loop import LoopThread
from remote_graphs.testing.records import RequestLog
from remote_graphs.testing.run_executor import RunExecutor, thread_graph
from remote_graphs.testing.run_request import RunRequest, build_run
from remote_graphs.testing.runs import RunState
from remote_graphs.testing.state_wire import (
    EMPTY_THREAD_STATE,
    history_before_config,
    history_metadata_filter,
    snapshot_to_wire,
    written_checkpoint_to_wire,
)
from remote_graphs.testing.validation import parse_uuid
from remote_graphs.testing.wire import iso_now, mapping_or_empty, to_jsonable, uuid7

__all__ = ["Deployment"]

_NO_GRAPH_DETAIL: Final = (
    "Thread '{}' has no assigned graph ID. This usually occurs when no runs have been made on "
    "this particular thread. This operation requires a graph ID. Please ensure a run has been "
    "made for the thread or manually update the thread metadata (by setting the 'graph_id' "
    "field) before running this operation."
)
_INVALID_THREAD_ID: Final = "Invalid thread ID: must be a UUID"


def _thread_config(request: RunRequest, current: Mapping[str, Any]) -> dict[str, Any]:
    """Return a thread's config once a run starts on it, merged as the server does.

    The run's own config (tags, metadata...) is kept on the thread, but its
    ``configurable`` is not: only the assistant's and the thread's are.
    """
    assistant_config = mapping_or_empty(request.assistant.get("config"))
    return {
        **assistant_config,
        **current,
        **request.user_config,
        "configurable": {
            **mapping_or_empty(assistant_config.get("configurable")),
            **mapping_or_empty(current.get("configurable")),
        },
    }


class Deployment:
    """The state behind one fake Agent Server.

    Args:
        graphs: ``{graph_id: compiled graph}``; each is copied with this
            deployment's checkpointer attached.
        log: Where started runs are recorded.
        api_url: Returns the server URL, reported as ``langgraph_api_url``.
        checkpointer: The saver to use; a fresh ``InMemorySaver`` by default.
    """

    def __init__(
        self,
        graphs: Mapping[str, Pregel[Any, Any, Any, Any]],
        log: RequestLog,
        api_url: Callable[[], str],
        checkpointer: BaseCheckpointSaver[Any] | None = None,
    ) -> None:
        self.saver = ServerCheckpointer(
            checkpointer if checkpointer is not None else InMemorySaver()
        )
        self.graphs: dict[str, Pregel[Any, Any, Any, Any]] = {
            gid: graph.copy(update={"checkpointer": self.saver}) for gid, graph in graphs.items()
        }
        self.loop = LoopThread()
        self.lock = threading.RLock()
        self.assistants = Assistants(self.graphs)
        self.threads: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, RunState] = {}
        self.executor = RunExecutor(
            graphs=self.graphs,
            # The server runs stateless runs without a checkpointer: they write no
            # checkpoints, so they stream no ``checkpoints`` or debug checkpoint events.
            stateless_graphs={
                gid: graph.copy(update={"checkpointer": None}) for gid, graph in graphs.items()
            },
            saver=self.saver,
            threads=self.threads,
            runs=self.runs,
            lock=self.lock,
            log=log,
            api_url=api_url,
            loop=self.loop,
        )

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Start the run loop (idempotent)."""
        self.loop.start()

    def stop(self) -> None:
        """Cut every open stream and cancel unfinished runs, like a crash."""
        with self.lock:
            runs = list(self.runs.values())
        for run in runs:
            run.abort_watchers()
        self.loop.stop()
        with self.lock:
            for run in self.runs.values():
                if run.active:
                    run.finish(
                        "error",
                        {"__error__": {"error": "ServerShutdown", "message": "server stopped"}},
                    )
            for thread in self.threads.values():
                if thread["status"] == "busy":
                    thread["status"] = "error"
            self.executor.forget_runs()

    # -- threads ---------------------------------------------------------------

    def _new_thread(self, thread_id: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
        """Insert a fresh idle thread (caller holds the lock)."""
        now = iso_now()
        thread: dict[str, Any] = {
            "thread_id": thread_id,
            "created_at": now,
            "updated_at": now,
            "state_updated_at": now,
            "metadata": dict(metadata),
            "status": "idle",
            "config": {},
            "values": None,
        }
        self.threads[thread_id] = thread
        return thread

    def create_thread(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a thread (``POST /threads``) honouring ``if_exists``."""
        raw_id = body.get("thread_id")
        thread_id = parse_uuid(raw_id, 422, _INVALID_THREAD_ID) if raw_id else str(uuid7())
        if_exists = body.get("if_exists") or "raise"
        if if_exists not in ("raise", "do_nothing"):
            raise ApiError(422, f"'{if_exists}' is not one of ['raise', 'do_nothing']")
        with self.lock:
            existing = self.threads.get(thread_id)
            if existing is not None:
                if if_exists == "do_nothing":
                    return dict(existing)
                raise ApiError(409, f"Thread with ID {thread_id} already exists")
            return dict(self._new_thread(thread_id, mapping_or_empty(body.get("metadata"))))

    def get_thread(self, raw_id: str) -> dict[str, Any]:
        """Return a thread by id, with the server's 422/404 errors."""
        thread_id = parse_uuid(raw_id, 422, _INVALID_THREAD_ID)
        with self.lock:
            thread = self.threads.get(thread_id)
            if thread is None:
                raise ApiError(404, f"Thread with ID {thread_id} not found")
            return dict(thread)

    def thread_values(self, thread_id: str) -> Any:
        """Return a thread's stored values (the wait fallback)."""
        with self.lock:
            thread = self.threads.get(thread_id)
            return None if thread is None else thread.get("values")

    # -- state -----------------------------------------------------------------

    def get_state(
        self, raw_id: str, checkpoint: Mapping[str, Any] | None = None, subgraphs: bool = False
    ) -> dict[str, Any]:
        """Return a thread's ThreadState, at ``checkpoint`` if given."""
        thread = self.get_thread(raw_id)
        graph = thread_graph(self.graphs, thread)
        if graph is None:
            return dict(EMPTY_THREAD_STATE)
        configurable = {**(checkpoint or {}), "thread_id": thread["thread_id"]}
        configurable.setdefault("checkpoint_ns", "")
        state = self.loop.call(
            graph.aget_state({"configurable": configurable}, subgraphs=subgraphs)
        )
        wire: dict[str, Any] = to_jsonable(snapshot_to_wire(state))
        return wire

    def get_history(self, raw_id: str, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return the thread's checkpoints, newest first (``POST …/history``)."""
        thread = self.get_thread(raw_id)
        graph = thread_graph(self.graphs, thread)
        if graph is None:
            return []
        limit = body.get("limit", 1)
        configurable = {
            **mapping_or_empty(body.get("checkpoint")),
            "thread_id": thread["thread_id"],
        }
        configurable.setdefault("checkpoint_ns", "")
        before = history_before_config(body.get("before"))
        metadata = history_metadata_filter(body.get("metadata"), thread["thread_id"])
        if metadata is False:
            return []

        async def collect() -> list[dict[str, Any]]:
            return [
                snapshot_to_wire(s)
                async for s in graph.aget_state_history(
                    {"configurable": configurable}, filter=metadata, before=before, limit=limit
                )
            ]

        history: list[dict[str, Any]] = to_jsonable(self.loop.call(collect()))
        return history

    def update_state(self, raw_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Apply ``POST /threads/{id}/state`` and return the new checkpoint."""
        thread = self.get_thread(raw_id)
        graph = thread_graph(self.graphs, thread)
        if graph is None:
            raise ApiError(400, _NO_GRAPH_DETAIL.format(thread["thread_id"]))
        configurable = {
            "graph_id": thread["metadata"]["graph_id"],
            **mapping_or_empty(body.get("checkpoint")),
            "thread_id": thread["thread_id"],
        }
        configurable.setdefault("checkpoint_ns", "")
        try:
            new_config = self.loop.call(
                graph.aupdate_state(
                    {"configurable": configurable}, body.get("values"), as_node=body.get("as_node")
                )
            )
        except InvalidUpdateError as exc:
            raise ApiError(400, str(exc)) from None
        self.loop.call(self.executor.sync_thread(thread["thread_id"]))
        return written_checkpoint_to_wire(new_config)

    # -- runs ------------------------------------------------------------------

    def create_run(
        self,
        raw_thread_id: str | None,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        *,
        header_filter: Callable[[str], bool],
    ) -> tuple[RunState, queue.SimpleQueue[Any]]:
        """Validate a run request, store the run and schedule it on the loop.

        Args:
            raw_thread_id: The path's thread id, or None for a stateless run.
            body: The parsed run-creation body.
            headers: Request headers (lower-case names).
            header_filter: Decides which headers are copied into ``configurable``.

        Returns:
            The run and a subscription to its events, made before the run starts
            so that no event can be missed.
        """
        stateless = raw_thread_id is None
        assistant = self.assistants.for_run(body.get("assistant_id"))
        request = RunRequest.parse(body, assistant, stateless=stateless)
        run_id = str(uuid7())
        thread_id = str(uuid7()) if stateless else str(raw_thread_id)
        with self.lock:
            thread_metadata, inflight = self._claim_thread(thread_id, request)
            run = build_run(
                request,
                run_id=run_id,
                thread_id=thread_id,
                thread_metadata=thread_metadata,
                headers=headers,
                header_filter=header_filter,
            )
            self.runs[run_id] = run
        if request.multitask in ("interrupt", "rollback"):
            for other in inflight:
                self.cancel(other, request.multitask)
        subscription = run.subscribe()
        self.executor.schedule(run)
        return run, subscription

    def _claim_thread(
        self, thread_id: str, request: RunRequest
    ) -> tuple[dict[str, Any], list[RunState]]:
        """Find or create the run's thread and mark it busy (caller holds the lock).

        Returns:
            The thread metadata to merge into the run's (empty when the thread
            was created here, as on the server) and the thread's active runs.

        Raises:
            ApiError: 404 for a missing thread without ``if_not_exists="create"``,
                409 for a busy thread with ``multitask_strategy="reject"``.
        """
        thread = self.threads.get(thread_id)
        existed = thread is not None
        if thread is None:
            if request.if_not_exists != "create":
                raise ApiError(404, "Thread or assistant not found.")
            thread = self._new_thread(thread_id, request.new_thread_metadata())
            thread["config"] = _thread_config(request, {})
        inflight = [r for r in self.runs.values() if r.thread_id == thread_id and r.active]
        if inflight and request.multitask == "reject":
            raise ApiError(
                409,
                "Thread is already running a task. Wait for it to finish or choose a different "
                "multitask strategy.",
            )
        if thread["status"] != "busy":
            thread["status"] = "busy"
            thread["metadata"] = {
                **thread["metadata"],
                "graph_id": request.graph_id,
                "assistant_id": request.assistant_id,
            }
            if existed:
                thread["config"] = _thread_config(request, thread["config"])
            thread["updated_at"] = iso_now()
        return (dict(thread["metadata"]) if existed else {}), inflight

    def cancel(self, run: RunState, action: str = "interrupt") -> None:
        """Cancel a pending or running run; its streams simply close."""
        self.executor.cancel(run, action)

    def get_run(self, raw_thread_id: str, raw_run_id: str) -> RunState:
        """Find a run of a thread, with the server's 422/404 errors."""
        thread_id = parse_uuid(raw_thread_id, 422, _INVALID_THREAD_ID)
        run_id = parse_uuid(raw_run_id, 422, "Invalid run ID: must be a UUID")
        with self.lock:
            if thread_id not in self.threads:
                raise ApiError(404, f"Thread with ID {thread_id} not found")
            run = self.runs.get(run_id)
            if run is None or run.thread_id != thread_id:
                raise ApiError(404, "Not Found")
            return run

    def list_runs(self, raw_thread_id: str, limit: int, offset: int) -> list[dict[str, Any]]:
        """Return a thread's runs, newest first."""
        thread = self.get_thread(raw_thread_id)
        with self.lock:
            runs = [r for r in self.runs.values() if r.thread_id == thread["thread_id"]]
        runs.sort(key=lambda r: r.run_id, reverse=True)
        return [r.to_wire() for r in runs[offset : offset + limit]]
