"""One parent, built twice: with the child as a local subgraph, or on another deployment.

The local side is the child compiled without a checkpointer, so each call
sees exactly the parent's branch: the answer time travel is judged against.
"""

from typing import Any, Literal

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
