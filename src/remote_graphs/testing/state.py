"""Serialise checkpointer state as the server's ThreadState JSON.

The Agent Server does not return langgraph's ``StateSnapshot`` as is:
interrupts are reduced to ``{"id", "value"}``, checkpoint metadata gains the
``thread_id``, and configs become ``checkpoint`` objects. Every route that
returns state (state, history, a thread's ``interrupts``, debug checkpoint
events) goes through these rules, so they live in one place.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from langgraph.types import Interrupt, StateSnapshot

__all__ = [
    "EMPTY_THREAD_STATE",
    "history_before_config",
    "history_metadata_filter",
    "interrupt_to_wire",
    "runnable_config_to_checkpoint",
    "snapshot_to_wire",
    "written_checkpoint_to_wire",
]

EMPTY_THREAD_STATE: Final[dict[str, Any]] = {
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
"""The ThreadState of a thread that has no graph yet (no run was made on it)."""


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


def interrupt_to_wire(interrupt: Any) -> dict[str, Any]:
    """Return an interrupt (object or dict) as ``{"id", "value"}`` (state and thread form)."""
    if isinstance(interrupt, dict):
        interrupt = Interrupt(**interrupt)
    patched = {"id": interrupt.id, "value": interrupt.value}
    if interrupt.response_schema is not None:
        patched["response_schema"] = interrupt.response_schema
    return patched


def checkpoint_metadata_to_wire(state: StateSnapshot) -> dict[str, Any] | None:
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


def _task_to_wire(task: Any) -> dict[str, Any]:
    """Return one pending task of a snapshot in ThreadState form."""
    return {
        "id": task.id,
        "name": task.name,
        "path": list(task.path),
        "error": task.error,
        "interrupts": [interrupt_to_wire(i) for i in task.interrupts],
        "checkpoint": task.state["configurable"]
        if task.state is not None and not isinstance(task.state, StateSnapshot)
        else None,
        "state": snapshot_to_wire(task.state) if isinstance(task.state, StateSnapshot) else None,
        "result": getattr(task, "result", None),
    }


def snapshot_to_wire(state: StateSnapshot) -> dict[str, Any]:
    """Convert a StateSnapshot to the ThreadState JSON shape of the server."""
    return {
        "values": state.values,
        "next": list(state.next),
        "tasks": [_task_to_wire(t) for t in state.tasks],
        "metadata": checkpoint_metadata_to_wire(state),
        "created_at": state.created_at,
        "checkpoint": runnable_config_to_checkpoint(state.config),
        "parent_checkpoint": runnable_config_to_checkpoint(state.parent_config),
        "interrupts": [interrupt_to_wire(i) for i in state.interrupts],
        "checkpoint_id": state.config["configurable"].get("checkpoint_id")
        if state.config
        else None,
        "parent_checkpoint_id": state.parent_config["configurable"]["checkpoint_id"]
        if state.parent_config
        else None,
    }


def written_checkpoint_to_wire(config: Any) -> dict[str, Any]:
    """Return the body of ``POST /threads/{id}/state`` for the checkpoint just written."""
    conf = config["configurable"]
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


def history_before_config(before: Any) -> Any:
    """Turn a history ``before`` (checkpoint id or checkpoint) into a RunnableConfig."""
    if isinstance(before, str):
        return {"configurable": {"checkpoint_id": before}}
    if isinstance(before, dict):
        return before if "configurable" in before else {"configurable": before}
    return None


def history_metadata_filter(raw: Any, thread_id: str) -> dict[str, Any] | Literal[False] | None:
    """Turn a history ``metadata`` filter into one the checkpointer can apply.

    ``thread_id`` is added to metadata on read (see
    :func:`checkpoint_metadata_to_wire`), so it is checked here instead.

    Returns:
        The filter without ``thread_id``; None when there is none; False when
        it names another thread (so nothing can match).
    """
    if not isinstance(raw, dict):
        return None
    metadata = dict(raw)
    if "thread_id" in metadata and str(metadata.pop("thread_id")) != thread_id:
        return False
    return metadata
