"""Turn a run's wire ``command`` into langgraph's ``Command``, like ``langgraph_api.command``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph.types import Command, Send

__all__ = ["map_command"]


def map_command(cmd: Mapping[str, Any]) -> Command[Any]:
    """Build a ``Command`` from its wire form (``goto`` may name nodes or ``Send``s).

    Only called for a non-empty command: the SDK drops ``None`` fields, and the
    server runs an empty command (``{"resume": None}`` as sent) as a run
    without input, continuing the thread from its checkpoint.
    """
    goto = cmd.get("goto")
    if goto is not None and not isinstance(goto, list):
        goto = [goto]
    update = cmd.get("update")
    if isinstance(update, tuple | list) and all(
        isinstance(t, tuple | list) and len(t) == 2 and isinstance(t[0], str) for t in update
    ):
        update = [tuple(t) for t in update]
    targets = [g if isinstance(g, str) else Send(g["node"], g["input"]) for g in goto or ()]
    # The server passes ``goto=None`` when there is none, not langgraph's default ``()``:
    # a command that starts a thread then fails in the graph's start node, as there.
    return Command(update=update, goto=targets or None, resume=cmd.get("resume"))
