"""The supervisor in-process against the example children on fake deployments."""

from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import Command

from graphs import supervisor
from graphs.context import Context
from remote_graphs import thread_config
from remote_graphs.testing import FakeAgentServer

TASK = "How much electricity do wind turbines produce?"


@pytest.fixture
def graph(fresh_children: dict[str, FakeAgentServer]) -> Any:
    return supervisor.builder.compile(checkpointer=InMemorySaver())


async def test_calls_every_remote_tool_then_reports(graph: Any, fresh_children: Any) -> None:
    cfg = thread_config()
    first = await graph.ainvoke({"messages": [HumanMessage(TASK)]}, cfg)
    assert first["__interrupt__"][0].value["question"] == "Approve this answer?"
    out = await graph.ainvoke(Command(resume={"approved": True}), cfg)
    assert [m.name for m in out["messages"] if m.type == "tool"] == [
        t.name for t in supervisor.tools
    ]
    assert out["messages"][-1].text.startswith("(scripted model)")
    analyst_input = fresh_children["analyst"].runs[0].input["messages"][0]["content"]
    assert "wind turbine" in analyst_input, "later tools hear what earlier ones said"


async def test_the_agent_is_built_once_per_model(graph: Any) -> None:
    supervisor.agent_for.cache_clear()
    for _ in range(2):
        cfg = thread_config()
        await graph.ainvoke(
            {"messages": [HumanMessage(TASK)]}, cfg, context=Context(model="scripted")
        )
    assert supervisor.agent_for.cache_info().misses == 1


async def test_a_new_remote_tool_is_called_offline(
    make_fake_agent_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    echo = StateGraph(MessagesState).add_node("echo", lambda s: {"messages": [("ai", "echoed")]})
    server = make_fake_agent_server({"echo": echo.add_edge(START, "echo").compile()})
    tool = supervisor.remote_tool({"name": "echo", "url": server.url, "graph_id": "echo"})
    monkeypatch.setattr(supervisor, "tools", [tool])
    supervisor.agent_for.cache_clear()
    try:
        out = await supervisor.builder.compile().ainvoke({"messages": [HumanMessage("hi")]})
    finally:
        supervisor.agent_for.cache_clear()
    assert [m.name for m in out["messages"] if m.type == "tool"] == ["echo"]
    assert out["messages"][-1].text == "(scripted model) echoed"
