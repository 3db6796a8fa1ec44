"""Turn a graph's stream into the server's wire events, as ``langgraph_api.stream`` does.

The translation rules (event names, ``messages-tuple``, legacy ``messages``,
subgraph namespaces, debug checkpoint payloads), the checkpoint the worker
keeps for the thread record, and the body of a ``wait``/``join`` all follow
the server, so they live together here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import BaseMessage, BaseMessageChunk, message_chunk_to_message

from remote_graphs.testing.serde import json_loads
from remote_graphs.testing.state import runnable_config_to_checkpoint

__all__ = ["CheckpointTracker", "EventTranslator", "RunResult", "debug_chunk"]


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
    """Compute the body of a ``wait``, ``join`` or ``cancel?wait`` from the events it saw.

    Like the server, each waiting response computes its own result from the
    events it received; one that saw none (it joined a finished run) answers
    with the ``fallback`` built from the thread record instead.
    """

    def __init__(self) -> None:
        self.error: Any = None
        self.latest: Any = None
        self.interrupt_chunks: list[dict[str, Any]] = []

    def absorb(self, event: str, data: bytes) -> None:
        """Take note of one event (namespaced ones do not count)."""
        if event == "error":
            self.error = json_loads(data)
        elif event in ("values", "updates") and (event == "values" or b"__interrupt__" in data):
            chunk = json_loads(data)
            if isinstance(chunk, dict) and chunk.get("__interrupt__"):
                self.interrupt_chunks.append(chunk)
                self.latest = chunk
            elif event == "values":
                self.latest = chunk

    def body(self, fallback: Callable[[], Any]) -> Any:
        """Return the final result; ``fallback`` gives it when no event said it."""
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
        return fallback()
