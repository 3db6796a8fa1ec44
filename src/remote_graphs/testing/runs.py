"""Hold one run's lifecycle and turn graph stream chunks into wire events.

A run is created by a request thread, executed as a task on the fake's event
loop and watched by any number of HTTP responses (the creating stream, a
``join``, a reconnecting ``join_stream``). Events therefore go through a
small fan-out channel of thread-safe queues rather than a single generator.
The translation rules (event names, ``messages-tuple``, legacy ``messages``,
subgraph namespaces, debug checkpoint payloads) follow ``langgraph_api``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from langchain_core.messages import BaseMessage, BaseMessageChunk, message_chunk_to_message

from remote_graphs.testing.wire import iso_now, json_dumps, sse_event, to_jsonable

__all__ = [
    "ABORT",
    "END",
    "CheckpointTracker",
    "EventTranslator",
    "RunResult",
    "RunState",
    "debug_chunk",
    "runnable_config_to_checkpoint",
]

END: Final = object()
"""Queue sentinel: the run finished, close the response normally."""
ABORT: Final = object()
"""Queue sentinel: the server is going away, cut the connection."""

ACTIVE_STATUSES: Final = ("pending", "running")


def runnable_config_to_checkpoint(config: Any) -> dict[str, Any] | None:
    """Reduce a RunnableConfig to the wire ``checkpoint`` object (or None)."""
    if not config or not isinstance(config, dict):
        return None
    conf = config.get("configurable") or {}
    if not conf.get("thread_id") or not conf.get("checkpoint_id"):
        return None
    checkpoint: dict[str, Any] = {
        "checkpoint_id": conf["checkpoint_id"],
        "thread_id": conf["thread_id"],
    }
    if "checkpoint_ns" in conf:
        checkpoint["checkpoint_ns"] = conf["checkpoint_ns"] or ""
    if "checkpoint_map" in conf:
        checkpoint["checkpoint_map"] = conf["checkpoint_map"]
    return checkpoint


def debug_chunk(chunk: Any) -> Any:
    """Give a ``debug`` checkpoint chunk the server's ``checkpoint`` fields."""
    if isinstance(chunk, dict) and chunk.get("type") == "checkpoint":
        return {**chunk, "payload": _debug_checkpoint(chunk["payload"])}
    return chunk


def _debug_checkpoint(payload: dict[str, Any]) -> dict[str, Any]:
    """Add ``checkpoint``/``parent_checkpoint`` to a debug checkpoint payload."""
    tasks = []
    for task in payload.get("tasks", []):
        state = task.get("state")
        if isinstance(state, dict) and state.get("configurable"):
            task = {**task, "checkpoint": state["configurable"]}
            del task["state"]
        tasks.append(task)
    return {
        **payload,
        "checkpoint": runnable_config_to_checkpoint(payload.get("config")),
        "parent_checkpoint": runnable_config_to_checkpoint(payload.get("parent_config")),
        "tasks": tasks,
    }


class CheckpointTracker:
    """Keep the last checkpoint a run streamed, as the server's worker does.

    When the run ends, the server copies this checkpoint's values, next nodes
    and interrupts into the thread record. With ``stream_subgraphs`` the last
    checkpoint can be a subgraph's, and the thread then shows the subgraph's
    state: callers see exactly that on the real server.
    """

    def __init__(self) -> None:
        self.checkpoint: dict[str, Any] | None = None

    def observe(self, chunk: Any) -> None:
        """Take note of one (already translated) ``debug`` chunk."""
        if not isinstance(chunk, dict):
            return
        if chunk.get("type") == "checkpoint":
            self.checkpoint = chunk["payload"]
        elif chunk.get("type") == "task_result" and self.checkpoint is not None:
            result = chunk["payload"]
            for task in self.checkpoint["tasks"]:
                if task["id"] == result["id"]:
                    task.update(result)
                    break


class EventTranslator:
    """Map ``graph.astream`` output to ``(event name, data)`` pairs.

    Args:
        stream_mode: The modes the client asked for, as sent.
        subgraphs: Whether subgraph events are wanted (``stream_subgraphs``).
    """

    def __init__(self, stream_mode: Sequence[str], subgraphs: bool) -> None:
        self.requested = list(stream_mode)
        self.subgraphs = subgraphs
        self._messages: dict[str | None, BaseMessage] = {}

    def graph_modes(self) -> list[str]:
        """Return the ``stream_mode`` list to pass to the graph (``debug`` always)."""
        modes = (set(self.requested) - {"events"}) | {"debug"}
        if "messages-tuple" in modes:
            modes.discard("messages-tuple")
            modes.add("messages")
        return sorted(modes)

    def translate(self, ns: Sequence[str], mode: str, chunk: Any) -> list[tuple[str, Any]]:
        """Translate one stream chunk into zero or more wire events."""
        suffix = "|" + "|".join(ns) if self.subgraphs and ns else ""
        if mode == "messages":
            if "messages-tuple" in self.requested:
                return [("messages" + suffix, list(chunk))]
            return self._legacy_messages(chunk)
        if mode in self.requested:
            return [(mode + suffix, chunk)]
        return []

    def _legacy_messages(self, chunk: Any) -> list[tuple[str, Any]]:
        """Emit ``messages/metadata`` + ``messages/partial|complete`` like the server."""
        msg, meta = chunk
        out: list[tuple[str, Any]] = []
        if msg.id in self._messages:
            self._messages[msg.id] = self._messages[msg.id] + msg
        else:
            self._messages[msg.id] = msg
            out.append(("messages/metadata", {msg.id: {"metadata": meta}}))
        acc = self._messages[msg.id]
        if isinstance(msg, BaseMessageChunk):
            out.append(("messages/partial", [message_chunk_to_message(acc)]))
        else:
            out.append(("messages/complete", [acc]))
        return out


