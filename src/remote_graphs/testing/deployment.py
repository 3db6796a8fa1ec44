"""Keep one fake deployment's assistants, threads and runs, and execute runs.

This is the in-memory equivalent of the Agent Server's storage and worker:
it validates run requests with the same rules and error messages, serialises
runs per thread (``multitask_strategy`` ``enqueue``/``reject``/``interrupt``),
executes graphs on the private event loop against a per-deployment
checkpointer and keeps thread status, values, interrupts and errors up to date.
HTTP concerns live in :mod:`remote_graphs.testing.fake_server`.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

import langgraph.version
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.errors import InvalidUpdateError
from langgraph.pregel import Pregel
from langgraph.types import Command, Send, StateSnapshot

from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.loop import LoopThread
from remote_graphs.testing.records import RequestLog, RunRecord
from remote_graphs.testing.runs import (
    EventTranslator,
    RunResult,
    RunState,
    runnable_config_to_checkpoint,
)
from remote_graphs.testing.wire import error_payload, iso_now, to_jsonable, uuid7

__all__ = ["API_VERSION", "NAMESPACE_GRAPH", "Deployment", "assistant_id_for"]

NAMESPACE_GRAPH: Final = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
"""Namespace of the system assistants' uuid5 ids."""
API_VERSION: Final = "0.16.7"
"""The langgraph-api version whose wire protocol the fake reproduces."""

STREAM_MODES: Final = frozenset(
    {
        "values",
        "messages",
        "messages-tuple",
        "updates",
        "events",
        "debug",
        "custom",
        "tasks",
        "checkpoints",
    }
)
_NO_GRAPH_DETAIL: Final = (
    "Thread '{}' has no assigned graph ID. This usually occurs when no runs have been made on "
    "this particular thread. This operation requires a graph ID. Please ensure a run has been "
    "made for the thread or manually update the thread metadata (by setting the 'graph_id' "
    "field) before running this operation."
)
_CANCEL_MESSAGE: Final = "interrupt requested via POST /threads/{thread_id}/runs/{run_id}/cancel"
_EMPTY_STATE: Final[dict[str, Any]] = {
    "values": {},
    "next": [],
    "tasks": [],
    "metadata": None,
    "created_at": None,
    "checkpoint": None,
    "parent_checkpoint": None,
    "interrupts": [],
    "checkpoint_id": None,
    "parent_checkpoint_id": None,
}


class UserInterrupt(Exception):
    """A run cancelled through the API (named like the server's exception)."""


def _dict(value: Any) -> dict[str, Any]:
    """Return ``value`` when it is a dict, else an empty dict (lenient bodies)."""
    return value if isinstance(value, dict) else {}


def assistant_id_for(graph_id: str) -> str:
    """Return the system assistant id the server derives from a graph id."""
    return str(uuid.uuid5(NAMESPACE_GRAPH, graph_id))


def parse_uuid(value: Any, status: int, detail: str | None = None) -> str:
    """Return ``value`` as a canonical UUID string or raise ``ApiError(status)``."""
    try:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    except ValueError as exc:
        raise ApiError(status, detail or str(exc)) from None


def _patch_interrupt(interrupt: Any) -> dict[str, Any]:
    """Return an interrupt as ``{"id", "value"}`` (state and thread form)."""
    patched = {"id": interrupt.id, "value": interrupt.value}
    if getattr(interrupt, "response_schema", None) is not None:
        patched["response_schema"] = interrupt.response_schema
    return patched


def _wire_metadata(state: StateSnapshot) -> dict[str, Any] | None:
    """Return a checkpoint's metadata with the ``thread_id`` the server reports.

    langgraph leaves ``thread_id`` out of checkpoint metadata, but the server's
    checkpointer stores it (from the run's config metadata), so every
    ThreadState it returns has it. Adding it on read keeps that true for any
    checkpointer given to the fake.
    """
    if state.metadata is None:
        return None
    metadata: dict[str, Any] = dict(state.metadata)
    thread_id = (state.config or {}).get("configurable", {}).get("thread_id")
    if thread_id and "thread_id" not in metadata:
        metadata["thread_id"] = thread_id
    return metadata


