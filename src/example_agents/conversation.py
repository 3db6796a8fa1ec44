"""Pick the current request, and what was said about it, out of a conversation.

A child deployment's thread can hold several turns. The current one starts at the
last human message: the request, followed by what other agents have added since
(for example the researcher's findings). Messages from earlier turns are left out, so
an old answer does not leak into a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

__all__ = ["Turn", "current_turn"]


@dataclass(frozen=True)
class Turn:
    """The latest request and the texts of the messages that followed it."""

    request: str
    """The last human message's text; empty when there is none."""
    notes: tuple[str, ...]
    """Texts of the later messages (other agents' reports), oldest first."""
    earlier: tuple[str, ...]
    """Texts of the messages before the request, oldest first, for a fallback."""


def current_turn(messages: Sequence[BaseMessage]) -> Turn:
    """Split ``messages`` at the last human message.

    System messages are ignored. Without any human message, the whole conversation
    counts as notes and the request is empty.
    """
    kept = [m for m in messages if not isinstance(m, SystemMessage)]
    last = max((i for i, m in enumerate(kept) if isinstance(m, HumanMessage)), default=-1)
    return Turn(
        request=kept[last].text.strip() if last >= 0 else "",
        notes=tuple(m.text for m in kept[last + 1 :] if m.text.strip()),
        earlier=tuple(m.text for m in kept[: max(last, 0)] if m.text.strip()),
    )
