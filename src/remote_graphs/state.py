"""The remote thread behind a remote node, seen through the parent's state API.

``parent.get_state(config, subgraphs=True)`` asks each pending task's subgraph
for its state with the task's namespace, and ``parent.update_state`` with a
namespaced config hands the update to that subgraph. A remote node answers
both for its remote thread: it finds which thread (and checkpoint) the task
uses the same way the task itself does, reads or writes it on the remote, and
returns configs that address it through the parent (parent thread, task
namespace, remote checkpoint), as a local subgraph's configs do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import CheckpointMetadata
from langgraph.types import Interrupt, PregelTask, StateSnapshot
from langgraph_sdk.schema import Checkpoint

from remote_graphs.messages import hydrate
from remote_graphs.request import NS_SEP, TASK_METADATA, ParentCall

CONFIG_KEY_CHECKPOINTER = "__pregel_checkpointer"  # internal langgraph key
REMOTE_THREAD = "remote_thread_id"
"""Configurable key naming the remote thread in configs a remote node hands out."""


def parent_call(config: RunnableConfig) -> ParentCall:
    """Return the parent task a namespaced state config addresses."""
    return ParentCall.from_config({"configurable": dict(config.get("configurable") or {})})


def parent_state_key(config: RunnableConfig) -> RunnableConfig | None:
    """Return the config of the parent checkpoint the task runs from (None: no checkpointer)."""
    conf = config.get("configurable") or {}
    if conf.get(CONFIG_KEY_CHECKPOINTER) is None or not conf.get("thread_id"):
        return None
    ns = str(conf.get("checkpoint_ns") or "")
    return {
        "configurable": {"thread_id": conf["thread_id"], "checkpoint_ns": ns.rpartition(NS_SEP)[0]}
    }


def parent_values(config: RunnableConfig, checkpoint: Any) -> Mapping[str, Any]:
    """Return the channel values of a parent checkpoint tuple (empty when there is none).

    An Agent Server's own checkpointer may hand messages back as plain dicts;
    they are made messages again, so the provenance on them is found.
    """
    if checkpoint is None:
        return {}
    return dict(hydrate(dict(checkpoint.checkpoint.get("channel_values") or {})))


def checkpointer(config: RunnableConfig) -> Any:
    """Return the parent's checkpointer lent to a subgraph state call."""
    return (config.get("configurable") or {}).get(CONFIG_KEY_CHECKPOINTER)


def addressed(config: RunnableConfig) -> tuple[str | None, str | None]:
    """Return the remote thread and checkpoint a config handed out earlier names."""
    conf = config.get("configurable") or {}
    thread = conf.get(REMOTE_THREAD)
    return (str(thread) if thread else None), conf.get("checkpoint_id")


NODE_METADATA = "remote_graphs_node"
PARENT_THREAD_METADATA = "remote_graphs_parent_thread"
PARENT_NS_METADATA = "remote_graphs_parent_ns"
_TASK_KEYS = (NODE_METADATA, PARENT_THREAD_METADATA, PARENT_NS_METADATA, TASK_METADATA)


def task_metadata(node: str, parent_thread: str | None, namespace: str) -> dict[str, Any]:
    """Return the run metadata naming the parent task a remote run belongs to.

    The Agent Server keeps a run's metadata on every checkpoint it writes, so
    the task's own checkpoints can be asked for by it, as a local subgraph's
    live under the task's namespace.
    """
    return {
        NODE_METADATA: node,
        PARENT_THREAD_METADATA: parent_thread,
        PARENT_NS_METADATA: namespace,
    }


def task_of(node: str, config: RunnableConfig) -> dict[str, Any] | None:
    """Return the metadata of the task a state config addresses (None outside a task)."""
    conf = config.get("configurable") or {}
    if not conf.get("thread_id") or not conf.get("checkpoint_ns"):
        return None
    return task_metadata(node, str(conf["thread_id"]), str(conf["checkpoint_ns"]))


def edit_of(state: Mapping[str, Any]) -> Checkpoint:
    """Return the ``checkpoint`` to edit the remote checkpoint ``state`` at, keeping its task.

    The Agent Server copies the checkpoint's plain configurable keys into the
    new checkpoint's metadata, so the edit carries the task and step of the
    run it edits: it is in that task's history, and a resume of the task finds
    it as the place the task reached (see ``run``), as a local subgraph's edit
    is a checkpoint of its task's namespace that its resume continues.
    """
    checkpoint: dict[str, Any] = {}
    if found := (state.get("checkpoint") or {}).get("checkpoint_id"):
        checkpoint["checkpoint_id"] = str(found)
    metadata = state.get("metadata") or {}
    checkpoint.update({k: metadata[k] for k in _TASK_KEYS if isinstance(metadata.get(k), str)})
    return cast(Checkpoint, checkpoint)  # one key more than the SDK's type declares


def snapshot(state: Mapping[str, Any], parent: RunnableConfig, remote_thread: str) -> StateSnapshot:
    """Return a remote ``ThreadState`` as the parent's ``StateSnapshot`` of the task."""
    tasks = tuple(_task(t, parent, remote_thread) for t in state.get("tasks") or [])
    checkpoint = state.get("checkpoint") or {}
    before = state.get("parent_checkpoint") or {}
    return StateSnapshot(
        values=hydrate(dict(state.get("values") or {})),
        next=tuple(state.get("next") or ()),
        config=address(parent, remote_thread, checkpoint.get("checkpoint_id")),
        metadata=CheckpointMetadata(**(state.get("metadata") or {})),  # type: ignore[typeddict-item]
        created_at=state.get("created_at"),
        parent_config=(
            address(parent, remote_thread, before["checkpoint_id"])
            if before.get("checkpoint_id")
            else None
        ),
        tasks=tasks,
        interrupts=tuple(i for t in tasks for i in t.interrupts),
    )


def address(
    parent: RunnableConfig, remote_thread: str, checkpoint_id: str | None
) -> RunnableConfig:
    """Return a config that reaches a remote checkpoint through the parent's state API."""
    conf = parent.get("configurable") or {}
    out: dict[str, Any] = {
        "thread_id": conf.get("thread_id"),
        "checkpoint_ns": conf.get("checkpoint_ns", ""),
        REMOTE_THREAD: remote_thread,
    }
    if checkpoint_id:
        out["checkpoint_id"] = checkpoint_id
    return {"configurable": out}


def history(
    states: Sequence[Mapping[str, Any]], parent: RunnableConfig, remote_thread: str
) -> Iterator[StateSnapshot]:
    """Yield the remote thread's checkpoints as parent snapshots, newest first."""
    for state in states:
        yield snapshot(state, parent, remote_thread)


def empty(parent: RunnableConfig, remote_thread: str | None) -> StateSnapshot:
    """Return the snapshot of a remote thread that has no checkpoint yet."""
    config = address(parent, remote_thread, None) if remote_thread else parent
    return StateSnapshot({}, (), config, None, None, None, (), ())


def _task(task: Mapping[str, Any], parent: RunnableConfig, remote_thread: str) -> PregelTask:
    nested = task.get("state")
    return PregelTask(
        id=str(task["id"]),
        name=str(task["name"]),
        path=tuple(task.get("path") or ()),
        error=Exception(task["error"]) if task.get("error") else None,
        interrupts=tuple(Interrupt(**i) for i in task.get("interrupts") or []),
        state=snapshot(nested, parent, remote_thread) if isinstance(nested, Mapping) else None,
        result=task.get("result"),
    )
