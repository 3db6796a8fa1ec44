"""Keep one fake deployment's threads, runs and state, as the server's storage does.

This is the in-memory equivalent of the server's runtime operations
(``langgraph_runtime_inmem.ops``): threads and their search, state reads and
writes through the compiled graphs, run creation under the per-thread
``multitask_strategy``, and the thread record a finished run leaves behind.
Every record is guarded by one lock; every checkpointer access runs on the
deployment's event loop, because ``InMemorySaver`` is not thread-safe.
HTTP concerns live in :mod:`remote_graphs.testing.api`.
"""

from __future__ import annotations

import copy
import queue
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.errors import InvalidUpdateError
from langgraph.pregel import Pregel
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore
from langgraph.types import StateUpdate

from remote_graphs.testing.assistants import (
    Assistants,
    contains,
    pagination_headers,
    select_fields,
)
from remote_graphs.testing.checkpointer import (
    ServerCheckpointer,
    copy_thread,
    delete_run_checkpoints,
)
from remote_graphs.testing.command import map_command
from remote_graphs.testing.records import RequestLog
from remote_graphs.testing.run import RunRequest, RunState, ThreadChannel, build_run
from remote_graphs.testing.serde import (
    iso_now,
    json_dumps,
    mapping_or_empty,
    to_jsonable,
    uuid7,
)
from remote_graphs.testing.state import (
    EMPTY_THREAD_STATE,
    history_before_config,
    history_metadata_filter,
    interrupt_to_wire,
    snapshot_to_wire,
    written_checkpoint_to_wire,
)
from remote_graphs.testing.validation import EXTRACTABLE_COLUMNS, ApiError, parse_uuid
from remote_graphs.testing.worker import LoopThread

__all__ = ["Deployment", "Graph"]

Graph = Pregel[Any, Any, Any, Any]

_NO_GRAPH_DETAIL: Final = (
    "Thread '{}' has no assigned graph ID. This usually occurs when no runs have been made on "
    "this particular thread. This operation requires a graph ID. Please ensure a run has been "
    "made for the thread or manually update the thread metadata (by setting the 'graph_id' "
    "field) before running this operation."
)
_INVALID_THREAD_ID: Final = "Invalid thread ID: must be a UUID"
_BUSY: Final = (
    "Thread is already running a task. Wait for it to finish or choose a different multitask "
    "strategy."
)
_THREAD_SORTS: Final = ("thread_id", "created_at", "updated_at", "state_updated_at", "status")


class ServerStore(InMemoryStore):
    """The server's in-memory store: it takes a ``ttl`` (and never expires items)."""

    supports_ttl = True


def _served(
    graph: Graph, graph_id: str, saver: BaseCheckpointSaver[Any] | None, store: BaseStore
) -> Graph:
    """Return the graph as the server runs it: its saver and store attached, unnamed ones named."""
    update: dict[str, Any] = {"checkpointer": saver, "store": store}
    if graph.name == "LangGraph":
        update["name"] = graph_id
    return graph.copy(update=update)