class RunResult:
    """Compute the body of ``runs/wait`` and ``join`` from the run's events."""

    def __init__(self) -> None:
        self.error: Any = None
        self.latest: Any = None
        self.interrupt_chunks: list[dict[str, Any]] = []

    def absorb(self, event: str, data: Any) -> None:
        """Take note of one root-level event (namespaced ones are ignored)."""
        if event == "error":
            self.error = data
        elif event in ("values", "updates"):
            if isinstance(data, dict) and data.get("__interrupt__"):
                self.interrupt_chunks.append(data)
                self.latest = data
            elif event == "values":
                self.latest = data

    def body(self, fallback: Any) -> Any:
        """Return the final wait result; ``fallback`` is the thread's values."""
        if self.error is not None:
            return {"__error__": self.error}
        if len(self.interrupt_chunks) > 1:
            merged: list[Any] = []
            for chunk in self.interrupt_chunks:
                merged.extend(chunk["__interrupt__"])
            return {"__interrupt__": merged}
        if self.interrupt_chunks:
            return self.interrupt_chunks[-1]
        if self.latest is not None:
            return self.latest
        return fallback if fallback else {}


@dataclass
class RunState:
    """Everything the fake knows about one run, mutable while it executes."""

    run_id: str
    thread_id: str
    assistant_id: str
    graph_id: str
    metadata: dict[str, Any]
    kwargs: dict[str, Any]
    multitask_strategy: str
    stream_mode: list[str]
    subgraphs: bool
    resumable: bool
    temporary: bool
    input: Any
    command: Any
    config: dict[str, Any]
    context: Any
    interrupt_before: Any = None
    interrupt_after: Any = None
    durability: str = "async"
    status: str = "pending"
    created_at: str = field(default_factory=iso_now)
    updated_at: str = field(default_factory=iso_now)
    result: Any = None
    cancel_action: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    _frames: list[tuple[str | None, bytes]] = field(default_factory=list)
    _subscribers: list[queue.SimpleQueue[Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: int = 0

    @property
    def active(self) -> bool:
        """True while the run is pending or running."""
        return self.status in ACTIVE_STATUSES

    def to_wire(self) -> dict[str, Any]:
        """Return the run in the server's ``Run`` JSON shape."""
        return {
            "run_id": self.run_id,
            "thread_id": self.thread_id,
            "assistant_id": self.assistant_id,
            "metadata": self.metadata,
            "status": self.status,
            "kwargs": self.kwargs,
            "multitask_strategy": self.multitask_strategy,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "langsmith_session_name": None,
        }

    def subscribe(self, replay_after: str | None = None) -> queue.SimpleQueue[Any]:
        """Return a queue that receives this run's next SSE frames, then END.

        Args:
            replay_after: For resumable runs, an event id; frames after it are
                replayed first (the ``Last-Event-ID`` of a reconnect).
        """
        q: queue.SimpleQueue[Any] = queue.SimpleQueue()
        with self._lock:
            if replay_after is not None:
                seen = False
                for frame_id, frame in self._frames:
                    if seen:
                        q.put(frame)
                    seen = seen or frame_id == replay_after
            if self.done.is_set():
                q.put(END)
            else:
                self._subscribers.append(q)
        return q

    def unsubscribe(self, q: queue.SimpleQueue[Any]) -> None:
        """Stop feeding a queue (its response ended or the client left)."""
        with self._lock:
            if q in self._subscribers:
                self._subscribers.remove(q)

    def publish(self, event: str, data: Any) -> None:
        """Encode one event and hand it to every subscriber."""
        frame_id: str | None = None
        payload = json_dumps(data)
        if self.resumable:
            frame_id = f"{time.time_ns() // 1_000_000}-{self._seq}"
            self._seq += 1
        frame = sse_event(event, payload, frame_id)
        with self._lock:
            if self.resumable:
                self._frames.append((frame_id, frame))
            for q in self._subscribers:
                q.put(frame)

    def finish(self, status: str, result: Any) -> None:
        """Record the final status and result, then release every watcher."""
        with self._lock:
            self.status = status
            self.result = to_jsonable(result)
            self.updated_at = iso_now()
            self.done.set()
            for q in self._subscribers:
                q.put(END)
            self._subscribers.clear()

    def abort_watchers(self) -> None:
        """Make every open response cut its connection (server shutting down)."""
        with self._lock:
            for q in self._subscribers:
                q.put(ABORT)
            self._subscribers.clear()
