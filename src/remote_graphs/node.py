"""Remote node: a remote graph as a node of a parent ``StateGraph``.

Fixes what a bare ``RemoteGraph`` node gets wrong: each node gets its own
remote thread instead of sharing the parent's, only messages the remote has
not seen are sent, messages come back as real message objects (marked with
the remote thread and checkpoint they came from, so a fork of the parent
continues the remote from the matching checkpoint), a remote interrupt
becomes a parent interrupt whose ``Command(resume=...)`` resumes the *same*
remote run, and failures raise a ``RemoteRunError`` that names the remote and
its run.

    add_remote(builder, registry["translator"], name="translate")
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar

import httpx
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig, ensure_config
from langgraph.graph import StateGraph
from langgraph.pregel.protocol import PregelProtocol
from langgraph.types import Command, RetryPolicy, StateSnapshot, StateUpdate

from remote_graphs import guard
from remote_graphs import state as state_api
from remote_graphs.clients import ClientPool, default_pool
from remote_graphs.errors import ConfigError, RemoteRunError
from remote_graphs.messages import PROVENANCE, Provenance, hydrate, message_ids, provenance
from remote_graphs.registry import RemoteSpec, parse_remote
from remote_graphs.request import Outcome, ParentCall, RemoteRequest, build_request
from remote_graphs.run import adrive, drive
from remote_graphs.threads import child_thread_id

InputMap = Callable[[Any], dict[str, Any]]
"""Parent state (or ``Send`` argument) -> the remote graph's input."""
OutputMap = Callable[[dict[str, Any]], dict[str, Any]]
"""The remote's final values (messages already hydrated) -> the parent state update."""
ThreadPolicy = Literal["per_parent", "per_task", "stateless"]
__all__ = ["PROVENANCE", "RemoteNode", "ThreadPolicy", "add_remote", "remote_node"]


