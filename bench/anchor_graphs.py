"""The parent shapes of the anchor rows, each built twice: bare ``RemoteGraph`` and ``remote_node``.

Upstream is used the way its docs show: ``RemoteGraph(graph_id, url=...)``
added as a node, with its own clients. The project's node uses its client
pool. Both parents are otherwise identical: the same state, edges, input and
checkpointer, so a difference between twins is the remote call path alone.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, TypedDict

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.pregel.remote import RemoteGraph
from langgraph.types import Send

from bench.hop import spec
from remote_graphs.clients import ClientPool
from remote_graphs.node import ThreadPolicy, remote_node

BRANCHES = 8
SECONDS = 0.2
HI = "hi"
ECHO = f"echo: {HI}"


def _last(_old: Any, new: Any) -> Any:
    return new


def _collect(old: list[bool], new: bool | list[bool]) -> list[bool]:
    return old + (new if isinstance(new, list) else [new])


class FanState(TypedDict, total=False):
    """Parent state of the fan-out: what each branch brought back.

    ``RemoteGraph`` returns the remote's whole state (``seconds`` and a
    ``done`` flag) from every branch, so both keys need reducers; the
    project's node maps its output to ``done`` alone.
    """

    seconds: Annotated[float, _last]
    done: Annotated[list[bool], _collect]


def upstream_hop(url: str, checkpointer: BaseCheckpointSaver[Any] | None = None) -> Any:
    """Return ``START -> RemoteGraph("echo")``: stateless, or on the parent's thread when saved."""
    node = RemoteGraph("echo", url=url)
    builder = StateGraph(MessagesState).add_node("echo", node).add_edge(START, "echo")
    return builder.compile(checkpointer=checkpointer)


def project_hop(
    url: str,
    pool: ClientPool,
    thread: ThreadPolicy,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> Any:
    """Return ``START -> remote_node(echo)`` with the given thread policy."""
    node = remote_node(spec(url), pool=pool, thread=thread)
    builder = StateGraph(MessagesState).add_node(node).add_edge(START, node.name)
    return builder.compile(checkpointer=checkpointer)


def hop_input() -> dict[str, Any]:
    """Return the parent input of a hop."""
    return {"messages": [HumanMessage(HI)]}


def new_parent_thread() -> dict[str, Any]:
    """Return a config on a fresh parent thread."""
    return {"configurable": {"thread_id": str(uuid.uuid4())}}


def check_hop(out: dict[str, Any]) -> None:
    """Assert the parent got the echo back."""
    assert out["messages"][-1].content == ECHO, out


def _fan_out(_state: FanState) -> list[Send]:
    return [Send("slow", {"seconds": SECONDS}) for _ in range(BRANCHES)]


def upstream_fan(url: str) -> Any:
    """Return ``START -Send x 8-> RemoteGraph("slow")`` (stateless remote runs)."""
    builder = StateGraph(FanState).add_node("slow", RemoteGraph("slow", url=url))
    return builder.add_conditional_edges(START, _fan_out, ["slow"]).compile()


def project_fan(url: str, pool: ClientPool) -> Any:
    """Return ``START -Send x 8-> remote_node(slow, thread="stateless")``."""
    node = remote_node(
        spec(url, "slow"),
        pool=pool,
        thread="stateless",
        input=lambda branch: {"seconds": branch["seconds"]},
        output=lambda values: {"done": [bool(values.get("done"))]},
        input_keys=("seconds",),
        output_keys=("done",),
    )
    builder = StateGraph(FanState).add_node(node)
    return builder.add_conditional_edges(START, _fan_out, [node.name]).compile()


def check_fan(out: dict[str, Any]) -> None:
    """Assert every branch came back done."""
    assert out["done"] == [True] * BRANCHES, out