def _history_filter(raw: Any, thread_id: str) -> dict[str, Any] | Literal[False] | None:
    """Turn a history ``metadata`` filter into one the checkpointer can apply.

    ``thread_id`` is added to metadata on read (see ``_wire_metadata``), so it
    is checked here instead. Returns False when it names another thread.
    """
    if not isinstance(raw, dict):
        return None
    metadata = dict(raw)
    if "thread_id" in metadata and str(metadata.pop("thread_id")) != thread_id:
        return False
    return metadata


def snapshot_to_wire(state: StateSnapshot) -> dict[str, Any]:
    """Convert a StateSnapshot to the ThreadState JSON shape of the server."""
    return {
        "values": state.values,
        "next": list(state.next),
        "tasks": [
            {
                "id": t.id,
                "name": t.name,
                "path": list(t.path),
                "error": t.error,
                "interrupts": [_patch_interrupt(i) for i in t.interrupts],
                "checkpoint": t.state["configurable"]
                if t.state is not None and not isinstance(t.state, StateSnapshot)
                else None,
                "state": snapshot_to_wire(t.state) if isinstance(t.state, StateSnapshot) else None,
                "result": getattr(t, "result", None),
            }
            for t in state.tasks
        ],
        "metadata": _wire_metadata(state),
        "created_at": state.created_at,
        "checkpoint": runnable_config_to_checkpoint(state.config),
        "parent_checkpoint": runnable_config_to_checkpoint(state.parent_config),
        "interrupts": [_patch_interrupt(i) for i in state.interrupts],
        "checkpoint_id": state.config["configurable"].get("checkpoint_id")
        if state.config
        else None,
        "parent_checkpoint_id": state.parent_config["configurable"]["checkpoint_id"]
        if state.parent_config
        else None,
    }


def map_command(cmd: Mapping[str, Any]) -> Command[Any]:
    """Build a ``Command`` from its wire form, like ``langgraph_api.command``."""
    goto = cmd.get("goto")
    if goto is not None and not isinstance(goto, list):
        goto = [goto]
    update = cmd.get("update")
    if isinstance(update, tuple | list) and all(
        isinstance(t, tuple | list) and len(t) == 2 and isinstance(t[0], str) for t in update
    ):
        update = [tuple(t) for t in update]
    return Command(
        update=update,
        goto=[g if isinstance(g, str) else Send(g["node"], g["input"]) for g in goto]
        if goto
        else (),
        resume=cmd.get("resume"),
    )