class RemoteNode(PregelProtocol[Any, Any, Any, Any]):
    """A parent-graph node that runs a graph on another deployment (sync and async).

    Build it with ``remote_node(...)`` and pass it to ``StateGraph.add_node``,
    or use ``add_remote``. Like a local subgraph, it answers the parent's
    state API for its task: ``parent.get_state(config, subgraphs=True)`` shows
    the remote thread's snapshot under a pending or interrupted task, and
    ``update_state`` / ``get_state_history`` with that snapshot's config act on
    the remote thread.

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
        self.name = node_name

    @property
    def retry_policy(self) -> RetryPolicy:
        """Return the retry policy declared for this remote (transient failures only)."""
        return self.spec.retry.policy()

    # -- requests -------------------------------------------------------------

    def _request(self, state: Any, config: RunnableConfig) -> RemoteRequest:
        parent = ParentCall.from_config(config)
        name = self.name or self.spec.name
        thread_id, checkpoint_id, seen = self._thread(state, parent)
        remote_input = (
            self.input_map(state)
            if self.input_map is not None
            else {"messages": _messages_of(state, name)[seen:]}
        )
        return build_request(
            name,
            self.pool.get(self.spec),
            self.spec.assistant,
            parent,
            thread_id=thread_id,
            input=remote_input,
            forward_context=self.forward_context,
            forward_user=self.spec.forward_user,
            metadata=state_api.task_metadata(name, parent.thread_id, parent.namespace),
            checkpoint_id=checkpoint_id,
        )

    def _thread(self, state: Any, parent: ParentCall) -> tuple[str | None, str | None, int]:
        """Pick the remote thread, the checkpoint to run from, and how many messages it saw.

        ``per_parent`` continues the remote thread of the last message this node
        brought back, from the remote checkpoint that message came from: on the
        parent's normal path that is the remote thread's latest, and after the
        parent forked or replayed an earlier checkpoint it is the one matching
        the parent's branch, so the remote sees exactly the branch's history.
        With no such message yet, the call starts a thread of its own.
        """
        if parent.thread_id is None or self.thread_policy == "stateless":
            return None, None, 0
        if self.thread_policy == "per_parent":
            if self.input_map is None:
                messages = _messages_of(state, self.name)
            else:
                messages = _state_messages(state) or []
            for i in range(len(messages) - 1, -1, -1):
                origin = provenance(messages[i])
                if origin.get("node") == self.name and origin.get("thread_id"):
                    return str(origin["thread_id"]), origin.get("checkpoint_id"), i + 1
            if self.output_map is not None:
                # a custom output may bring no messages back to find the thread by
                return child_thread_id(parent.thread_id, str(self.name)), None, 0
        return parent.task_thread(str(self.name)), None, 0

    # -- results --------------------------------------------------------------

    def _update(self, state: Any, outcome: Outcome, request: RemoteRequest) -> Any:
        tag = Provenance(self.name, outcome.run_id, request.thread_id, outcome.checkpoint_id)
        if outcome.handoff is not None:
            # As a local subgraph's Command(graph=PARENT): only its update reaches the parent.
            update = dict(outcome.handoff["update"])
            if isinstance(update.get("messages"), list):
                update["messages"] = [tag.apply(m) for m in update["messages"]]
            return Command(goto=outcome.handoff["goto"], update=update)
        values = hydrate(outcome.values or {})
        if self.output_map is not None:
            update = self.output_map(values)
            if isinstance(update.get("messages"), list):
                update = {**update, "messages": [tag.apply(m) for m in update["messages"]]}
            return update
        known = message_ids(_state_messages(state) or [])
        sent = request.input.get("messages", []) if isinstance(request.input, dict) else []
        known |= message_ids(sent)
        new = [
            tag.apply(m)
            for m in values.get("messages", [])
            if isinstance(m, BaseMessage) and m.id not in known
        ]
        return {"messages": new}

    # -- drivers --------------------------------------------------------------

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """Run the remote for one parent task (langgraph calls this with the task's config)."""
        return self._run(input, ensure_config(config))

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """Async ``invoke``."""
        return await self._arun(input, ensure_config(config))

    def stream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        """Yield the node's update (the remote's events go to the parent's stream)."""
        yield self.invoke(input, config)

    async def astream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        """Async ``stream``."""
        yield await self.ainvoke(input, config)

    def _run(self, state: Any, config: RunnableConfig) -> Any:
        outcome, request = drive(self._request(state, config))
        return self._update(state, outcome, request)

    async def _arun(self, state: Any, config: RunnableConfig) -> Any:
        outcome, request = await adrive(self._request(state, config))
        return self._update(state, outcome, request)

    # -- the subgraph protocol: the remote thread through the parent's state API

    def _locate(self, config: RunnableConfig, values: Mapping[str, Any]) -> str | None:
        """Return the remote thread of the task ``config`` addresses, found as the task finds it."""
        thread, _ = state_api.addressed(config)
        if thread is not None:
            return thread
        return self._thread(values, state_api.parent_call(config))[0]

    def _threads(self, config: RunnableConfig, values: Mapping[str, Any]) -> list[str]:
        """Return the remote threads that may hold the task ``config`` addresses, likeliest first.

        The parent's latest state names the thread its branch continues; a task
        of an earlier checkpoint may instead have started a thread of its own.
        """
        found = self._locate(config, values)
        if found is None:
            return []
        threads = [found]
        if state_api.addressed(config)[0] is None and self.thread_policy == "per_parent":
            first = state_api.parent_call(config).task_thread(str(self.name))
            if first is not None and first != found:
                threads.append(first)
        return threads

    def _parent_values(self, config: RunnableConfig) -> Mapping[str, Any]:
        saver, key = state_api.checkpointer(config), state_api.parent_state_key(config)
        return state_api.parent_values(config, saver.get_tuple(key) if key else None)

    async def _aparent_values(self, config: RunnableConfig) -> Mapping[str, Any]:
        saver, key = state_api.checkpointer(config), state_api.parent_state_key(config)
        return state_api.parent_values(config, await saver.aget_tuple(key) if key else None)

    def get_state(self, config: RunnableConfig, *, subgraphs: bool = False) -> StateSnapshot:
        """Return the state this task reached on the remote thread, as its subgraph snapshot."""
        values = self._parent_values(config)
        client = self.pool.get(self.spec).sync()
        _, checkpoint_id = state_api.addressed(config)
        task = state_api.task_of(str(self.name), config)
        thread: str | None = None
        for thread in self._threads(config, values):
            with self._remote_errors(thread), _unless_absent():
                if checkpoint_id or task is None:
                    return self._snapshot(
                        client.threads.get_state(thread, checkpoint_id=checkpoint_id),
                        config,
                        thread,
                    )
                if found := client.threads.get_history(thread, metadata=task, limit=1):
                    return self._snapshot(found[0], config, thread)
        return state_api.empty(config, thread)

    async def aget_state(self, config: RunnableConfig, *, subgraphs: bool = False) -> StateSnapshot:
        """Async ``get_state``."""
        values = await self._aparent_values(config)
        client = self.pool.get(self.spec).async_()
        _, checkpoint_id = state_api.addressed(config)
        task = state_api.task_of(str(self.name), config)
        thread: str | None = None
        for thread in self._threads(config, values):
            with self._remote_errors(thread), _unless_absent():
                if checkpoint_id or task is None:
                    data = await client.threads.get_state(thread, checkpoint_id=checkpoint_id)
                    return self._snapshot(data, config, thread)
                if found := await client.threads.get_history(thread, metadata=task, limit=1):
                    return self._snapshot(found[0], config, thread)
        return state_api.empty(config, thread)

    def get_state_history(
        self,
        config: RunnableConfig,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[StateSnapshot]:
        """Yield this task's checkpoints on the remote thread, newest first."""
        values = self._parent_values(config)
        client = self.pool.get(self.spec).sync()
        _, checkpoint_id = state_api.addressed(config)
        task = state_api.task_of(str(self.name), config)
        for thread in self._threads(config, values):
            states: list[Any] = []
            with self._remote_errors(thread), _unless_absent():
                if checkpoint_id:  # as a checkpointer lists a config naming one checkpoint
                    states = [client.threads.get_state(thread, checkpoint_id=checkpoint_id)]
                else:
                    options = _history_options(filter, before, limit, task)
                    states = client.threads.get_history(thread, **options)
            if states:
                yield from state_api.history(states, config, thread)
                return

    async def aget_state_history(
        self,
        config: RunnableConfig,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[StateSnapshot]:
        """Async ``get_state_history``."""
        values = await self._aparent_values(config)
        client = self.pool.get(self.spec).async_()
        _, checkpoint_id = state_api.addressed(config)
        task = state_api.task_of(str(self.name), config)
        for thread in self._threads(config, values):
            states: list[Any] = []
            with self._remote_errors(thread), _unless_absent():
                if checkpoint_id:
                    states = [await client.threads.get_state(thread, checkpoint_id=checkpoint_id)]
                else:
                    options = _history_options(filter, before, limit, task)
                    states = await client.threads.get_history(thread, **options)
            if states:
                for snap in state_api.history(states, config, thread):
                    yield snap
                return

    def update_state(
        self,
        config: RunnableConfig,
        values: dict[str, Any] | Any | None,
        as_node: str | None = None,
        task_id: str | None = None,
    ) -> RunnableConfig:
        """Update the remote thread, as ``update_state`` on a local subgraph's config does."""
        thread = self._require_thread(config, self._locate(config, self._parent_values(config)))
        _, checkpoint_id = state_api.addressed(config)
        client = self.pool.get(self.spec).sync()
        with self._remote_errors(thread):
            edited = client.threads.get_state(thread, checkpoint_id=checkpoint_id)
            done = client.threads.update_state(
                thread, values, as_node=as_node, checkpoint=state_api.edit_of(edited)
            )
        return state_api.address(config, thread, done["checkpoint"]["checkpoint_id"])

    async def aupdate_state(
        self,
        config: RunnableConfig,
        values: dict[str, Any] | Any | None,
        as_node: str | None = None,
        task_id: str | None = None,
    ) -> RunnableConfig:
        """Async ``update_state``."""
        values_now = await self._aparent_values(config)
        thread = self._require_thread(config, self._locate(config, values_now))
        _, checkpoint_id = state_api.addressed(config)
        client = self.pool.get(self.spec).async_()
        with self._remote_errors(thread):
            edited = await client.threads.get_state(thread, checkpoint_id=checkpoint_id)
            done = await client.threads.update_state(
                thread, values, as_node=as_node, checkpoint=state_api.edit_of(edited)
            )
        return state_api.address(config, thread, done["checkpoint"]["checkpoint_id"])

    def bulk_update_state(
        self, config: RunnableConfig, supersteps: Sequence[Sequence[StateUpdate]]
    ) -> RunnableConfig:
        """Apply updates in order, each superstep after the one before."""
        for step in supersteps:
            for update in step:
                config = self.update_state(config, update.values, update.as_node)
        return config

    async def abulk_update_state(
        self, config: RunnableConfig, supersteps: Sequence[Sequence[StateUpdate]]
    ) -> RunnableConfig:
        """Async ``bulk_update_state``."""
        for step in supersteps:
            for update in step:
                config = await self.aupdate_state(config, update.values, update.as_node)
        return config

    def with_config(self, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """Return this node bound to ``config`` (as any runnable)."""
        return Runnable.with_config(self, config, **kwargs)

    def get_graph(self, config: RunnableConfig | None = None, *, xray: int | bool = False) -> Any:
        """Return the drawable graph of this node (the remote graph itself is not fetched)."""
        return Runnable.get_graph(self, config)

    async def aget_graph(
        self, config: RunnableConfig | None = None, *, xray: int | bool = False
    ) -> Any:
        """Async ``get_graph``."""
        return self.get_graph(config, xray=xray)

    def _snapshot(self, data: Any, config: RunnableConfig, thread: str) -> StateSnapshot:
        if not data or not data.get("checkpoint"):
            return state_api.empty(config, thread)
        return state_api.snapshot(data, config, thread)

    def _require_thread(self, config: RunnableConfig, thread: str | None) -> str:
        if thread is None:
            ns = (config.get("configurable") or {}).get("checkpoint_ns")
            raise ConfigError(
                f"remote node {self.name!r}: no remote thread for {ns!r}; the parent needs a "
                "thread_id and a checkpointer, and the task must have run"
            )
        return thread

    @contextlib.contextmanager
    def _remote_errors(self, thread: str) -> Iterator[None]:
        """Turn HTTP failures of state calls into ``RemoteRunError`` naming remote and thread."""
        try:
            yield
        except httpx.HTTPError as exc:
            clients = self.pool.get(self.spec)
            detail = str(exc) or type(exc).__name__
            raise RemoteRunError(
                self.spec.name,
                clients.url,
                error=type(exc).__name__,
                message=f"reading or writing the remote thread's state: {detail}",
                thread_id=thread,
                caller=self.name,
            ) from exc


remote_node = RemoteNode
"""Return a node that runs a remote graph: ``builder.add_node(remote_node(registry["x"]))``."""

Builder = TypeVar("Builder", bound=StateGraph[Any, Any, Any, Any])


def add_remote(
    builder: Builder,
    remote: RemoteSpec | Mapping[str, Any],
    *,
    name: str | None = None,
    destinations: Sequence[str] = (),
    **options: Any,
) -> Builder:
    """Add a remote node to ``builder`` with the remote's own retry policy; return ``builder``.

    ``StateGraph.add_node`` takes the retry policy beside the node, not from it,
    so wiring a remote by hand needs ``retry_policy=node.retry_policy`` every
    time; this is that line, once. ``destinations`` names the parent nodes the
    remote may hand off to (see ``remote_graphs.handoff``), so they are drawn;
    ``options`` are ``remote_node``'s.

        add_remote(builder, registry["translator"], name="translate")
    """
    node = RemoteNode(remote, name=name, **options)
    builder.add_node(node, retry_policy=node.retry_policy, destinations=tuple(destinations) or None)
    return builder


@contextlib.contextmanager
def _unless_absent() -> Iterator[None]:
    """Skip a read of a remote thread that does not exist (404): it has no state yet.

    A task that has not run (an ``interrupt_before``, an edited parent) has no
    remote thread, as a local subgraph's task has no checkpoint yet.
    """
    try:
        yield
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code != 404:
            raise


def _messages_of(state: Any, node: str | None) -> list[Any]:
    messages = _state_messages(state)
    if messages is None:
        raise ConfigError(
            f"remote node {node!r}: the state has no 'messages'; pass input= and output= "
            "to map your state to the remote's input and back"
        )
    return messages


def _state_messages(state: Any) -> list[Any] | None:
    messages = (
        state.get("messages") if isinstance(state, Mapping) else getattr(state, "messages", None)
    )
    return list(messages) if isinstance(messages, Sequence) else None


def _history_options(
    filter: dict[str, Any] | None,
    before: RunnableConfig | None,
    limit: int | None,
    task: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return ``threads.get_history`` options for a ``get_state_history`` call.

    The Agent Server returns one checkpoint unless told otherwise, and answers
    only the nested form of ``before``. With ``task``, only that parent task's
    checkpoints are listed, as a local subgraph's history is its task's own.
    """
    options: dict[str, Any] = {"limit": limit or 1000}
    if filter or task:
        options["metadata"] = {**(filter or {}), **(task or {})}
    checkpoint = ((before or {}).get("configurable") or {}).get("checkpoint_id")
    if checkpoint:
        options["before"] = {"configurable": {"checkpoint_id": checkpoint}}
    return options
