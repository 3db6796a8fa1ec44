"""One parent, built twice: with the child as a local subgraph, or on another deployment.

The local side is the child compiled without a checkpointer, so each call
sees exactly the parent's branch: the answer time travel is judged against.
"""

from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import add_remote
from remote_graphs.clients import ClientPool
from tests.remote_graphs.served.children import GRAPHS

Kind = Literal["local", "remote"]


def parent(kind: Kind, child: str, node: str, *, url: str, pool: ClientPool) -> Any:
    """Return ``START -> node -> END`` where ``node`` runs ``child`` locally or remotely."""
    builder = StateGraph(MessagesState)
    if kind == "local":
        builder.add_node(node, GRAPHS[child])
    else:
        add_remote(builder, {"name": child, "url": url, "graph_id": child}, name=node, pool=pool)
    return builder.add_edge(START, node).compile(checkpointer=InMemorySaver())


def billing(state: MessagesState) -> dict[str, Any]:
    """Answer as the parent's billing agent, seeing what was handed over."""
    return {"messages": [AIMessage(f"billing saw {len(state['messages'])} messages")]}


def handoff_parent(kind: Kind, *, url: str, pool: ClientPool) -> Any:
    """Return a parent whose ``triage`` child may hand off to its ``billing`` node."""
    builder = StateGraph(MessagesState).add_node(billing)
    if kind == "local":
        builder.add_node("triage", GRAPHS["triage"], destinations=("billing",))
    else:
        remote = {"name": "triage", "url": url, "graph_id": "triage"}
        add_remote(builder, remote, destinations=("billing",), pool=pool)
    builder.add_edge(START, "triage")
    return builder.compile(checkpointer=InMemorySaver())
