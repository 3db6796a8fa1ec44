"""Benchmark 1, hop overhead: a parent graph with one remote node vs the direct SDK call.

Both sides send the same input to the ``echo`` graph on the same fake server
with the same client (the pool's), and read the whole stream. Like with like:
a stateless node against a stateless SDK call, and a ``per_parent`` node
against an SDK call on a fresh thread created by the run (``if_not_exists``),
which is what the node's first call on a new parent thread does.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from bench.common import Row, Section, Stat, paired, timed
from remote_graphs.clients import ClientPool
from remote_graphs.node import ThreadPolicy, remote_node
from remote_graphs.registry import RemoteSpec, parse_remote

TARGET = 1.05
REPS = 60
SLOW = 0.05
MODES = ["updates", "values"]
"""What the node asks for (``updates`` carries interrupts); the direct call asks the same."""


def spec(url: str, graph: str = "echo", name: str | None = None) -> RemoteSpec:
    """Return a remote spec for a sample graph on the server at ``url``."""
    return parse_remote({"name": name or graph, "url": url, "graph_id": graph})


def parent(remote: RemoteSpec, pool: ClientPool, thread: ThreadPolicy) -> Any:
    """Return ``START -> remote`` compiled without a checkpointer."""
    node = remote_node(remote, pool=pool, thread=thread)
    return StateGraph(MessagesState).add_node(node).add_edge(START, node.name).compile()


def run(url: str, reps: int = REPS) -> Section:
    """Measure both thread policies against their direct SDK counterparts."""
    pool = ClientPool()
    remote = spec(url)
    sdk = pool.get(remote).sync()
    text = "hi"
    section = Section(
        "1. Hop overhead (remote_node vs direct SDK call)",
        "Parent `StateGraph` (START -> one `remote_node`, echo graph, sync `invoke`, no "
        "checkpointer) vs `client.runs.stream(...)` read to the end with the same client, "
        f"input and stream modes ({', '.join(MODES)}). {reps} interleaved pairs.",
    )
    try:
        stateless = parent(remote, pool, "stateless")

        def via_node() -> None:
            out = stateless.invoke({"messages": [HumanMessage(text)]})
            assert out["messages"][-1].text == "echo: hi", out

        def direct() -> None:
            parts = list(sdk.runs.stream(None, "echo", input=_input(text), stream_mode=MODES))
            assert parts[-1].data["messages"][-1]["content"] == "echo: hi", parts[-1]

        data = paired(via_node, direct, reps)
        section.rows.append(
            Row.from_paired("stateless node", "stateless SDK call", data, target=TARGET)
        )

        threaded = parent(remote, pool, "per_parent")

        def via_threaded_node() -> None:
            cfg = {"configurable": {"thread_id": str(uuid.uuid4())}}
            out = threaded.invoke({"messages": [HumanMessage(text)]}, cfg)
            assert out["messages"][-1].text == "echo: hi", out

        def direct_thread() -> None:
            thread = str(uuid.uuid4())
            parts = list(
                sdk.runs.stream(
                    thread, "echo", input=_input(text), stream_mode=MODES, if_not_exists="create"
                )
            )
            assert parts[-1].data["messages"][-1]["content"] == "echo: hi", parts[-1]

        data = paired(via_threaded_node, direct_thread, reps)
        section.rows.append(
            Row.from_paired(
                "per_parent node (new thread)", "SDK call, new thread", data, target=TARGET
            )
        )
        section.rows.append(_slow_row(url, pool, max(10, reps // 4)))
        section.notes.append(_floor_note(text))
    finally:
        pool.close()
    return section


def _slow_row(url: str, pool: ClientPool, reps: int) -> Row:
    """The same stateless comparison on a remote that works for 50 ms (closer to real use)."""
    remote = spec(url, "slow")
    node = remote_node(
        remote,
        pool=pool,
        thread="stateless",
        input=lambda _state: {"seconds": SLOW},
        output=lambda values: {"messages": []},
    )
    graph = StateGraph(MessagesState).add_node(node).add_edge(START, node.name).compile()
    sdk = pool.get(remote).sync()

    def direct() -> None:
        parts = list(sdk.runs.stream(None, "slow", input={"seconds": SLOW}, stream_mode=MODES))
        assert parts[-1].data["done"] is True, parts[-1]

    data = paired(lambda: graph.invoke({"messages": []}), direct, reps, warmup=2)
    return Row.from_paired(
        f"stateless node, remote working {SLOW * 1000:.0f} ms",
        "stateless SDK call",
        data,
        target=TARGET,
        note="The echo rows compare with a remote run of a few ms on the fake, so a fixed "
        "cost per hop weighs heavily; the 50 ms row shows the same hop against a remote "
        "that does some work.",
    )


def _floor_note(text: str) -> str:
    """Time langgraph's own cost for a one-node parent (a local no-op node), same run."""
    graph = (
        StateGraph(MessagesState)
        .add_node("noop", lambda _state: {"messages": []})
        .add_edge(START, "noop")
        .compile()
    )
    times = [timed(lambda: graph.invoke({"messages": [HumanMessage(text)]})) for _ in range(300)]
    floor = Stat.of([t * 1000 for t in times[50:]])
    return (
        f"Floor measured in the same run: a parent with one local no-op node costs "
        f"{floor.median:.2f} ms ({floor.p10:.2f}-{floor.p90:.2f}) per `invoke` without any "
        "remote call; that is langgraph's own cost per hop, which the node cannot avoid."
    )


def _input(text: str) -> dict[str, Any]:
    return {"messages": [{"type": "human", "content": text}]}


if __name__ == "__main__":
    from bench.common import main_against_fake

    main_against_fake(run)
