"""Execute runs on the fake's private event loop, one at a time per thread.

Like the server's worker, a run waits for its thread's lock (runs on one
thread never overlap), is marked running, streams the graph while publishing
the translated events to every watcher of the run, and finally copies the
latest checkpoint into the thread record. Cancelling a run cancels its task.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

import langgraph.version
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.pregel import Pregel

from remote_graphs.testing.loop import LoopThread
from remote_graphs.testing.records import RequestLog, RunRecord
from remote_graphs.testing.run_request import map_command
from remote_graphs.testing.runs import (
    CheckpointTracker,
    EventTranslator,
    RunResult,
    RunState,
    debug_chunk,
)
from remote_graphs.testing.state_wire import interrupt_to_wire
from remote_graphs.testing.wire import error_payload, iso_now, to_jsonable

__all__ = ["API_VERSION", "RunExecutor", "thread_graph"]

API_VERSION: Final = "0.16.7"
"""The langgraph-api version whose wire protocol the fake reproduces."""

_CANCEL_MESSAGE: Final = "interrupt requested via POST /threads/{thread_id}/runs/{run_id}/cancel"

Graph = Pregel[Any, Any, Any, Any]


def thread_graph(graphs: Mapping[str, Graph], thread: Mapping[str, Any]) -> Graph | None:
    """Return the graph named by a thread's ``graph_id`` metadata, if any."""
    gid = thread["metadata"].get("graph_id")
    return graphs.get(gid) if isinstance(gid, str) else None


