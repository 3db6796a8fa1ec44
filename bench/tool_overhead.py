"""Benchmark 2, remote tool overhead: a tool call through ``ToolNode`` vs the direct SDK call.

The candidate is a graph ``START -> ToolNode([remote_tool(echo)])`` given an AI
message with one tool call; the baseline is the stateless SDK stream the tool
makes, with the same input, client and stream modes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from bench.common import Paired, Row, Section, Stat, apaired, paired, timed
from bench.hop import MODES, spec
from remote_graphs.clients import ClientPool
from remote_graphs.tool import remote_tool

TARGET = 1.10
REPS = 60


def tool_graph(url: str, pool: ClientPool) -> Any:
    """Return ``START -> tools`` where ``tools`` holds one remote tool on ``echo``."""
    tools = ToolNode([remote_tool(spec(url), pool=pool)])
    return StateGraph(MessagesState).add_node("tools", tools).add_edge(START, "tools").compile()


def call() -> dict[str, Any]:
    """Return the graph input: an AI message that calls the tool once."""
    ai = AIMessage("", tool_calls=[{"name": "echo", "args": {"request": "hi"}, "id": "call-1"}])
    return {"messages": [ai]}


def run(url: str, reps: int = REPS) -> Section:
    """Measure the tool call against the direct SDK call."""
    pool = ClientPool()
    sdk = pool.get(spec(url)).sync()
    graph = tool_graph(url, pool)
    section = Section(
        "2. Remote tool overhead (ToolNode vs direct SDK call)",
        "Graph `START -> ToolNode([remote_tool(echo)])`, sync `invoke` with one tool call, vs "
        f"the stateless `client.runs.stream(...)` the tool makes. {reps} interleaved pairs.",
    )
    try:

        def via_tool() -> None:
            out = graph.invoke(call())
            result = out["messages"][-1]
            assert isinstance(result, ToolMessage) and result.content == "echo: hi", result

        def direct() -> None:
            inp = {"messages": [{"type": "human", "content": "hi"}]}
            parts = list(sdk.runs.stream(None, "echo", input=inp, stream_mode=MODES))
            assert parts[-1].data["messages"][-1]["content"] == "echo: hi", parts[-1]

        data = paired(via_tool, direct, reps)
        section.rows.append(
            Row.from_paired("ToolNode tool call (sync)", "stateless SDK call", data, target=TARGET)
        )
        section.rows.append(
            Row.from_paired(
                "ToolNode tool call (async)",
                "async stateless SDK call",
                asyncio.run(_async_pair(graph, pool, url, reps)),
                target=TARGET,
            )
        )
        section.notes.append(_floor_note())
    finally:
        pool.close()
    return section


async def _async_pair(graph: Any, pool: ClientPool, url: str, reps: int) -> Paired:
    sdk = pool.get(spec(url)).async_()

    async def via_tool() -> None:
        out = await graph.ainvoke(call())
        assert out["messages"][-1].content == "echo: hi", out

    async def direct() -> None:
        inp = {"messages": [{"type": "human", "content": "hi"}]}
        parts = [p async for p in sdk.runs.stream(None, "echo", input=inp, stream_mode=MODES)]
        assert parts[-1].data["messages"][-1]["content"] == "echo: hi", parts[-1]

    try:
        return await apaired(via_tool, direct, reps)
    finally:
        await pool.aclose()


def _floor_note() -> str:
    """Time a ToolNode graph whose tool is local (no remote call), in the same run."""

    @tool
    def echo(request: str) -> str:
        """Repeat the request."""
        return f"echo: {request}"

    graph = StateGraph(MessagesState).add_node("tools", ToolNode([echo]))
    compiled = graph.add_edge(START, "tools").compile()
    times = [timed(lambda: compiled.invoke(call())) for _ in range(150)]
    floor = Stat.of([t * 1000 for t in times[30:]])
    return (
        f"Floor measured in the same run: the same graph with a local tool (no remote call) "
        f"costs {floor.median:.2f} ms ({floor.p10:.2f}-{floor.p90:.2f}) per sync `invoke`. "
        "Sync `ToolNode` runs tool calls on a thread pool it creates per call (langchain-core's "
        "`get_executor_for_config`), which is most of that; async `ToolNode` does not."
    )


if __name__ == "__main__":
    from bench.common import main_against_fake

    main_against_fake(run)
