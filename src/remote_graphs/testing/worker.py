"""Execute runs on the fake's event loop, one at a time per thread, like the server's worker.

Runs execute as tasks of one private asyncio loop in a daemon thread
(:class:`LoopThread`): runs must overlap (the HTTP server answers each
request on its own thread), be cancellable mid-run (``task.cancel()``), and
every checkpointer access must come from one thread because
``InMemorySaver`` is not thread-safe, so state reads are scheduled there too.

A run waits for its thread's lock (runs on one thread never overlap), is
marked running with the attempt metadata the server adds, streams the graph
while publishing the translated events to every watcher, and finally leaves
the thread as the server does: status, values and interrupts taken from the
last checkpoint the run streamed. Cancelling a run cancels its task with the
server's reason; ``rollback`` also deletes the run and what it wrote.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Final, TypeVar

import langgraph.version

from remote_graphs.testing.checkpointer import delete_run_checkpoints
from remote_graphs.testing.command import map_command
from remote_graphs.testing.records import RunRecord
from remote_graphs.testing.run import RunState
from remote_graphs.testing.serde import error_payload, iso_now
from remote_graphs.testing.stream import CheckpointTracker, EventTranslator, debug_chunk

if TYPE_CHECKING:
    from remote_graphs.testing.ops import Deployment

__all__ = ["API_VERSION", "LoopThread", "Worker"]

T = TypeVar("T")

API_VERSION: Final = "0.16.7"
"""The langgraph-api version whose wire protocol the fake reproduces."""


class LoopThread:
    """An asyncio event loop running in its own daemon thread."""

    def __init__(self, name: str = "fake-agent-server-loop") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop; raises if the thread was not started."""
        if self._loop is None:
            raise RuntimeError("the event loop thread is not running")
        return self._loop

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._loop is not None

    def start(self) -> None:
        """Start the loop thread (no-op when already running)."""
        if self._loop is not None:
            return
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._thread = threading.Thread(target=run, name=self._name, daemon=True)
        self._thread.start()
        ready.wait()
        self._loop = loop

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule ``coro`` on the loop and return a thread-safe future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = 60.0) -> T:
        """Run ``coro`` on the loop and block the calling thread for its result."""
        return self.submit(coro).result(timeout)

    def stop(self) -> None:
        """Cancel every task, stop the loop and join its thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(cancel_all(), loop).result(10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()
            self._loop = None
            self._thread = None


class Worker:
    """Run scheduled runs as tasks of the deployment's loop and keep their threads.

    Args:
        deployment: Where runs, threads and graphs are kept.
    """

    def __init__(self, deployment: Deployment) -> None:
        self._deployment = deployment
        self._thread_locks: dict[str, asyncio.Lock] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def schedule(self, run: RunState) -> None:
        """Start executing ``run`` once its thread is free."""
        self._deployment.loop.call(self._create_task(run), timeout=10)

    async def _create_task(self, run: RunState) -> None:
        """Create the run's task on the loop (so it can be cancelled later)."""
        self._tasks[run.run_id] = asyncio.get_running_loop().create_task(self._execute(run))

    def cancel(self, runs: RunState | Sequence[RunState], action: str, reason: str) -> None:
        """Cancel pending or running runs; their streams simply close.

        Every run is marked cancelled before any task is, so a queued run
        cannot start in the moment its predecessor on the thread lets go.

        Args:
            runs: The run or runs.
            action: ``interrupt`` keeps what they wrote, ``rollback`` deletes it.
            reason: The message of their ``UserInterrupt``, as the server words it.
        """
        chosen = [runs] if isinstance(runs, RunState) else list(runs)
        with self._deployment.lock:
            chosen = [r for r in chosen if r.active]
            for run in chosen:
                run.cancel_action, run.cancel_reason = action, reason
                pending = run.status == "pending"
                run.status = "interrupted"
                run.updated_at = iso_now()
                thread = self._deployment.threads.get(run.thread_id)
                if pending and thread is not None:
                    thread.update({"status": "idle", "updated_at": iso_now()})

        async def cancel_tasks() -> None:
            for run in chosen:
                task = self._tasks.get(run.run_id)
                if task is not None and not task.done():
                    task.cancel()

        if chosen:
            self._deployment.loop.call(cancel_tasks(), timeout=10)

    def forget_runs(self) -> None:
        """Drop the per-thread locks and tasks of a stopped loop."""
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
            "langgraph_api_url": self._deployment.api_url(),
        }

    async def _execute(self, run: RunState) -> None:
        """Run the graph for one run, publishing events and updating the thread."""
        lock = self._thread_locks.setdefault(run.thread_id, asyncio.Lock())
        tracker = CheckpointTracker()
        status = "success"
        error: dict[str, Any] | None = None
        try:
            async with lock:
                after = run.kwargs["config"]["configurable"].get("__after_seconds__") or 0
                if after:
                    await asyncio.sleep(float(after))
                if not run.active:
                    return
                self._start(run)
                try:
                    await self._stream_graph(run, tracker)
                except asyncio.CancelledError:
                    status = "interrupted"
                    kind = "UserRollback" if run.cancel_action == "rollback" else "UserInterrupt"
                    error = {"error": kind, "message": run.cancel_reason or ""}
                except Exception as exc:
                    status = "error"
                    error = error_payload(exc)
                    run.publish("error", error)
                # The graph is done: as on the server, a cancel arriving now (say a client
                # that drops the stream after the last event) no longer changes the outcome.
                self._tasks.pop(run.run_id, None)
                await self._leave_thread(run, tracker, status, error)
        except asyncio.CancelledError:  # cancelled while waiting for the thread lock
            status = "interrupted"
        finally:
            self._tasks.pop(run.run_id, None)
            run.finish(status)
            if run.temporary:
                self._deployment.forget_thread(run.thread_id)

    async def _leave_thread(
        self,
        run: RunState,
        tracker: CheckpointTracker,
        status: str,
        error: dict[str, Any] | None,
    ) -> None:
        """Set the thread (and, for a rollback, delete the run) once the graph stopped."""
        if run.temporary:
            return
        deployment = self._deployment
        if status == "interrupted" and run.cancel_action == "rollback":
            with deployment.lock:
                deployment.runs.pop(run.run_id, None)
            await delete_run_checkpoints(deployment.saver.inner, run.thread_id, run.run_id)
            deployment.finish_thread(run, None, error, cancelled=True)
            return
        checkpoint = tracker.checkpoint
        if checkpoint is None and status == "success":
            checkpoint = await deployment.latest_checkpoint(run.thread_id)
        deployment.finish_thread(run, checkpoint, error, cancelled=status == "interrupted")

    def _start(self, run: RunState) -> None:
        """Mark the run started, record it and publish its ``metadata`` event.

        The server mutates the stored run's ``kwargs.config`` when it starts
        the run, so ``GET …/runs/{id}`` shows the attempt metadata and the node
        counter hook (a function, hence ``null`` on the wire) from then on.
        """
        deployment = self._deployment
        with deployment.lock:
            run.status = "running"
            run.updated_at = iso_now()
            config = run.kwargs["config"]
            config["metadata"].update(self.attempt_metadata())
            config["configurable"].pop("__context_provided__", None)
            config["configurable"]["__pregel_node_finished"] = None
            thread = deployment.threads.get(run.thread_id)
            if thread is not None:
                thread["status"] = "busy"
        deployment.log.add_run(
            RunRecord(
                run_id=run.run_id,
                thread_id=run.thread_id,
                graph_id=run.graph_id,
                assistant_id=run.assistant_id,
                stateless=run.temporary,
                input=run.kwargs["input"],
                command=run.kwargs["command"],
            )
        )
        run.publish("metadata", {"run_id": run.run_id, "attempt": 1})

    async def _stream_graph(self, run: RunState, tracker: CheckpointTracker) -> None:
        """Drive ``graph.astream`` and publish the translated events.

        Like the server, only the graph's output channels are streamed as
        ``values`` (and ``updates`` keep only their writes to them), and
        ``debug`` is always requested so the last checkpoint can be tracked.
        """
        deployment = self._deployment
        kwargs = run.kwargs
        graphs = deployment.stateless_graphs if run.temporary else deployment.graphs
        graph = graphs[run.graph_id]
        translator = EventTranslator(kwargs["stream_mode"], kwargs["subgraphs"])
        with deployment.lock:
            config: dict[str, Any] = {
                k: v for k, v in kwargs["config"].items() if k not in ("configurable", "metadata")
            }
            config["configurable"] = dict(kwargs["config"]["configurable"])
            config["metadata"] = dict(kwargs["config"]["metadata"])
        config["run_id"] = uuid.UUID(run.run_id)
        command = kwargs["command"]
        # As ``if cmd := kwargs.pop("command")`` on the server: an empty command is no command.
        graph_input: Any = map_command(command) if command else kwargs["input"]
        options: dict[str, Any] = {
            "stream_mode": translator.graph_modes(),
            "output_keys": graph.output_channels,
            "subgraphs": kwargs["subgraphs"],
            "interrupt_before": kwargs["interrupt_before"],
            "interrupt_after": kwargs["interrupt_after"],
            "context": kwargs["context"],
            # Without a checkpointer langgraph only warns that durability is moot.
            "durability": None if run.temporary else kwargs["durability"],
        }
        astream: Any = graph.astream
        if "events" in kwargs["stream_mode"]:
            parts = self._events(graph, graph_input, config, options, run)
        else:
            parts = astream(graph_input, config, **options)
        async for part in parts:
            if isinstance(part, dict):  # a langchain event (``stream_mode="events"``)
                run.publish("events", part)
                continue
            ns, mode, chunk = part if kwargs["subgraphs"] else ((), *part)
            if mode == "debug":
                chunk = debug_chunk(chunk)
                tracker.observe(chunk)
            for event, data in translator.translate(ns, mode, chunk):
                run.publish(event, data)

    @staticmethod
    async def _events(
        graph: Any, graph_input: Any, config: dict[str, Any], options: dict[str, Any], run: RunState
    ) -> AsyncIterator[Any]:
        """Stream with ``astream_events``, as the server does when ``events`` is asked for.

        The root graph's own ``on_chain_stream`` events carry the other modes'
        chunks; every other event (not hidden from tracing) is sent as is.
        """
        options = {k: v for k, v in options.items() if k != "output_keys"}
        async for event in graph.astream_events(graph_input, config, version="v2", **options):
            if "langsmith:hidden" in (event.get("tags") or []):
                continue
            if event["event"] == "on_chain_stream" and event["run_id"] == run.run_id:
                chunk = event["data"]["chunk"]
                yield tuple(chunk)
            else:
                yield event
