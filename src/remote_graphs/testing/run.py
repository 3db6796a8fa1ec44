"""Create runs the way the server's ``create_valid_run`` does, and fan their events out.

The server derives much more than the client sent: the run's ``configurable``
merges the assistant's and the thread's and gains the thread, graph,
assistant and request ids (and allowed headers); its metadata merges the
assistant's, the thread's and the caller's; ``kwargs`` (shown by
``GET …/runs/{id}``) records every option with the server's defaults.

A run is executed as a task on the fake's event loop and watched by any
number of HTTP responses (the creating stream, a ``join``, a reconnecting
``join_stream``, a thread stream), so its events go through a small fan-out
channel of thread-safe queues rather than a single generator.
"""

from __future__ import annotations

import copy
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from remote_graphs.testing.serde import iso_now, json_dumps, mapping_or_empty, to_jsonable
from remote_graphs.testing.validation import ApiError
from remote_graphs.testing.webhook import check_webhook

__all__ = [
    "ABORT",
    "END",
    "ConfigurableHeaders",
    "Frame",
    "RunRequest",
    "RunState",
    "ThreadChannel",
    "build_run",
]

END: Final = object()
"""Queue sentinel: the run finished, close the response normally."""
ABORT: Final = object()
"""Queue sentinel: the server is going away, cut the connection."""

_ACTIVE: Final = ("pending", "running")
_NEVER_COPIED_HEADERS: Final = frozenset(
    {"x-api-key", "x-service-key", "x-tenant-id", "authorization"}
)
_BOTH_CONTEXTS: Final = (
    "Cannot specify both configurable and context. Prefer setting context alone. Context was "
    "introduced in LangGraph 0.6.0 and is the long term planned replacement for configurable."
)


class Frame(NamedTuple):
    """One event of a run: its name, its encoded data and (resumable runs) its id."""

    event: str
    data: bytes
    id: str | None