class Deployment:
    """The state and run engine behind one fake Agent Server.

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
        self.saver = checkpointer if checkpointer is not None else InMemorySaver()
        self.graphs: dict[str, Pregel[Any, Any, Any, Any]] = {
            gid: graph.copy(update={"checkpointer": self.saver}) for gid, graph in graphs.items()
        }
        # The server runs stateless runs without a checkpointer: they write no
        # checkpoints, so they stream no ``checkpoints`` or debug checkpoint events.
        self._stateless_graphs = {
            gid: graph.copy(update={"checkpointer": None}) for gid, graph in graphs.items()
        }
        self.log = log
        self.api_url = api_url
        self.loop = LoopThread()
        self.lock = threading.RLock()
        now = iso_now()
        self.assistants: dict[str, dict[str, Any]] = {}
        for gid in self.graphs:
            aid = assistant_id_for(gid)
            self.assistants[aid] = {
                "assistant_id": aid,
                "graph_id": gid,
                "config": {},
                "context": {},
                "metadata": {"created_by": "system"},
                "name": gid,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "description": None,
            }
        self.threads: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, RunState] = {}
        self._thread_locks: dict[str, asyncio.Lock] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

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
            self._thread_locks.clear()
            self._tasks.clear()

    # -- assistants ------------------------------------------------------------

    def resolve_assistant(self, value: Any) -> dict[str, Any]:
        """Find the assistant for a run body's ``assistant_id`` (name or UUID)."""
        if isinstance(value, str) and value in self.graphs:
            return self.assistants[assistant_id_for(value)]
        try:
            aid = str(uuid.UUID(str(value)))
        except ValueError:
            names = ", ".join(self.graphs)
            raise ApiError(
                422,
                f"Invalid assistant: '{value}'. Must be either:\n- A valid assistant UUID, or\n"
                f"- One of the registered graphs: {names}",
            ) from None
        assistant = self.assistants.get(aid)
        if assistant is None:
            raise ApiError(404, "Thread or assistant not found.")
        return assistant

    def assistant_by_uuid(self, value: str, *, allow_name: bool = False) -> dict[str, Any]:
        """Find an assistant for the ``/assistants/{id}`` routes."""
        if allow_name and value in self.graphs:
            return self.assistants[assistant_id_for(value)]
        aid = parse_uuid(value, 422, "Invalid assistant ID: must be a UUID")
        assistant = self.assistants.get(aid)
        if assistant is None:
            raise ApiError(404, "Not Found")
        return assistant

    # -- threads ---------------------------------------------------------------

    def new_thread(
        self, thread_id: str, metadata: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Insert a fresh idle thread (caller holds the lock)."""
        now = iso_now()
        thread: dict[str, Any] = {
            "thread_id": thread_id,
            "created_at": now,
            "updated_at": now,
            "state_updated_at": now,
            "metadata": dict(metadata or {}),
            "status": "idle",
            "config": {},
            "values": None,
        }
        self.threads[thread_id] = thread
        return thread

    def create_thread(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a thread (``POST /threads``) honouring ``if_exists``."""
        raw_id = body.get("thread_id")
        thread_id = (
            parse_uuid(raw_id, 422, "Invalid thread ID: must be a UUID") if raw_id else str(uuid7())
        )
        if_exists = body.get("if_exists") or "raise"
        if if_exists not in ("raise", "do_nothing"):
            raise ApiError(422, f"'{if_exists}' is not one of ['raise', 'do_nothing']")
        with self.lock:
            existing = self.threads.get(thread_id)
            if existing is not None:
                if if_exists == "do_nothing":
                    return dict(existing)
                raise ApiError(409, f"Thread with ID {thread_id} already exists")
            metadata = body.get("metadata")
            return dict(self.new_thread(thread_id, metadata if isinstance(metadata, dict) else {}))

    def get_thread(self, raw_id: str) -> dict[str, Any]:
        """Return a thread by id, with the server's 422/404 errors."""
        thread_id = parse_uuid(raw_id, 422, "Invalid thread ID: must be a UUID")
        with self.lock:
            thread = self.threads.get(thread_id)
            if thread is None:
                raise ApiError(404, f"Thread with ID {thread_id} not found")
            return dict(thread)

    def _graph_of(self, thread: Mapping[str, Any]) -> Pregel[Any, Any, Any, Any] | None:
        gid = thread["metadata"].get("graph_id")
        return self.graphs.get(gid) if isinstance(gid, str) else None

    def get_state(
        self, raw_id: str, checkpoint: Mapping[str, Any] | None = None, subgraphs: bool = False
    ) -> dict[str, Any]:
        """Return a thread's ThreadState, at ``checkpoint`` if given."""
        thread = self.get_thread(raw_id)
        graph = self._graph_of(thread)
        if graph is None:
            return dict(_EMPTY_STATE)
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
        graph = self._graph_of(thread)
        if graph is None:
            return []
        limit = body.get("limit", 1)
        checkpoint = _dict(body.get("checkpoint"))
        configurable = {**checkpoint, "thread_id": thread["thread_id"]}
        configurable.setdefault("checkpoint_ns", "")
        before = body.get("before")
        before_config: Any = None
        if isinstance(before, str):
            before_config = {"configurable": {"checkpoint_id": before}}
        elif isinstance(before, dict):
            before_config = before if "configurable" in before else {"configurable": before}
        metadata = _history_filter(body.get("metadata"), thread["thread_id"])
        if metadata is False:
            return []

        async def collect() -> list[dict[str, Any]]:
            return [
                snapshot_to_wire(s)
                async for s in graph.aget_state_history(
                    {"configurable": configurable},
                    filter=metadata,
                    before=before_config,
                    limit=limit,
                )
            ]

        history: list[dict[str, Any]] = to_jsonable(self.loop.call(collect()))
        return history

    def update_state(self, raw_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Apply ``POST /threads/{id}/state`` and return the new checkpoint."""
        thread = self.get_thread(raw_id)
        graph = self._graph_of(thread)
        if graph is None:
            raise ApiError(400, _NO_GRAPH_DETAIL.format(thread["thread_id"]))
        checkpoint = _dict(body.get("checkpoint"))
        configurable = {
            "graph_id": thread["metadata"]["graph_id"],
            **checkpoint,
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
        self.loop.call(self._sync_thread(thread["thread_id"], None))
        conf = new_config["configurable"]
        point = {
            "thread_id": conf["thread_id"],
            "checkpoint_ns": conf.get("checkpoint_ns", ""),
            "checkpoint_id": conf["checkpoint_id"],
        }
        return {
            "checkpoint": point,
            "configurable": dict(point),
            "checkpoint_id": conf["checkpoint_id"],
        }

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
        assistant = self.resolve_assistant(body.get("assistant_id"))
        command = body.get("command")
        if stateless and isinstance(command, dict) and command.get("resume"):
            raise ApiError(400, "You must provide a thread_id when resuming.")
        user_config = dict(body["config"]) if isinstance(body.get("config"), dict) else {}
        user_configurable = dict(user_config.get("configurable") or {})
        context = body.get("context") or {}
        if user_configurable and context:
            raise ApiError(
                400,
                "Cannot specify both configurable and context. Prefer setting context alone. "
                "Context was introduced in LangGraph 0.6.0 and is the long term planned "
                "replacement for configurable.",
            )
        if context:
            user_configurable = dict(context)
        stream_mode = body.get("stream_mode") or ["values"]
        if isinstance(stream_mode, str):
            stream_mode = [stream_mode]
        multitask = body.get("multitask_strategy") or "enqueue"
        if_not_exists = "create" if stateless else (body.get("if_not_exists") or "reject")
        run_id = str(uuid7())
        thread_id = str(uuid7()) if stateless else str(raw_thread_id)
        graph_id = assistant["graph_id"]
        aid = assistant["assistant_id"]

        with self.lock:
            thread = self.threads.get(thread_id)
            existed = thread is not None
            if thread is None:
                if if_not_exists != "create":
                    raise ApiError(404, "Thread or assistant not found.")
                meta = {
                    "graph_id": graph_id,
                    "assistant_id": aid,
                    **(user_config.get("metadata") or {}),
                    **(body.get("metadata") or {}),
                }
                thread = self.new_thread(thread_id, meta)
            inflight = [r for r in self.runs.values() if r.thread_id == thread_id and r.active]
            if inflight and multitask == "reject":
                raise ApiError(
                    409,
                    "Thread is already running a task. Wait for it to finish or choose a different "
                    "multitask strategy.",
                )
            if thread["status"] != "busy":
                thread["status"] = "busy"
                thread["metadata"] = {
                    **thread["metadata"],
                    "graph_id": graph_id,
                    "assistant_id": aid,
                }
                thread["updated_at"] = iso_now()
            # Like the server: the thread's metadata as just updated, unless it was created here.
            thread_meta = dict(thread["metadata"]) if existed else {}
            metadata: dict[str, Any] = {
                "created_by": "system",
                **thread_meta,
                **(user_config.get("metadata") or {}),
                **(body.get("metadata") or {}),
                "assistant_id": aid,
            }
            configurable: dict[str, Any] = dict(user_configurable)
            if body.get("checkpoint_id"):
                configurable["checkpoint_id"] = str(body["checkpoint_id"])
            if isinstance(body.get("checkpoint"), dict):
                configurable.update(body["checkpoint"])
            configurable.update({k: v for k, v in headers.items() if header_filter(k)})
            configurable.update(
                {
                    "langgraph_auth_user": None,
                    "langgraph_auth_user_id": "",
                    "langgraph_auth_permissions": [],
                    "langgraph_request_id": headers.get("x-request-id") or str(uuid.uuid4()),
                    "__request_start_time_ms__": int(time.time() * 1000),
                    "__after_seconds__": body.get("after_seconds") or 0,
                    "run_id": run_id,
                    "thread_id": thread_id,
                    "graph_id": graph_id,
                    "assistant_id": aid,
                    "user_id": user_configurable.get("user_id") or "",
                }
            )
            config = {
                **{k: v for k, v in user_config.items() if k not in ("configurable", "metadata")},
                "configurable": configurable,
                "metadata": dict(metadata),
            }
            durability = body.get("durability") or (
                "async" if body.get("checkpoint_during") in (None, True) else "exit"
            )
            kwargs = {
                "input": body.get("input"),
                "command": command,
                "config": config,
                "context": context,
                "stream_mode": list(stream_mode),
                "interrupt_before": body.get("interrupt_before"),
                "interrupt_after": body.get("interrupt_after"),
                "webhook": body.get("webhook"),
                "feedback_keys": body.get("feedback_keys"),
                "temporary": stateless and body.get("on_completion", "delete") == "delete",
                "subgraphs": bool(body.get("stream_subgraphs", False)),
                "resumable": bool(body.get("stream_resumable", False)),
                "checkpoint_during": body.get("checkpoint_during", True),
                "durability": durability,
            }
            run = RunState(
                run_id=run_id,
                thread_id=thread_id,
                assistant_id=aid,
                graph_id=graph_id,
                metadata=metadata,
                kwargs=to_jsonable(kwargs),
                multitask_strategy=multitask,
                stream_mode=list(stream_mode),
                subgraphs=bool(body.get("stream_subgraphs", False)),
                resumable=bool(body.get("stream_resumable", False)),
                temporary=bool(kwargs["temporary"]),
                input=body.get("input"),
                command=command,
                config=config,
                context=context or None,
                interrupt_before=body.get("interrupt_before"),
                interrupt_after=body.get("interrupt_after"),
                durability=str(durability),
            )
            self.runs[run_id] = run
        if multitask in ("interrupt", "rollback"):
            for other in inflight:
                self.cancel(other, multitask)
        subscription = run.subscribe()
        self.loop.call(self._schedule(run), timeout=10)
        return run, subscription

    async def _schedule(self, run: RunState) -> None:
        """Create the run's task on the loop (so it can be cancelled later)."""
        self._tasks[run.run_id] = asyncio.get_running_loop().create_task(self._execute(run))

    def cancel(self, run: RunState, action: str = "interrupt") -> None:
        """Cancel a pending or running run; its streams simply close."""
        run.cancel_action = action

        async def do_cancel() -> None:
            task = self._tasks.get(run.run_id)
            if task is not None and not task.done():
                task.cancel()

        self.loop.call(do_cancel(), timeout=10)

    async def _execute(self, run: RunState) -> None:
        """Run the graph for one run, publishing events and updating the thread."""
        lock = self._thread_locks.setdefault(run.thread_id, asyncio.Lock())
        translator = EventTranslator(run.stream_mode, run.subgraphs)
        result = RunResult()
        status = "success"
        error: dict[str, Any] | None = None
        try:
            async with lock:
                self._mark_started(run)
                self.log.add_run(
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
                try:
                    await self._stream_graph(run, translator, result)
                except asyncio.CancelledError:
                    status = "interrupted"
                    error = {
                        "error": "UserInterrupt",
                        "message": _CANCEL_MESSAGE,
                    }
                except Exception as exc:
                    status = "error"
                    error = error_payload(exc)
                    run.publish("error", error)
                    result.absorb("error", error)
                # The graph is done: as on the server, a cancel arriving now (say a client
                # that drops the stream after the last event) no longer changes the outcome.
                self._tasks.pop(run.run_id, None)
                await self._sync_thread(run.thread_id, error, cancelled=status == "interrupted")
        except asyncio.CancelledError:  # cancelled while waiting for the thread lock
            status = "interrupted"
        finally:
            self._tasks.pop(run.run_id, None)
            fallback = self.threads.get(run.thread_id, {}).get("values")
            run.finish(status, result.body(fallback))
            if run.temporary:
                self._drop_thread(run.thread_id)

    async def _stream_graph(
        self, run: RunState, translator: EventTranslator, result: RunResult
    ) -> None:
        """Drive ``graph.astream`` and publish the translated events."""
        graph = (self._stateless_graphs if run.temporary else self.graphs)[run.graph_id]
        config = {**run.config, "run_id": uuid.UUID(run.run_id)}
        config["metadata"] = {
            **run.config["metadata"],
            **self._attempt_metadata(),
            "thread_id": run.thread_id,
            "run_id": run.run_id,
        }
        graph_input: Any = map_command(run.command) if isinstance(run.command, dict) else run.input
        stream: Any = graph.astream
        async for part in stream(
            graph_input,
            config,
            stream_mode=translator.graph_modes(),
            subgraphs=run.subgraphs,
            interrupt_before=run.interrupt_before,
            interrupt_after=run.interrupt_after,
            context=run.context,
            # Without a checkpointer langgraph only warns that durability is moot.
            durability=None if run.temporary else run.durability,
        ):
            ns, mode, chunk = part if run.subgraphs else ((), *part)
            for event, data in translator.translate(ns, mode, chunk):
                if not ns:
                    result.absorb(event, data)
                run.publish(event, data)

    def _attempt_metadata(self) -> dict[str, Any]:
        """Return what the server adds to a run's config metadata when it starts."""
        return {
            "run_attempt": 1,
            "langgraph_version": langgraph.version.__version__,
            "langgraph_api_version": API_VERSION,
            "langgraph_plan": "enterprise",
            "langgraph_host": "self-hosted",
            "langgraph_api_url": self.api_url(),
        }

    def _mark_started(self, run: RunState) -> None:
        """Flag a run (and its thread) as running, as the server's worker does.

        The server mutates the stored run's ``kwargs.config`` when it starts
        the run, so ``GET /runs/{id}`` shows the attempt metadata and the node
        counter hook (a function, hence ``null`` on the wire) from then on.
        """
        with self.lock:
            run.status = "running"
            run.updated_at = iso_now()
            config = run.kwargs["config"]
            config["metadata"].update(self._attempt_metadata())
            config["configurable"]["__pregel_node_finished"] = None
            thread = self.threads.get(run.thread_id)
            if thread is not None:
                thread["status"] = "busy"

    async def _sync_thread(
        self, thread_id: str, error: dict[str, Any] | None, *, cancelled: bool = False
    ) -> None:
        """Copy the latest checkpoint into the thread record and set its status."""
        with self.lock:
            thread = self.threads.get(thread_id)
        if thread is None:
            return
        graph = self._graph_of(thread)
        state = None
        if graph is not None:
            state = await graph.aget_state(
                {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
            )
        interrupts: dict[str, list[dict[str, Any]]] = {}
        if state is not None:
            for task in state.tasks:
                if task.interrupts:
                    interrupts[task.id] = [_patch_interrupt(i) for i in task.interrupts]
        if error is not None:
            status = "interrupted" if cancelled else "error"
        elif state is not None and (state.next or interrupts):
            status = "interrupted"
        else:
            status = "idle"
        now = iso_now()
        with self.lock:
            thread.update(
                {
                    "updated_at": now,
                    "state_updated_at": now,
                    "status": status,
                    "config": {"configurable": {}},
                    "values": to_jsonable(state.values)
                    if state is not None and state.created_at
                    else thread["values"],
                    "error": error,
                    "interrupts": to_jsonable(interrupts),
                }
            )

    def _drop_thread(self, thread_id: str) -> None:
        """Delete a temporary thread and its checkpoints after a stateless run."""
        with self.lock:
            self.threads.pop(thread_id, None)
        with contextlib.suppress(Exception):
            self.saver.delete_thread(thread_id)
        self._thread_locks.pop(thread_id, None)

    def get_run(self, raw_thread_id: str, raw_run_id: str) -> RunState:
        """Find a run of a thread, with the server's 422/404 errors."""
        thread_id = parse_uuid(raw_thread_id, 422, "Invalid thread ID: must be a UUID")
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

    def thread_values(self, thread_id: str) -> Any:
        """Return a thread's stored values (the wait fallback)."""
        with self.lock:
            thread = self.threads.get(thread_id)
            return None if thread is None else thread.get("values")
