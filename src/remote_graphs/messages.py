"""Turn the JSON messages a remote returns back into LangChain message objects.

Bare ``RemoteGraph`` hands back plain dicts; coercing them later with
``convert_to_messages`` moves ``usage_metadata`` into ``additional_kwargs`` and
rejects streamed chunks. ``messages_from_dict`` keeps every field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