class ThreadChannel:
    """Fan every event of a deployment's runs out to the streams of their threads.

    ``GET /threads/{id}/stream`` follows all runs of a thread, present and
    future, and state updates; each event gets an id, as on the server.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watchers: dict[str, list[queue.SimpleQueue[Any]]] = {}
        self._seq = 0

    def next_id(self) -> str:
        """Return a new ``<ms>-<seq>`` event id."""
        with self._lock:
            self._seq += 1
            return f"{time.time_ns() // 1_000_000}-{self._seq}"

    def watch(self, thread_id: str) -> queue.SimpleQueue[Any]:
        """Return a queue that receives the thread's next events."""
        q: queue.SimpleQueue[Any] = queue.SimpleQueue()
        with self._lock:
            self._watchers.setdefault(thread_id, []).append(q)
        return q

    def unwatch(self, thread_id: str, q: queue.SimpleQueue[Any]) -> None:
        """Stop feeding a queue (its stream ended)."""
        with self._lock:
            watchers = self._watchers.get(thread_id, [])
            if q in watchers:
                watchers.remove(q)

    def publish(self, thread_id: str, event: str, data: bytes, frame_id: str | None = None) -> None:
        """Send one event to the thread's watchers."""
        with self._lock:
            watchers = list(self._watchers.get(thread_id, []))
        if watchers:
            frame = Frame(event, data, frame_id or self.next_id())
            for q in watchers:
                q.put(frame)

    def abort(self) -> None:
        """Make every thread stream cut its connection (server shutting down)."""
        with self._lock:
            watchers = [q for qs in self._watchers.values() for q in qs]
            self._watchers.clear()
        for q in watchers:
            q.put(ABORT)


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
    created_at: str = field(default_factory=iso_now)
    updated_at: str = field(default_factory=iso_now)
    status: str = "pending"
    cancel_reason: str | None = None
    cancel_action: str = "interrupt"
    done: threading.Event = field(default_factory=threading.Event)
    channel: ThreadChannel | None = None
    _frames: list[Frame] = field(default_factory=list)
    _subscribers: list[queue.SimpleQueue[Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: int = 0

    @property
    def active(self) -> bool:
        """True while the run is pending or running."""
        return self.status in _ACTIVE

    @property
    def temporary(self) -> bool:
        """True for a stateless run whose thread is deleted when it ends."""
        return bool(self.kwargs.get("temporary"))

    @property
    def resumable(self) -> bool:
        """True when the run keeps its events so a stream can resume (``stream_resumable``)."""
        return bool(self.kwargs.get("resumable"))

    def to_wire(self) -> dict[str, Any]:
        """Return the run in the server's ``Run`` JSON shape (a copy)."""
        with self._lock:
            return copy.deepcopy(
                {
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
            )

    def _next_id(self) -> str:
        """Return the next ``<ms>-<seq>`` event id (caller holds the lock)."""
        self._seq += 1
        return f"{time.time_ns() // 1_000_000}-{self._seq}"

    def stored_frames(self, after: str) -> list[Frame]:
        """Return the kept frames (resumable runs) whose id comes after ``after``."""
        with self._lock:
            return [f for f in self._frames if f.id is not None and f.id > after]

    def subscribe(self, replay_after: str | None = None) -> queue.SimpleQueue[Any]:
        """Return a queue that receives this run's next frames, then END.

        Args:
            replay_after: For resumable runs, an event id; the frames after it
                are replayed first (the ``Last-Event-ID`` of a reconnect).
        """
        q: queue.SimpleQueue[Any] = queue.SimpleQueue()
        with self._lock:
            if replay_after is not None:
                for frame in self._frames:
                    if (
                        frame.id is not None
                        and frame.id > replay_after
                        and frame.event != "control"
                    ):
                        q.put(frame)
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
        payload = json_dumps(data)
        with self._lock:
            frame_id = self._next_id() if self.resumable else None
            frame = Frame(event, payload, frame_id)
            if self.resumable:
                self._frames.append(frame)
            for q in self._subscribers:
                q.put(frame)
        if self.channel is not None:
            self.channel.publish(self.thread_id, event, payload, frame_id)

    def finish(self, status: str) -> None:
        """Record the final status, then release every watcher."""
        with self._lock:
            self.status = status
            self.updated_at = iso_now()
            if self.resumable:
                self._frames.append(Frame("control", b"done", self._next_id()))
            self.done.set()
            for q in self._subscribers:
                q.put(END)
            self._subscribers.clear()
        if self.channel is not None:
            done = {"status": "run_done", "run_id": self.run_id}
            self.channel.publish(self.thread_id, "metadata", json_dumps(done))

    def abort_watchers(self) -> None:
        """Make every open response cut its connection (server shutting down)."""
        with self._lock:
            for q in self._subscribers:
                q.put(ABORT)
            self._subscribers.clear()


class ConfigurableHeaders:
    """Decide which request headers are copied into a run's ``configurable``.

    Args:
        patterns: Header name globs (only ``*`` is special), matched
            case-insensitively. Credentials headers are never copied.
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        self._patterns = [
            re.compile(".*".join(re.escape(part) for part in p.lower().split("*")))
            for p in patterns
        ]

    def __call__(self, name: str) -> bool:
        """Return whether header ``name`` is copied."""
        name = name.lower()
        if name in _NEVER_COPIED_HEADERS:
            return False
        return any(p.fullmatch(name) for p in self._patterns)


@dataclass(frozen=True, slots=True)
class RunRequest:
    """A run-creation body after the checks that need no stored state.

    Build it with :meth:`parse`; the body itself is kept for the options that
    are copied through unchanged.
    """

    body: Mapping[str, Any]
    assistant: Mapping[str, Any]
    temporary: bool
    config: dict[str, Any]
    context: dict[str, Any]
    stream_mode: list[str]
    multitask: str
    if_not_exists: str

    @classmethod
    def parse(
        cls, body: Mapping[str, Any], assistant: Mapping[str, Any], *, stateless: bool
    ) -> RunRequest:
        """Check and normalise a run body (the assistant is already resolved).

        Raises:
            ApiError: 400 for a stateless resume or for both ``configurable``
                and ``context``; 422 for a malformed ``checkpoint_id`` or a
                webhook URL the server's policy refuses.
        """
        command = body.get("command")
        if stateless and isinstance(command, dict) and command.get("resume"):
            raise ApiError(400, "You must provide a thread_id when resuming.")
        if body.get("checkpoint_id"):
            try:
                uuid.UUID(str(body["checkpoint_id"]))
            except ValueError:
                raise ApiError(422, "Invalid checkpoint ID") from None
        config = copy.deepcopy(mapping_or_empty(body.get("config")))
        configurable = config.setdefault("configurable", {})
        context = dict(body.get("context") or {})
        if configurable and context:
            raise ApiError(400, _BOTH_CONTEXTS)
        if body.get("webhook"):
            check_webhook(str(body["webhook"]))
        if context:
            config["configurable"] = {**context, "__context_provided__": True}
        else:
            context = dict(configurable)
        mode = body.get("stream_mode") or ["values"]
        return cls(
            body=body,
            assistant=assistant,
            temporary=stateless and body.get("on_completion", "delete") == "delete",
            config=config,
            context=context,
            stream_mode=list(mode) if isinstance(mode, list) else [mode],
            multitask=body.get("multitask_strategy") or "enqueue",
            if_not_exists="create" if stateless else (body.get("if_not_exists") or "reject"),
        )

    @property
    def graph_id(self) -> str:
        """The graph of the resolved assistant."""
        return str(self.assistant["graph_id"])

    @property
    def assistant_id(self) -> str:
        """The resolved assistant's id."""
        return str(self.assistant["assistant_id"])

    @property
    def assistant_config(self) -> dict[str, Any]:
        """The resolved assistant's config."""
        return mapping_or_empty(self.assistant.get("config"))

    def new_thread_metadata(self) -> dict[str, Any]:
        """Return the metadata of a thread this run creates (``if_not_exists``)."""
        return {
            "graph_id": self.graph_id,
            "assistant_id": self.assistant_id,
            **mapping_or_empty(self.config.get("metadata")),
            **mapping_or_empty(self.body.get("metadata")),
        }

    def thread_config(self, current: Mapping[str, Any] | None) -> dict[str, Any]:
        """Return a thread's config once this run claims it, merged as the server does.

        The run's own config (tags, metadata...) stays on the thread, but its
        ``configurable`` does not: only the assistant's and the thread's do.
        """
        assistant = self.assistant_config
        return {
            **assistant,
            **(current or {}),
            **self.config,
            "configurable": {
                **mapping_or_empty(assistant.get("configurable")),
                **mapping_or_empty((current or {}).get("configurable")),
            },
        }


def build_run(
    request: RunRequest,
    *,
    run_id: str,
    thread_id: str,
    thread: Mapping[str, Any] | None,
    headers: Mapping[str, str],
    header_filter: Callable[[str], bool],
) -> RunState:
    """Return the pending run the server would store for ``request``.

    Args:
        request: The checked run body.
        run_id: The new run's id.
        thread_id: The thread it runs on (a fresh one for stateless runs).
        thread: The thread record once the run has claimed it, None when this
            run creates it (its metadata and config are then not merged, as on
            the server).
        headers: Request headers (lower-case names).
        header_filter: Decides which headers are copied into ``configurable``.
    """
    body = request.body
    thread_config = mapping_or_empty((thread or {}).get("config"))
    user_configurable = dict(request.config["configurable"])
    if body.get("checkpoint_id"):
        user_configurable["checkpoint_id"] = str(body["checkpoint_id"])
    user_configurable.update(mapping_or_empty(body.get("checkpoint")))
    user_configurable.update({k: v for k, v in headers.items() if header_filter(k)})
    user_configurable.update(
        {
            "langgraph_auth_user": None,
            "langgraph_auth_user_id": "",
            "langgraph_auth_permissions": [],
            "langgraph_request_id": headers.get("x-request-id") or str(uuid.uuid4()),
            "__request_start_time_ms__": int(time.time() * 1000),
            "__after_seconds__": body.get("after_seconds") or 0,
        }
    )
    configurable = {
        **mapping_or_empty(request.assistant_config.get("configurable")),
        **mapping_or_empty(thread_config.get("configurable")),
        **user_configurable,
        "run_id": run_id,
        "thread_id": thread_id,
        "graph_id": request.graph_id,
        "assistant_id": request.assistant_id,
        "user_id": user_configurable.get("user_id")
        or mapping_or_empty(thread_config.get("configurable")).get("user_id")
        or mapping_or_empty(request.assistant_config.get("configurable")).get("user_id")
        or "",
    }
    metadata = {
        **mapping_or_empty(request.assistant.get("metadata")),
        **mapping_or_empty((thread or {}).get("metadata")),
        **mapping_or_empty(request.config.get("metadata")),
        **mapping_or_empty(body.get("metadata")),
        "assistant_id": request.assistant_id,
    }
    config = {
        **request.assistant_config,
        **request.config,
        "configurable": configurable,
        "metadata": metadata,
    }
    durability = body.get("durability") or (
        "async" if body.get("checkpoint_during") in (None, True) else "exit"
    )
    kwargs = {
        "input": body.get("input"),
        "command": body.get("command"),
        "config": config,
        "context": {**mapping_or_empty(request.assistant.get("context")), **request.context},
        "stream_mode": list(request.stream_mode),
        "interrupt_before": body.get("interrupt_before"),
        "interrupt_after": body.get("interrupt_after"),
        "webhook": body.get("webhook"),
        "feedback_keys": body.get("feedback_keys"),
        "temporary": request.temporary,
        "subgraphs": bool(body.get("stream_subgraphs", False)),
        "resumable": bool(body.get("stream_resumable", False)),
        "checkpoint_during": body.get("checkpoint_during", True),
        "durability": durability,
    }
    return RunState(
        run_id=run_id,
        thread_id=thread_id,
        assistant_id=request.assistant_id,
        graph_id=request.graph_id,
        metadata=to_jsonable(metadata),
        kwargs=to_jsonable(kwargs),
        multitask_strategy=request.multitask,
    )
