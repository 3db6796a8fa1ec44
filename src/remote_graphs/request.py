"""One remote run: what the parent's config says about it, and the request that starts it.

The parent's run config is read once, into a ``ParentCall``; remote nodes and
remote tools build their ``RemoteRequest`` from it, so both get the same guard
checks, headers, stream modes and ``context``/``configurable`` handling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.pregel._messages import StreamMessagesHandler
from langsmith.run_helpers import get_current_run_tree

from remote_graphs import guard
from remote_graphs.clients import RemoteClients
from remote_graphs.errors import RemoteRunError
from remote_graphs.threads import child_thread_id, parent_thread_id

# langgraph keeps these in an internal module; RemoteGraph relies on the same keys.
CONFIG_KEY_STREAM = "__pregel_stream"
CONFIG_KEY_RESUMING = "__pregel_resuming"
CONFIG_KEY_SCRATCHPAD = "__pregel_scratchpad"
CONFIG_KEY_RUNTIME = "__pregel_runtime"
CONFIG_KEY_RESUME_MAP = "__pregel_resume_map"
TASK_METADATA = "remote_graphs_task"
"""Run metadata key holding the idempotency key of the parent task a run belongs to."""
USER_HEADER = "x-remote-graphs-user"
"""Carries the calling user's identity to remotes declared with ``forward_user = true``."""
NS_SEP = "|"
INTERRUPT = "__interrupt__"
_RELAYED_MODES = {"values", "updates", "messages", "custom", "debug", "tasks", "checkpoints"}
_PRIVATE_PREFIXES = ("__", "langgraph_", "x-", "checkpoint_", "langsmith", "user-agent")
_PRIVATE_KEYS = {"thread_id", "checkpoint_id", "checkpoint_ns", "checkpoint_map", "run_id"}


@dataclass(frozen=True)
class ParentCall:
    """What the parent's run config says about one remote call, read once."""

    thread_id: str | None
    """The parent's thread (validated as a UUID), or None for a stateless parent run."""
    namespace: str
    """The calling task's checkpoint namespace (``node:task_id``, nested with ``|``)."""
    stream: Any
    """The parent's stream when it streams subgraphs, so remote events are relayed."""
    resuming: bool
    """True when the task runs again after a crash or an interrupt."""
    answers: int
    """How many interrupt answers the parent holds for this task (0 on a fresh run)."""
    context: Any
    """The parent run's runtime context."""
    user: str | None
    """The calling user's identity on a served parent."""
    configurable: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    by_id: bool = False
    """True when the parent was resumed by interrupt id (as a UI resumes what it showed)."""
    streamed: tuple[set[Any], ...] = ()
    """Message ids the parent's ``messages`` stream has emitted, one set per handler.

    Relayed remote messages are added, so when the node returns them the parent
    does not stream them a second time (as for a local subgraph's messages).
    """

    @classmethod
    def from_config(cls, config: RunnableConfig | None) -> ParentCall:
        """Read the parts of a task's config that a remote call uses."""
        conf = dict((config or {}).get("configurable") or {})
        pad = conf.get(CONFIG_KEY_SCRATCHPAD)
        answers = 0
        if pad is not None:
            answers = len(pad.resume)
            if conf.get(CONFIG_KEY_RESUME_MAP) is not None:
                _drop_stale_answer(pad)
            elif pad.get_null_resume(False) is not None:
                answers += 1
        runtime = conf.get(CONFIG_KEY_RUNTIME)
        user = conf.get("langgraph_auth_user_id")
        return cls(
            thread_id=parent_thread_id(config),
            namespace=str(conf.get("checkpoint_ns") or ""),
            stream=conf.get(CONFIG_KEY_STREAM),
            resuming=bool(conf.get(CONFIG_KEY_RESUMING)),
            answers=answers,
            by_id=conf.get(CONFIG_KEY_RESUME_MAP) is not None,
            context=getattr(runtime, "context", None),
            user=str(user) if user else None,
            configurable=conf,
            metadata=dict((config or {}).get("metadata") or {}),
            streamed=_streamed_ids((config or {}).get("callbacks")),
        )

    @property
    def caller_ns(self) -> tuple[str, ...]:
        """Return the namespace relayed events are put under in the parent's stream."""
        return tuple(self.namespace.split(NS_SEP)) if self.namespace else ()

    def task_thread(self, name: str) -> str | None:
        """Return the remote thread of this task: the same on a retry or resume, new per task.

        The namespace holds the task id, which langgraph derives from the parent
        checkpoint the task runs from, so ``Send`` branches and forks of the
        parent each get their own thread while a retried task keeps its own.
        """
        if self.thread_id is None:
            return None
        return child_thread_id(self.thread_id, f"{name}{NS_SEP}{self.namespace}")

    def task_key(self, name: str) -> str:
        """Return the idempotency key of this task's remote run."""
        return f"{name}{NS_SEP}{self.namespace}"