def _apply_checkpoint(
    thread: dict[str, Any],
    checkpoint: Mapping[str, Any] | None,
    error: dict[str, Any] | None,
    *,
    user_interrupt: bool,
    busy: bool,
) -> None:
    """Update a thread record from a run's last checkpoint, like ``set_joint_status``.

    Without a checkpoint the thread keeps its values and interrupts; a cancelled
    run (``user_interrupt``) is not an error, so its thread is idle or
    interrupted depending on whether nodes are left to run.
    """
    has_next = bool(checkpoint and checkpoint["next"])
    if error is not None and not user_interrupt:
        status = "error"
    elif has_next:
        status = "interrupted"
    else:
        status = "idle"
    now = iso_now()
    update: dict[str, Any] = {
        "updated_at": now,
        "state_updated_at": now,
        "status": "busy" if busy else status,
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


class RunExecutor:
    """Run scheduled runs as tasks and keep their threads up to date.

    Args:
        graphs: The deployment's graphs, with its checkpointer attached.
        stateless_graphs: The same graphs without a checkpointer, for
            stateless runs (which write no checkpoints on the server).
        saver: The checkpointer, to delete a stateless run's thread.
        threads: The deployment's thread records (shared, guarded by ``lock``).
        runs: The deployment's runs (shared, guarded by ``lock``).
        lock: The deployment's lock.
        log: Where started runs are recorded.
        api_url: Returns the server URL, reported as ``langgraph_api_url``.
        loop: The event loop thread the runs execute on.
    """

    def __init__(
        self,
        *,
        graphs: Mapping[str, Graph],
        stateless_graphs: Mapping[str, Graph],
        saver: BaseCheckpointSaver[Any],
        threads: dict[str, dict[str, Any]],
        runs: Mapping[str, RunState],
        lock: threading.RLock,
        log: RequestLog,
        api_url: Callable[[], str],
        loop: LoopThread,
    ) -> None:
        self._graphs = graphs
        self._stateless_graphs = stateless_graphs
        self._saver = saver
        self._threads = threads
        self._runs = runs
        self._lock = lock
        self._log = log
        self._api_url = api_url
        self._loop = loop
        self._thread_locks: dict[str, asyncio.Lock] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def schedule(self, run: RunState) -> None:
        """Start executing ``run`` once its thread is free."""
        self._loop.call(self._create_task(run), timeout=10)

    async def _create_task(self, run: RunState) -> None:
        """Create the run's task on the loop (so it can be cancelled later)."""
        self._tasks[run.run_id] = asyncio.get_running_loop().create_task(self._execute(run))

    def cancel(self, run: RunState, action: str = "interrupt") -> None:
        """Cancel a pending or running run; its streams simply close."""
        run.cancel_action = action

        async def do_cancel() -> None:
            task = self._tasks.get(run.run_id)
            if task is not None and not task.done():
                task.cancel()

        self._loop.call(do_cancel(), timeout=10)

    def forget_runs(self) -> None:
        """Drop the per-thread locks and tasks of a stopped loop (caller holds the lock)."""
        self._thread_locks.clear()
        self._tasks.clear()

    def attempt_metadata(self) -> dict[str, Any]:
        """Return what the server adds to a run's config metadata when it starts."""
        return {
            "run_attempt": 1,
            "langgraph_version": langgraph.version.__version__,
            "langgraph_api_version": API_VERSION,
            "langgraph_plan": "enterprise",
            "langgraph_host": "self-hosted",
            "langgraph_api_url": self._api_url(),
        }

    async def _execute(self, run: RunState) -> None:
        """Run the graph for one run, publishing events and updating the thread."""
        lock = self._thread_locks.setdefault(run.thread_id, asyncio.Lock())
        translator = EventTranslator(run.stream_mode, run.subgraphs)
        result = RunResult()
        tracker = CheckpointTracker()
        status = "success"
        error: dict[str, Any] | None = None
        try:
            async with lock:
                self._start(run)
                try:
                    await self._stream_graph(run, translator, result, tracker)
                except asyncio.CancelledError:
                    status = "interrupted"
                    error = {"error": "UserInterrupt", "message": _CANCEL_MESSAGE}
                except Exception as exc:
                    status = "error"
                    error = error_payload(exc)
                    run.publish("error", error)
                    result.absorb("error", error)
                # The graph is done: as on the server, a cancel arriving now (say a client
                # that drops the stream after the last event) no longer changes the outcome.
                self._tasks.pop(run.run_id, None)
                if not run.temporary:
                    checkpoint = tracker.checkpoint
                    if checkpoint is None and status == "success":
                        checkpoint = await self._latest_checkpoint(run.thread_id)
                    self._finish_thread(run, checkpoint, error, user_interrupt=status != "error")
        except asyncio.CancelledError:  # cancelled while waiting for the thread lock
            status = "interrupted"
        finally:
            self._tasks.pop(run.run_id, None)
            fallback = self._threads.get(run.thread_id, {}).get("values")
            run.finish(status, result.body(fallback))
            if run.temporary:
                self._drop_thread(run.thread_id)

    def _start(self, run: RunState) -> None:
        """Mark the run started, record it and publish its ``metadata`` event."""
        self._mark_started(run)
        self._log.add_run(
            RunRecord(
                run_id=run.run_id,
                thread_id=run.thread_id,
                graph_id=run.graph_id,
                assistant_id=run.assistant_id,
                stateless=run.kwargs.get("temporary", False),
                input=run.input,
                command=run.command,
            )
        )
        run.publish("metadata", {"run_id": run.run_id, "attempt": 1})

    def _mark_started(self, run: RunState) -> None:
        """Flag a run (and its thread) as running, as the server's worker does.

        The server mutates the stored run's ``kwargs.config`` when it starts
        the run, so ``GET /runs/{id}`` shows the attempt metadata and the node
        counter hook (a function, hence ``null`` on the wire) from then on.
        """
        with self._lock:
            run.status = "running"
            run.updated_at = iso_now()
            config = run.kwargs["config"]
            config["metadata"].update(self.attempt_metadata())
            config["configurable"]["__pregel_node_finished"] = None
            thread = self._threads.get(run.thread_id)
            if thread is not None:
                thread["status"] = "busy"

    async def _stream_graph(
        self,
        run: RunState,
        translator: EventTranslator,
        result: RunResult,
        tracker: CheckpointTracker,
    ) -> None:
        """Drive ``graph.astream`` and publish the translated events.

        Like the server, only the graph's output channels are streamed as
        ``values`` (and ``updates`` keep only their writes to them), and
        ``debug`` is always requested so the last checkpoint can be tracked.
        """
        graph = (self._stateless_graphs if run.temporary else self._graphs)[run.graph_id]
        config = {**run.config, "run_id": uuid.UUID(run.run_id)}
        config["metadata"] = {
            **run.config["metadata"],
            **self.attempt_metadata(),
            "thread_id": run.thread_id,
            "run_id": run.run_id,
        }
        graph_input: Any = map_command(run.command) if isinstance(run.command, dict) else run.input
        stream: Any = graph.astream
        async for part in stream(
            graph_input,
            config,
            stream_mode=translator.graph_modes(),
            output_keys=graph.output_channels,
            subgraphs=run.subgraphs,
            interrupt_before=run.interrupt_before,
            interrupt_after=run.interrupt_after,
            context=run.context,
            # Without a checkpointer langgraph only warns that durability is moot.
            durability=None if run.temporary else run.durability,
        ):
            ns, mode, chunk = part if run.subgraphs else ((), *part)
            if mode == "debug":
                chunk = debug_chunk(chunk)
                tracker.observe(chunk)
            for event, data in translator.translate(ns, mode, chunk):
                if not ns:
                    result.absorb(event, data)
                run.publish(event, data)

    async def _latest_checkpoint(self, thread_id: str) -> dict[str, Any] | None:
        """Return the thread's latest state in checkpoint form (no checkpoint was streamed)."""
        with self._lock:
            thread = self._threads.get(thread_id)
        graph = thread_graph(self._graphs, thread) if thread is not None else None
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

    def _finish_thread(
        self,
        run: RunState,
        checkpoint: dict[str, Any] | None,
        error: dict[str, Any] | None,
        *,
        user_interrupt: bool,
    ) -> None:
        """Set a thread's status, values and interrupts after one of its runs ended."""
        with self._lock:
            thread = self._threads.get(run.thread_id)
            if thread is None:
                return
            others = any(r is not run and r.active for r in self._runs_of_thread(run.thread_id))
            thread["metadata"]["graph_id"] = run.graph_id
            _apply_checkpoint(thread, checkpoint, error, user_interrupt=user_interrupt, busy=others)

    async def sync_thread(self, thread_id: str) -> None:
        """Copy the thread's latest state into its record (after a state update)."""
        checkpoint = await self._latest_checkpoint(thread_id)
        with self._lock:
            thread = self._threads.get(thread_id)
            if thread is None:
                return
            others = any(r.active for r in self._runs_of_thread(thread_id))
            _apply_checkpoint(thread, checkpoint, None, user_interrupt=False, busy=others)

    def _runs_of_thread(self, thread_id: str) -> list[RunState]:
        """Return the runs of one thread (caller holds the lock)."""
        return [r for r in self._runs.values() if r.thread_id == thread_id]

    def _drop_thread(self, thread_id: str) -> None:
        """Delete a temporary thread and its checkpoints after a stateless run."""
        with self._lock:
            self._threads.pop(thread_id, None)
        with contextlib.suppress(Exception):
            self._saver.delete_thread(thread_id)
        self._thread_locks.pop(thread_id, None)
