"""Handoffs across deployments: a child graph hands control to a node of its parent.

A local subgraph hands off with ``Command(graph=Command.PARENT, goto=...,
update=...)``, but an Agent Server turns that into an error, so it cannot
cross the wire. ``handoff`` works in both places: in a local subgraph it is
that ``Command``; in a graph served on its own it ends the run with a marked
interrupt, which the calling remote node acknowledges (so the child's run
finishes cleanly) and turns into ``Command(goto=..., update=...)`` in the
parent, the same step a local subgraph's handoff produces.

    def route(state: MessagesState) -> Command:
        if "invoice" in state["messages"][-1].text:
            return handoff("billing", {"messages": [AIMessage("Over to billing.")]})
        ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langgraph.config import get_config
from langgraph.graph import END
from langgraph.types import Command, interrupt

from remote_graphs.messages import hydrate

HANDOFF = "remote_graphs_handoff"
"""Key of the interrupt value that marks a handoff to the parent."""
ACK = {HANDOFF: "acknowledged"}
"""What the calling node resumes a handoff with, so the child's run can finish."""
_NS_SEP = "|"


def handoff(goto: str, update: Mapping[str, Any] | None = None) -> Command[Any]:
    """Hand control to the parent's node ``goto`` with ``update``; return the result.

    Call it from a node of a child graph and return what it returns.
    """
    payload = {"goto": goto, "update": dict(update or {})}
    namespace = str((get_config().get("configurable") or {}).get("checkpoint_ns") or "")
    if _NS_SEP in namespace:  # a local subgraph: its parent runs in this process
        return Command(graph=Command.PARENT, goto=goto, update=payload["update"])
    interrupt({HANDOFF: payload})
    return Command(goto=END)


def handoff_of(interrupts: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """Return the handoff a remote run ended with (``{"goto", "update"}``), if any."""
    for item in interrupts:
        value = item.get("value")
        if isinstance(value, Mapping) and isinstance(value.get(HANDOFF), Mapping):
            found = value[HANDOFF]
            return {"goto": str(found.get("goto")), "update": hydrate(found.get("update") or {})}
    return None