@dataclass(frozen=True)
class Outcome:
    """What a finished remote run left behind."""

    run_id: str | None = None
    values: dict[str, Any] | None = None
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    checkpoint_id: str | None = None
    """The remote checkpoint the run ended on (None when unknown, e.g. stateless)."""
    handoff: Mapping[str, Any] | None = None
    """``{"goto", "update"}`` when the remote handed control back to a parent node."""


@dataclass(frozen=True)
class RemoteRequest:
    """Everything needed to start one remote run, and to start it again."""

    remote: str
    """The remote's name as declared."""
    caller: str
    """The node or tool that calls it."""
    clients: RemoteClients
    thread_id: str | None
    input: Any
    options: Mapping[str, Any]
    """Run options that stay the same for every attempt and resume."""
    headers: Mapping[str, str]
    parent: ParentCall
    task: str | None = None
    """Idempotency key: the parent task this run belongs to (None for stateless runs)."""
    step: int = 0
    """How many interrupt answers this run carries (0: the first input)."""
    command: Mapping[str, Any] | None = None
    """``{"resume": answer}`` when this run answers a remote interrupt."""
    checkpoint_id: str | None = None
    """Run from this remote checkpoint (the parent's branch) instead of the latest."""

    @property
    def key(self) -> str | None:
        """Return the idempotency key sent in the run's metadata."""
        return f"{self.task}#{self.step}" if self.task else None

    @property
    def url(self) -> str:
        """Return the remote's URL (never carries credentials)."""
        return self.clients.url

    def resume(self, answer: Any, step: int | None = None) -> RemoteRequest:
        """Return the request that resumes the same remote thread with ``answer``."""
        return replace(
            self,
            command={"resume": answer},
            step=self.step + 1 if step is None else step,
            checkpoint_id=None,
        )

    def payload(self) -> dict[str, Any]:
        """Return the JSON body of the run's ``POST .../runs/stream``."""
        body: dict[str, Any] = dict(self.options)
        if self.command is not None:
            body["command"] = dict(self.command)
        else:
            body["input"] = self.input
        if self.checkpoint_id:
            body["checkpoint_id"] = self.checkpoint_id
        if self.key:
            body["metadata"] = {**body.get("metadata", {}), TASK_METADATA: self.key}
        return body

    def failure(self, error: str, message: str, run_id: str | None = None) -> RemoteRunError:
        """Return the typed error for this request."""
        return RemoteRunError(
            self.remote,
            self.url,
            error=error,
            message=message,
            run_id=run_id,
            thread_id=self.thread_id,
            caller=self.caller,
        )


