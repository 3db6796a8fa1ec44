"""Remote node: a remote graph as a node of a parent ``StateGraph``.

Fixes what a bare ``RemoteGraph`` node gets wrong: each node gets its own
remote thread (``uuid5(parent thread, node name)``) instead of sharing the
parent's, only messages the remote has not seen are sent, messages come back
as real message objects, a remote interrupt becomes a parent interrupt whose
``Command(resume=...)`` resumes the *same* remote run, and failures raise a
``RemoteRunError`` that names the remote and its run.

    add_remote(builder, registry["researcher"], name="research")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig, RunnableLambda
from langgraph.graph import StateGraph
from langgraph.types import RetryPolicy

from remote_graphs import guard
from remote_graphs.clients import ClientPool, default_pool
from remote_graphs.errors import ConfigError
from remote_graphs.interrupts import adrive, drive
from remote_graphs.messages import hydrate, message_ids
from remote_graphs.registry import RemoteSpec, parse_remote
from remote_graphs.request import Outcome, RemoteRequest, build_request
from remote_graphs.threads import child_thread_id, parent_thread_id

InputMap = Callable[[Any], dict[str, Any]]
"""Parent state (or ``Send`` argument) -> the remote graph's input."""
OutputMap = Callable[[dict[str, Any]], dict[str, Any]]
"""The remote's final values (messages already hydrated) -> the parent state update."""
ThreadPolicy = Literal["per_parent", "per_task", "stateless"]
PROVENANCE = "remote_graphs"
"""Key in ``response_metadata`` of messages a remote produced: which node and run made them."""


class RemoteNode(RunnableLambda[Any, dict[str, Any]]):
    """A parent-graph node that runs a graph on another deployment (sync and async).

    Build it with ``remote_node(...)`` and pass it to ``StateGraph.add_node``.

    Args:
        remote: The remote (``registry["name"]``, or a mapping validated as one).
        name: Node name; also seeds the child thread id. Defaults to the remote's name.
        input: Map parent state to the remote's input. Default: the messages it has not seen.
        output: Map the remote's final values to a parent update. Default: its new messages.
        thread: ``per_parent`` (one remote thread per parent thread; the remote
            remembers earlier turns), ``per_task`` (one per parent task, for
            ``Send`` fan-outs) or ``stateless``.
        forward_context: Send the parent's runtime context to the remote.
        pool: Client pool; the process-wide one by default.
        input_keys: The remote input keys ``input`` fills, for ``check`` to verify.
        output_keys: The remote output keys ``output`` reads, for ``check`` to verify.
    """

    def __init__(
        self,
        remote: RemoteSpec | Mapping[str, Any],
        *,
        name: str | None = None,
        input: InputMap | None = None,
        output: OutputMap | None = None,
        thread: ThreadPolicy = "per_parent",
        forward_context: bool = True,
        pool: ClientPool | None = None,
        input_keys: Sequence[str] = ("messages",),
        output_keys: Sequence[str] = ("messages",),
    ) -> None:
        spec = remote if isinstance(remote, RemoteSpec) else parse_remote(remote)
        node_name = name or spec.name
        guard.check_static(node_name, spec.resolved_url())
        self.spec = spec
        self.input_map = input
        self.output_map = output
        self.thread_policy = thread
        self.forward_context = forward_context
        self.pool = pool or default_pool
        self.input_keys = tuple(input_keys)
        """Keys of the remote's input schema the input map fills (checked by ``check``)."""
        self.output_keys = tuple(output_keys)
        """Keys of the remote's output the output map reads (checked by ``check``)."""
        super().__init__(self._run, afunc=self._arun, name=node_name)

    @property
    def retry_policy(self) -> RetryPolicy:
        """Return the retry policy declared for this remote (transient failures only)."""
        return self.spec.retry.policy()

    # -- requests -------------------------------------------------------------

    def _first_request(self, state: Any, config: RunnableConfig) -> RemoteRequest:
        parent = parent_thread_id(config)
        name = self.name or self.spec.name
        thread_id = _child_thread(parent, name, self.thread_policy, config)
        remote_input = (
            self.input_map(state)
            if self.input_map is not None
            else {
                "messages": self._unseen_messages(state, fresh=self.thread_policy != "per_parent")
            }
        )
        conf = config.get("configurable") or {}
        metadata = {
            "remote_graphs_node": name,
            "remote_graphs_parent_thread": parent,
            "remote_graphs_parent_ns": conf.get("checkpoint_ns"),
        }
        return build_request(
            name,
            self.pool,
            self.spec,
            thread_id=thread_id,
            input=remote_input,
            config=config,
            context=_runtime_context(config) if self.forward_context else None,
            metadata=metadata,
        )

    def _unseen_messages(self, state: Any, *, fresh: bool) -> list[Any]:
        messages = _messages_of(state, self.name)
        if fresh:  # a stateless run or a new per-task thread has seen nothing yet
            return list(messages)
        # Everything up to the last message this node brought back is already
        # on the remote thread; send only what came after it.
        for i in range(len(messages) - 1, -1, -1):
            if _produced_by(messages[i], self.name):
                return list(messages[i + 1 :])
        return list(messages)

    # -- results --------------------------------------------------------------

    def _update(self, state: Any, outcome: Outcome, request: RemoteRequest) -> dict[str, Any]:
        values = hydrate(outcome.values or {})
        if self.output_map is not None:
            return self.output_map(values)
        known = message_ids(_messages_of(state, self.name))
        sent = request.payload.get("input") or {}
        known |= message_ids(sent.get("messages", []) if isinstance(sent, dict) else [])
        new = [
            _tag(m, self.name, outcome.run_id, request.thread_id)
            for m in values.get("messages", [])
            if isinstance(m, BaseMessage) and m.id not in known
        ]
        return {"messages": new}

    # -- drivers --------------------------------------------------------------

    def _run(self, state: Any, config: RunnableConfig) -> dict[str, Any]:
        outcome, request = drive(self._first_request(state, config), config)
        return self._update(state, outcome, request)

    async def _arun(self, state: Any, config: RunnableConfig) -> dict[str, Any]:
        outcome, request = await adrive(self._first_request(state, config), config)
        return self._update(state, outcome, request)