def _thread_status(checkpoint: Mapping[str, Any] | None, error: Any, *, cancelled: bool) -> str:
    """Return a thread's status after a run, like ``set_joint_status``."""
    if error is not None and not cancelled:
        return "error"
    return "interrupted" if checkpoint and checkpoint["next"] else "idle"


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
        graphs: Mapping[str, Graph],
        log: RequestLog,
        api_url: Callable[[], str],
        checkpointer: BaseCheckpointSaver[Any] | None = None,
    ) -> None:
        self.saver = ServerCheckpointer(checkpointer or InMemorySaver())
        # One store for every run, stateless ones too, and for the /store routes.
        self.store = ServerStore()
        self.graphs = {gid: _served(g, gid, self.saver, self.store) for gid, g in graphs.items()}
        # Stateless runs run without a checkpointer on the server: they write no
        # checkpoints, so they stream no ``checkpoints`` or debug checkpoint events.
        self.stateless_graphs = {
            gid: _served(g, gid, None, self.store) for gid, g in graphs.items()
        }
        self.log = log
        self.api_url = api_url
        self.loop = LoopThread()
        self.lock = threading.RLock()
        self.assistants = Assistants(self.graphs)
        self.threads: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, RunState] = {}
        self.channel = ThreadChannel()

    # -- threads ------------------------------------------------------------------

    def _thread(self, raw_id: str) -> dict[str, Any]:
        """Return the live thread record, with the server's 422/404 (caller holds the lock)."""
        thread_id = parse_uuid(raw_id, 422, _INVALID_THREAD_ID)
        thread = self.threads.get(thread_id)
        if thread is None:
            raise ApiError(404, f"Thread with ID {thread_id} not found")
        return thread

    def _insert_thread(self, thread_id: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
        """Insert a fresh idle thread (caller holds the lock)."""
        now = iso_now()
        thread: dict[str, Any] = {
            "thread_id": thread_id,
            "created_at": now,
            "updated_at": now,
            "state_updated_at": now,
            "metadata": copy.deepcopy(dict(metadata)),
            "status": "idle",
            "config": {},
            "values": None,
        }
        self.threads[thread_id] = thread
        return thread

    def create_thread(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a thread (``POST /threads``), honouring ``if_exists`` and ``supersteps``."""
        raw_id = body.get("thread_id")
        thread_id = parse_uuid(raw_id, 422, _INVALID_THREAD_ID) if raw_id else str(uuid7())
        with self.lock:
            existing = self.threads.get(thread_id)
            if existing is not None:
                if (body.get("if_exists") or "raise") == "do_nothing":
                    return copy.deepcopy(existing)
                raise ApiError(409, f"Thread with ID {thread_id} already exists")
            thread = self._insert_thread(thread_id, mapping_or_empty(body.get("metadata")))
        if body.get("supersteps"):
            self._apply_supersteps(thread, body["supersteps"])
        with self.lock:
            return copy.deepcopy(thread)

    def _apply_supersteps(self, thread: Mapping[str, Any], supersteps: Any) -> None:
        """Write a new thread's initial checkpoints (``POST /threads`` with ``supersteps``)."""
        graph = self.thread_graph(thread)
        if graph is None:
            detail = _NO_GRAPH_DETAIL.format(thread["thread_id"])
            raise ApiError(
                201,
                f"Thread {thread['thread_id']} was created, but there were problems updating "
                f"the state: {detail}",
            )
        updates = [
            [
                StateUpdate(
                    map_command(u["command"]) if u.get("command") else u.get("values"),  # type: ignore[arg-type]
                    u.get("as_node"),
                )
                for u in step.get("updates", [])
            ]
            for step in supersteps
        ]
        configurable = {
            "thread_id": thread["thread_id"],
            "checkpoint_ns": "",
            "graph_id": self.thread_graph_id(thread),
        }
        config: Any = {"configurable": configurable}
        self.loop.call(graph.abulk_update_state(config, updates))
        self.loop.call(self.refresh_thread(str(thread["thread_id"])))

    def get_thread(self, raw_id: str) -> dict[str, Any]:
        """Return a thread by id, with the server's 422/404 errors."""
        with self.lock:
            return copy.deepcopy(self._thread(raw_id))

    def patch_thread(self, raw_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Merge new metadata into a thread (``PATCH /threads/{id}``)."""
        thread_id = parse_uuid(raw_id, 422, _INVALID_THREAD_ID)
        with self.lock:
            thread = self.threads.get(thread_id)
            if thread is None:
                raise ApiError(404, "Not Found")
            thread["metadata"] = {**thread["metadata"], **mapping_or_empty(body.get("metadata"))}
            thread["updated_at"] = iso_now()
            return copy.deepcopy(thread)

    def delete_thread(self, raw_id: str) -> None:
        """Delete a thread, its runs and its checkpoints (``DELETE /threads/{id}``)."""
        with self.lock:
            thread_id = self._thread(raw_id)["thread_id"]
            del self.threads[thread_id]
            runs = [r for r in self.runs.values() if r.thread_id == thread_id]
            for run in runs:
                del self.runs[run.run_id]
        self.loop.call(self.saver.adelete_thread(thread_id))

    def search_threads(
        self, body: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Answer ``POST /threads/search``: the page and its pagination headers."""
        ids: set[str] | None = None
        if body.get("ids"):
            ids = {parse_uuid(i, 400, f"Invalid thread ID {i}") for i in body["ids"]}
        with self.lock:
            found = [
                t
                for t in self.threads.values()
                if (ids is None or t["thread_id"] in ids) and self._thread_matches(t, body)
            ]
            sort_by = body.get("sort_by")
            if sort_by in _THREAD_SORTS:
                descending = (body.get("sort_order") or "").upper() != "ASC"
                found.sort(key=lambda t: t[sort_by], reverse=descending)
            else:
                found.sort(key=lambda t: t["updated_at"], reverse=True)
            limit = int(body.get("limit") or 10)
            offset = int(body.get("offset") or 0)
            page = found[offset : offset + limit]
            next_offset = offset + limit if len(found) > offset + limit else None
            select = body.get("select") or None
            items = [select_fields(t, select) for t in page]
        if body.get("extract"):
            for item, thread in zip(items, page, strict=True):
                item["extracted"] = {
                    alias: _extract(thread, path) for alias, path in body["extract"].items()
                }
        return items, pagination_headers(len(page), offset, next_offset)

    @staticmethod
    def _thread_matches(thread: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
        metadata = body.get("metadata") or {}
        values = body.get("values") or {}
        status = body.get("status")
        return (
            (not metadata or contains(thread["metadata"], metadata))
            and (
                not values
                or "values" not in thread
                or contains(mapping_or_empty(thread["values"]), values)
            )
            and (not status or thread["status"] == status)
        )

    def count_threads(self, body: Mapping[str, Any]) -> int:
        """Answer ``POST /threads/count``."""
        with self.lock:
            return sum(1 for t in self.threads.values() if self._thread_matches(t, body))

    def copy_thread(self, raw_id: str) -> dict[str, Any]:
        """Copy a thread with its checkpoints to a new id (``POST /threads/{id}/copy``)."""
        thread_id = parse_uuid(raw_id, 400)
        new_id = str(uuid7())
        with self.lock:
            original = self.threads.get(thread_id)
            if original is None:
                raise ApiError(409, "Conflict")
            now = iso_now()
            thread = {
                "thread_id": new_id,
                "created_at": now,
                "updated_at": now,
                "state_updated_at": now,
                "metadata": copy.deepcopy(original["metadata"]),
                "status": "idle",
                "config": {},
            }
            self.threads[new_id] = thread
        self.loop.call(copy_thread(self.saver.inner, thread_id, new_id))
        with self.lock:
            return copy.deepcopy(thread)

    def prune_threads(self, body: Mapping[str, Any]) -> dict[str, int]:
        """Delete threads by id (``POST /threads/prune``)."""
        thread_ids = [parse_uuid(t, 422, _INVALID_THREAD_ID) for t in body.get("thread_ids", [])]
        strategy = body.get("strategy", "delete")
        if not thread_ids:
            return {"pruned_count": 0}
        if strategy == "keep_latest":
            raise ApiError(422, "keep_latest strategy is not supported in in-memory runtime")
        pruned = 0
        for thread_id in thread_ids:
            try:
                self.delete_thread(thread_id)
            except ApiError:
                continue
            pruned += 1
        return {"pruned_count": pruned}

    def thread_graph_id(self, thread: Mapping[str, Any]) -> str | None:
        """Return the graph named by a thread's ``graph_id`` metadata (or else its runs')."""
        graph_id = thread["metadata"].get("graph_id")
        if isinstance(graph_id, str):
            return graph_id
        with self.lock:
            return next(
                (r.graph_id for r in self.runs.values() if r.thread_id == thread["thread_id"]),
                None,
            )

    def thread_graph(self, thread: Mapping[str, Any]) -> Graph | None:
        """Return the compiled graph a thread's state belongs to, if any."""
        graph_id = self.thread_graph_id(thread)
        return self.graphs.get(graph_id) if graph_id is not None else None

    # -- state --------------------------------------------------------------------

    def get_state(
        self, raw_id: str, checkpoint: Mapping[str, Any] | None = None, subgraphs: bool = False
    ) -> dict[str, Any]:
        """Return a thread's ThreadState, at ``checkpoint`` if given."""
        thread = self.get_thread(raw_id)
        graph = self.thread_graph(thread)
        if graph is None:
            return dict(EMPTY_THREAD_STATE)
        # The state's ``checkpoint`` echoes the keys asked for: no ``checkpoint_ns``
        # unless the request named one (the latest state always has it).
        configurable = {**(checkpoint or {"checkpoint_ns": ""}), "thread_id": thread["thread_id"]}
        state = self.loop.call(
            graph.aget_state({"configurable": configurable}, subgraphs=subgraphs)
        )
        wire: dict[str, Any] = to_jsonable(snapshot_to_wire(state))
        if isinstance(wire["metadata"], dict) and wire["metadata"].get("checkpoint_ns") == "":
            del wire["metadata"]["checkpoint_ns"]
        return wire

    def get_history(self, raw_id: str, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return the thread's checkpoints, newest first (``POST …/history``)."""
        thread = self.get_thread(raw_id)
        graph = self.thread_graph(thread)
        if graph is None:
            return []
        configurable = {
            "checkpoint_ns": "",
            **mapping_or_empty(body.get("checkpoint")),
            "thread_id": thread["thread_id"],
        }
        before = history_before_config(body.get("before"))
        metadata = history_metadata_filter(body.get("metadata"), thread["thread_id"])
        if metadata is False:
            return []

        async def collect() -> list[dict[str, Any]]:
            return [
                snapshot_to_wire(s)
                async for s in graph.aget_state_history(
                    {"configurable": configurable},
                    filter=metadata,
                    before=before,
                    limit=int(body.get("limit") or 1),
                )
            ]

        history: list[dict[str, Any]] = to_jsonable(self.loop.call(collect()))
        return history

    def update_state(self, raw_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Apply ``POST /threads/{id}/state`` and return the new checkpoint."""
        thread = self.get_thread(raw_id)
        thread_id = thread["thread_id"]
        with self.lock:
            pending = [
                r.to_wire() for r in self.runs.values() if r.thread_id == thread_id and r.active
            ]
        if pending:
            raise ApiError(409, f"Thread {thread_id} has in-flight runs: {pending}")
        graph_id = self.thread_graph_id(thread)
        graph = self.graphs.get(graph_id) if graph_id is not None else None
        if graph is None:
            raise ApiError(400, _NO_GRAPH_DETAIL.format(thread_id))
        configurable: dict[str, Any] = {"thread_id": thread_id, "graph_id": graph_id}
        if body.get("checkpoint_id"):
            configurable["checkpoint_id"] = body["checkpoint_id"]
        configurable.update(mapping_or_empty(body.get("checkpoint")))
        configurable["thread_id"] = thread_id
        configurable.setdefault("checkpoint_ns", "")
        try:
            new_config = self.loop.call(
                graph.aupdate_state(
                    {"configurable": configurable}, body.get("values"), as_node=body.get("as_node")
                )
            )
        except InvalidUpdateError as exc:
            raise ApiError(400, str(exc)) from None
        self.loop.call(self.refresh_thread(thread_id))
        state = self.get_state(thread_id)
        self.channel.publish(
            thread_id, "state_update", json_dumps({"state": state, "thread_id": thread_id})
        )
        return written_checkpoint_to_wire(new_config)

    def replayed(self, thread_id: str, after: str) -> list[Any]:
        """Return the kept events of a thread's resumable runs after ``after``, in id order."""
        with self.lock:
            runs = [r for r in self.runs.values() if r.thread_id == thread_id]
        frames = []
        for run in runs:
            for frame in run.stored_frames(after):
                if frame.event == "control":
                    done = {"status": "run_done", "run_id": run.run_id}
                    frame = frame._replace(event="metadata", data=json_dumps(done))
                frames.append(frame)
        return sorted(frames, key=lambda f: f.id or "")

    async def latest_checkpoint(self, thread_id: str) -> dict[str, Any] | None:
        """Return the thread's latest state in checkpoint form (on the loop)."""
        with self.lock:
            thread = self.threads.get(thread_id)
        graph = self.thread_graph(thread) if thread is not None else None
        if graph is None:
            return None
        state = await graph.aget_state(
            {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
        )
        return {
            "values": state.values,
            "next": list(state.next),
            "tasks": [{"id": t.id, "interrupts": list(t.interrupts)} for t in state.tasks],
        }

    async def refresh_thread(self, thread_id: str) -> None:
        """Copy the thread's latest state into its record (after a state write)."""
        checkpoint = await self.latest_checkpoint(thread_id)
        with self.lock:
            thread = self.threads.get(thread_id)
            if thread is not None:
                busy = any(r.active for r in self.runs.values() if r.thread_id == thread_id)
                self._apply_checkpoint(thread, checkpoint, None, cancelled=False, busy=busy)

    def finish_thread(
        self,
        run: RunState,
        checkpoint: Mapping[str, Any] | None,
        error: dict[str, Any] | None,
        *,
        cancelled: bool,
    ) -> None:
        """Leave a thread as the server does once one of its runs has ended."""
        with self.lock:
            thread = self.threads.get(run.thread_id)
            if thread is None:
                return
            busy = any(
                r is not run and r.active
                for r in self.runs.values()
                if r.thread_id == run.thread_id
            )
            thread["metadata"]["graph_id"] = run.graph_id
            self._apply_checkpoint(thread, checkpoint, error, cancelled=cancelled, busy=busy)

    @staticmethod
    def _apply_checkpoint(
        thread: dict[str, Any],
        checkpoint: Mapping[str, Any] | None,
        error: dict[str, Any] | None,
        *,
        cancelled: bool,
        busy: bool,
    ) -> None:
        """Update a thread from a checkpoint; without one it keeps its values and interrupts."""
        now = iso_now()
        update: dict[str, Any] = {
            "updated_at": now,
            "state_updated_at": now,
            "status": "busy" if busy else _thread_status(checkpoint, error, cancelled=cancelled),
            "error": error,
        }
        if checkpoint is not None:
            update["values"] = to_jsonable(checkpoint["values"])
            update["interrupts"] = to_jsonable(
                {
                    task["id"]: [interrupt_to_wire(i) for i in task["interrupts"]]
                    for task in checkpoint["tasks"]
                    if task.get("interrupts")
                }
            )
        thread.update(update)

    def wait_fallback(self, thread_id: str) -> Callable[[], Any]:
        """Return what a ``wait`` that saw no result answers: from the thread record."""

        def fallback() -> Any:
            with self.lock:
                thread = self.threads.get(thread_id)
                if thread is None:
                    return {}
                if thread["status"] == "error":
                    return {"__error__": thread.get("error")}
                interrupts = [i for lst in (thread.get("interrupts") or {}).values() for i in lst]
                if thread["status"] == "interrupted" and interrupts:
                    return {"__interrupt__": interrupts}
                return copy.deepcopy(thread.get("values")) or {}

        return fallback

    # -- runs ---------------------------------------------------------------------

    def create_run(
        self,
        raw_thread_id: str | None,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        *,
        header_filter: Callable[[str], bool],
    ) -> tuple[RunState, dict[str, Any], queue.SimpleQueue[Any], list[RunState]]:
        """Validate a run request and store the pending run.

        Args:
            raw_thread_id: The path's thread id, or None for a stateless run.
            body: The checked run-creation body.
            headers: Request headers (lower-case names).
            header_filter: Decides which headers are copied into ``configurable``.

        Returns:
            The run; its ``Run`` JSON as created (before execution changes it);
            a subscription to its events, made before it can start; and the
            thread's other active runs (to cancel under ``interrupt``/``rollback``).
        """
        stateless = raw_thread_id is None
        with self.lock:
            assistant = copy.deepcopy(self.assistants.for_run(body.get("assistant_id")))
        request = RunRequest.parse(body, assistant, stateless=stateless)
        run_id = str(uuid7())
        thread_id = str(uuid7()) if stateless else str(raw_thread_id)
        with self.lock:
            thread, inflight = self._claim_thread(thread_id, request)
            run = build_run(
                request,
                run_id=run_id,
                thread_id=thread_id,
                thread=thread,
                headers=headers,
                header_filter=header_filter,
            )
            run.channel = self.channel
            self.runs[run_id] = run
            created = run.to_wire()
        return run, created, run.subscribe(), inflight

    def _claim_thread(
        self, thread_id: str, request: RunRequest
    ) -> tuple[dict[str, Any] | None, list[RunState]]:
        """Find or create the run's thread and mark it busy (caller holds the lock).

        Returns:
            The thread record to merge into the run (None when this run created
            it, as on the server) and the thread's active runs.

        Raises:
            ApiError: 404 for a missing thread without ``if_not_exists="create"``,
                409 for a busy thread with ``multitask_strategy="reject"``.
        """
        thread = self.threads.get(thread_id)
        existed = thread is not None
        if thread is None:
            if request.if_not_exists != "create":
                raise ApiError(404, "Thread or assistant not found.")
            thread = self._insert_thread(thread_id, request.new_thread_metadata())
            thread.update({"status": "busy", "config": request.thread_config(None)})
        elif thread["status"] != "busy":
            thread["status"] = "busy"
            thread["metadata"] = {
                **thread["metadata"],
                "graph_id": request.graph_id,
                "assistant_id": request.assistant_id,
            }
            thread["config"] = request.thread_config(thread["config"])
            thread["updated_at"] = iso_now()
        inflight = [r for r in self.runs.values() if r.thread_id == thread_id and r.active]
        if inflight and request.multitask == "reject":
            raise ApiError(409, _BUSY)
        return (thread if existed else None), inflight

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

    def list_runs(
        self, raw_thread_id: str, query: Mapping[str, Any], select: list[str]
    ) -> list[dict[str, Any]]:
        """Return a thread's runs, newest first (``GET /threads/{id}/runs``)."""
        thread_id = self.get_thread(raw_thread_id)["thread_id"]
        limit = int(query.get("limit", 10))
        offset = int(query.get("offset", 0))
        status = query.get("status")
        with self.lock:
            runs = [
                r
                for r in self.runs.values()
                if r.thread_id == thread_id and (status is None or r.status == status)
            ]
        runs.sort(key=lambda r: r.created_at, reverse=True)
        return [select_fields(r.to_wire(), select or None) for r in runs[offset : offset + limit]]

    def delete_run(self, raw_thread_id: str, raw_run_id: str) -> None:
        """Delete a run and the checkpoints it wrote (``DELETE …/runs/{id}``)."""
        thread_id = parse_uuid(raw_thread_id, 422, _INVALID_THREAD_ID)
        run_id = parse_uuid(raw_run_id, 422, "Invalid run ID: must be a UUID")
        with self.lock:
            run = self.runs.get(run_id)
            if run is None or run.thread_id != thread_id:
                raise ApiError(404, "Run not found")
            del self.runs[run_id]
        self.loop.call(delete_run_checkpoints(self.saver.inner, thread_id, run_id))

    def runs_to_cancel(self, body: Mapping[str, Any]) -> list[RunState]:
        """Select the runs of ``POST /runs/cancel`` (by status, or thread and run ids)."""
        status = body.get("status")
        with self.lock:
            if status:
                statuses = ("pending", "running") if status == "all" else (status,)
                return [r for r in self.runs.values() if r.status in statuses]
            thread_id = parse_uuid(body.get("thread_id"), 422, _INVALID_THREAD_ID)
            run_ids = {
                parse_uuid(r, 422, "Invalid run ID: must be a UUID") for r in body["run_ids"]
            }
            return [
                r for r in self.runs.values() if r.thread_id == thread_id and r.run_id in run_ids
            ]

    def runs_of_assistant(self, assistant_id: str) -> list[RunState]:
        """Return an assistant's active runs (cancelled when it is deleted)."""
        with self.lock:
            return [r for r in self.runs.values() if r.assistant_id == assistant_id and r.active]

    def threads_of_assistant(self, assistant_id: str) -> list[str]:
        """Return the ids of the threads whose metadata names an assistant."""
        with self.lock:
            return [
                t["thread_id"]
                for t in self.threads.values()
                if t["metadata"].get("assistant_id") == assistant_id
            ]

    def forget_thread(self, thread_id: str) -> None:
        """Delete a stateless run's temporary thread and its runs once it has ended."""
        with self.lock:
            self.threads.pop(thread_id, None)
            for run_id in [r.run_id for r in self.runs.values() if r.thread_id == thread_id]:
                del self.runs[run_id]


def _extract(record: Mapping[str, Any], path: str) -> Any:
    """Read a ``values.messages[-1].content`` style path out of a thread record."""
    parts = re.split(r"\.|\[", path)
    if parts[0] not in EXTRACTABLE_COLUMNS:
        return None
    value: Any = record.get(parts[0])
    for part in parts[1:]:
        if value is None:
            return None
        if not part:
            continue
        if part.startswith("_"):
            return None
        if part.endswith("]"):
            try:
                index = int(part[:-1])
                value = value[index] if isinstance(value, list) else None
            except (ValueError, IndexError):
                return None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value