def build_request(
    caller: str,
    clients: RemoteClients,
    assistant: str,
    parent: ParentCall,
    *,
    thread_id: str | None,
    input: Any,
    forward_context: bool = True,
    forward_user: bool = False,
    metadata: Mapping[str, Any] | None = None,
    checkpoint_id: str | None = None,
    multitask_strategy: str = "reject",
) -> RemoteRequest:
    """Check the guard and build the request for one remote run."""
    chain = guard.check_call(
        caller, clients.url, configurable=parent.configurable, metadata=parent.metadata
    )
    # Only what the parent consumes: final values (and interrupts) always; the
    # checkpoint the run ends on for thread runs (it confirms the run landed
    # and is where a later call continues); whatever the parent's stream relays.
    modes = {"values"}
    if thread_id:
        modes.add("checkpoints")
    if parent.stream is not None:
        modes |= {m for m in parent.stream.modes if m in _RELAYED_MODES}
    options: dict[str, Any] = {
        "assistant_id": assistant,
        "on_disconnect": "cancel",  # a parent that goes away takes its remote run with it
        # A dropped stream is rejoined by the SDK; resumable streams replay what
        # was missed, so the final values are never silently lost.
        "stream_resumable": True,
        "stream_mode": sorted("messages-tuple" if m == "messages" else m for m in modes),
        "stream_subgraphs": parent.stream is not None,
        "if_not_exists": "create",
        "metadata": dict(metadata or {}),
    }
    if thread_id:
        # With "reject", a late duplicate of a request (held by a proxy past our
        # timeout and retry) is refused instead of computing the same step
        # twice; the caller joins the run already going (see ``run``).
        options["multitask_strategy"] = multitask_strategy
    options.update(_config_or_context(parent.configurable, parent.context, forward_context))
    headers = tracing_headers()
    if forward_user and parent.user:
        headers[USER_HEADER] = parent.user
    if chain:
        headers[guard.CALL_CHAIN_HEADER] = chain
        options["metadata"][guard.CALL_CHAIN_METADATA] = chain
    return RemoteRequest(
        remote=clients.spec.name,
        caller=caller,
        clients=clients,
        thread_id=thread_id,
        input=input,
        options=options,
        headers=headers,
        parent=parent,
        task=parent.task_key(caller) if thread_id else None,
        checkpoint_id=checkpoint_id,
    )


def _drop_stale_answer(pad: Any) -> None:
    """Take out a thread-wide answer left by an earlier run, when this run resumes by id.

    A plain ``Command(resume=...)`` is saved as an answer for the whole thread,
    and langgraph leaves it among the checkpoint's writes after a task used it.
    While the remote keeps asking (an answer it could not read), the task never
    finishes and that checkpoint stays, so the old answer would be taken again
    by the task's next ``interrupt()`` and shadow the one this run sent by
    interrupt id (a resume map holds no thread-wide answer of its own).
    """
    pad.get_null_resume(True)


def _streamed_ids(callbacks: Any) -> tuple[set[Any], ...]:
    handlers = getattr(callbacks, "handlers", None) or []
    return tuple(h.seen for h in handlers if isinstance(h, StreamMessagesHandler))


def _config_or_context(
    conf: Mapping[str, Any], context: Any, forward_context: bool
) -> dict[str, Any]:
    """Forward user configurable keys, folded into ``context`` when there is one.

    The Agent Server answers 400 when a run has both ``configurable`` and
    ``context``; it copies one into the other on its side, so sending only
    ``context`` loses nothing.
    """
    forwarded = {
        k: v
        for k, v in conf.items()
        if isinstance(k, str)
        and k not in _PRIVATE_KEYS
        and not k.startswith(_PRIVATE_PREFIXES)
        and _is_plain(v)
    }
    ctx = _as_dict(context) if forward_context else {}
    if ctx:
        return {"context": {**forwarded, **ctx}}
    return {"config": {"configurable": forwarded}} if forwarded else {}


def _as_dict(context: Any) -> dict[str, Any]:
    if context is None:
        return {}
    if isinstance(context, Mapping):
        return {k: v for k, v in context.items() if _is_plain(v)}
    if hasattr(context, "model_dump"):
        return dict(context.model_dump(mode="json"))
    if hasattr(context, "__dataclass_fields__"):
        return {
            k: getattr(context, k)
            for k in context.__dataclass_fields__
            if _is_plain(getattr(context, k))
        }
    return {}


def _is_plain(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def tracing_headers() -> dict[str, str]:
    """Return LangSmith distributed-tracing headers when a trace is active (a new dict)."""
    run_tree = get_current_run_tree()
    return dict(run_tree.to_headers()) if run_tree is not None else {}