remote_node = RemoteNode
"""Return a node that runs a remote graph: ``builder.add_node(remote_node(registry["x"]))``."""

Builder = TypeVar("Builder", bound=StateGraph[Any, Any, Any, Any])


def add_remote(
    builder: Builder,
    remote: RemoteSpec | Mapping[str, Any],
    *,
    name: str | None = None,
    **options: Any,
) -> Builder:
    """Add a remote node to ``builder`` with the remote's own retry policy; return ``builder``.

    ``StateGraph.add_node`` takes the retry policy beside the node, not from it,
    so wiring a remote by hand needs ``retry_policy=node.retry_policy`` every
    time; this is that line, once. ``options`` are ``remote_node``'s.

        add_remote(builder, registry["writer"], name="write")
    """
    node = RemoteNode(remote, name=name, **options)
    builder.add_node(node, retry_policy=node.retry_policy)
    return builder


def _messages_of(state: Any, node: str | None) -> Sequence[Any]:
    messages = (
        state.get("messages") if isinstance(state, Mapping) else getattr(state, "messages", None)
    )
    if messages is None:
        raise ConfigError(
            f"remote node {node!r}: the state has no 'messages'; pass input= and output= "
            "to map your state to the remote's input and back"
        )
    return list(messages)


def _produced_by(message: Any, node: str | None) -> bool:
    meta = getattr(message, "response_metadata", None) or {}
    origin = meta.get(PROVENANCE)
    return isinstance(origin, Mapping) and origin.get("node") == node


def _tag(
    message: BaseMessage, node: str | None, run_id: str | None, thread_id: str | None
) -> BaseMessage:
    meta = dict(message.response_metadata or {})
    meta[PROVENANCE] = {"node": node, "run_id": run_id, "thread_id": thread_id}
    return message.model_copy(update={"response_metadata": meta})


def _child_thread(
    parent: str | None, name: str, policy: ThreadPolicy, config: RunnableConfig
) -> str | None:
    """Pick the remote thread: none (stateless), one per parent thread, or one per task.

    ``per_task`` keys the thread on the task's checkpoint namespace, which is the
    same on a retry or resume of that task but differs between ``Send`` branches,
    so a fan-out runs in parallel on separate remote threads.
    """
    if parent is None or policy == "stateless":
        return None
    if policy == "per_task":
        ns = (config.get("configurable") or {}).get("checkpoint_ns") or ""
        return child_thread_id(parent, f"{name}|{ns}")
    return child_thread_id(parent, name)


def _runtime_context(config: RunnableConfig) -> Any:
    runtime = (config.get("configurable") or {}).get("__pregel_runtime")
    return getattr(runtime, "context", None)
