"""The request for one remote run: guard-checked, with headers, config and stream modes.

Shared by remote nodes and remote tools so both get the same guard checks,
headers and ``context``/``configurable`` handling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.runnables import RunnableConfig
from langsmith.run_helpers import get_current_run_tree

from remote_graphs import guard
from remote_graphs.clients import ClientPool, RemoteClients
from remote_graphs.errors import RemoteRunError
from remote_graphs.registry import RemoteSpec

# langgraph keeps these in an internal module; RemoteGraph relies on the same keys.
CONFIG_KEY_STREAM = "__pregel_stream"
CONFIG_KEY_CHECKPOINT_NS = "checkpoint_ns"
CONFIG_KEY_RESUMING = "__pregel_resuming"
TASK_METADATA = "remote_graphs_task"
RETRY_AFTER_CAP = 60.0
USER_HEADER = "x-remote-graphs-user"
"""Carries the calling user's identity to remotes declared with ``forward_user = true``."""
NS_SEP = "|"
INTERRUPT = "__interrupt__"
_RELAYED_MODES = {"values", "updates", "messages", "custom", "debug", "tasks", "checkpoints"}
_PRIVATE_PREFIXES = ("__", "langgraph_", "x-", "checkpoint_", "langsmith", "user-agent")
_PRIVATE_KEYS = {"thread_id", "checkpoint_id", "checkpoint_ns", "checkpoint_map", "run_id"}


@dataclass
class Outcome:
    """What a finished remote run left behind."""

    run_id: str | None = None
    values: dict[str, Any] | None = None
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None


@dataclass
class RemoteRequest:
    """Everything needed to start one remote run."""

    name: str
    clients: RemoteClients
    thread_id: str | None
    payload: dict[str, Any]
    headers: dict[str, str]
    stream: Any = None
    caller_ns: tuple[str, ...] = ()
    task: str | None = None
    """Idempotency key: the parent task this run belongs to (None for stateless runs)."""
    step: int = 0
    """How many interrupt answers this run carries (0: the first input)."""
    recheck: bool = False
    """Look for an earlier run of the same task and step before starting a new one."""

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
        payload = {k: v for k, v in self.payload.items() if k != "input"}
        payload["command"] = {"resume": answer}
        return replace(self, payload=payload, step=self.step + 1 if step is None else step)

    def failure(self, error: str, message: str, run_id: str | None = None) -> RemoteRunError:
        """Return the typed error for this request."""
        return RemoteRunError(
            self.name,
            self.url,
            error=error,
            message=message,
            run_id=run_id,
            thread_id=self.thread_id,
        )


def build_request(
    name: str,
    pool: ClientPool,
    spec: RemoteSpec,
    *,
    thread_id: str | None,
    input: Any,
    config: RunnableConfig | None,
    context: Any = None,
    metadata: Mapping[str, Any] | None = None,
) -> RemoteRequest:
    """Check the guard and build the request for one remote run."""
    clients = pool.get(spec)
    conf = dict((config or {}).get("configurable") or {})
    chain = guard.check_call(
        name, clients.url, configurable=conf, metadata=(config or {}).get("metadata")
    )
    stream = conf.get(CONFIG_KEY_STREAM)
    caller_ns = (
        tuple(conf[CONFIG_KEY_CHECKPOINT_NS].split(NS_SEP))
        if conf.get(CONFIG_KEY_CHECKPOINT_NS)
        else ()
    )
    modes = {"values", "updates"}
    if stream is not None:
        modes |= {m for m in stream.modes if m in _RELAYED_MODES}
    payload: dict[str, Any] = {
        "on_disconnect": "cancel",  # a parent that goes away takes its remote run with it
        # A dropped stream is rejoined by the SDK; resumable streams replay what
        # was missed, so the final values are never silently lost.
        "stream_resumable": True,
        "assistant_id": spec.assistant,
        "input": input,
        "stream_mode": sorted("messages-tuple" if m == "messages" else m for m in modes),
        "stream_subgraphs": stream is not None,
        "if_not_exists": "create",
        "metadata": dict(metadata or {}),
    }
    payload.update(_config_or_context(conf, context))
    headers = tracing_headers()
    if spec.forward_user and (user := conf.get("langgraph_auth_user_id")):
        headers[USER_HEADER] = str(user)
    if chain:
        headers[guard.CALL_CHAIN_HEADER] = chain
        payload["metadata"][guard.CALL_CHAIN_METADATA] = chain
    task = f"{name}|{conf.get(CONFIG_KEY_CHECKPOINT_NS, '')}" if thread_id else None
    return RemoteRequest(
        name,
        clients,
        thread_id,
        payload,
        headers,
        stream,
        caller_ns,
        task=task,
        recheck=bool(conf.get(CONFIG_KEY_RESUMING)),
    )


def _config_or_context(conf: Mapping[str, Any], context: Any) -> dict[str, Any]:
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
    ctx = _as_dict(context)
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
