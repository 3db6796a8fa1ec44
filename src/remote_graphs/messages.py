"""Turn the JSON messages a remote returns back into LangChain message objects.

Bare ``RemoteGraph`` hands back plain dicts; coercing them later with
``convert_to_messages`` moves ``usage_metadata`` into ``additional_kwargs`` and
rejects streamed chunks. ``messages_from_dict`` keeps every field. Messages a
remote node brings back also carry their provenance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import BaseMessage, messages_from_dict

_TYPES = {
    "human",
    "ai",
    "system",
    "tool",
    "function",
    "chat",
    "remove",
    "HumanMessageChunk",
    "AIMessageChunk",
    "SystemMessageChunk",
    "ToolMessageChunk",
    "FunctionMessageChunk",
    "ChatMessageChunk",
}


def is_message_dict(value: Any) -> bool:
    """Return True for a serialised message (a dict with a known ``type`` and ``content``)."""
    return isinstance(value, Mapping) and value.get("type") in _TYPES and "content" in value


def to_message(value: Any) -> Any:
    """Return ``value`` as a message object when it is a serialised message, else unchanged."""
    if is_message_dict(value):
        return messages_from_dict([{"type": value["type"], "data": dict(value)}])[0]
    return value


def to_messages(values: Iterable[Any]) -> list[Any]:
    """Convert every serialised message in ``values``."""
    return [to_message(v) for v in values]


def hydrate(value: Any) -> Any:
    """Convert serialised messages found at the top level of a state dict or list."""
    if is_message_dict(value):
        return to_message(value)
    if isinstance(value, Mapping):
        return {k: _hydrate_field(v) for k, v in value.items()}
    if isinstance(value, list):
        return _hydrate_field(value)
    return value


def _hydrate_field(value: Any) -> Any:
    if isinstance(value, list) and any(is_message_dict(v) for v in value):
        return to_messages(value)
    return to_message(value)


def message_ids(messages: Sequence[Any]) -> set[str]:
    """Return the ids of the messages that have one."""
    return {m.id for m in messages if isinstance(m, BaseMessage) and m.id}


PROVENANCE = "remote_graphs"
"""Key in ``response_metadata`` of messages a remote produced: which node, run and checkpoint."""


@dataclass(frozen=True)
class Provenance:
    """Where a message a remote brought back came from.

    Kept on the message, so the parent's own state (and every fork of it)
    records which remote thread and checkpoint its branch has reached.
    """

    node: str | None
    run_id: str | None
    thread_id: str | None
    checkpoint_id: str | None = None

    def apply(self, message: Any) -> Any:
        """Return ``message`` marked with this provenance (other values unchanged)."""
        if not isinstance(message, BaseMessage):
            return message
        meta = dict(message.response_metadata or {})
        meta[PROVENANCE] = {
            "node": self.node,
            "run_id": self.run_id,
            "thread_id": self.thread_id,
            "checkpoint_id": self.checkpoint_id,
        }
        return message.model_copy(update={"response_metadata": meta})


def provenance(message: Any) -> Mapping[str, Any]:
    """Return the provenance a remote node left on ``message`` (empty when none)."""
    meta = getattr(message, "response_metadata", None) or {}
    origin = meta.get(PROVENANCE) if isinstance(meta, Mapping) else None
    return origin if isinstance(origin, Mapping) else {}
