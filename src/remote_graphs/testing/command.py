"""Turn a run's wire ``command`` into langgraph's ``Command``, like ``langgraph_api.command``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph.types import Command, Send

__all__ = ["map_command"]


def map_command(cmd: Mapping[str, Any]) -> Command[Any]:
    """Build a ``Command`` from its wire form (``goto`` may name nodes or ``Send``s)."""
    goto = cmd.get("goto")
    if goto is not None and not isinstance(goto, list):
        goto = [goto]
    update = cmd.get("update")
    if isinstance(update, tuple | list) and all(
        isinstance(t, tuple | list) and len(t) == 2 and isinstance(t[0], str) for t in update
    ):
        update = [tuple(t) for t in update]
    return Command(
        update=update,
        goto=[g if isinstance(g, str) else Send(g["node"], g["input"]) for g in goto]
        if goto
        else (),
        resume=cmd.get("resume"),
    )
