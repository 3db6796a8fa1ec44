"""Failures say which remote, which caller, and what actually happened."""

from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import RemoteRunError, add_remote, remote_tool, thread_config
from remote_graphs.registry import parse_remote

NO_RETRY = {"max_attempts": 1}


def test_a_refused_connection_names_node_and_remote_and_says_no_run_started(
    pool: Any, refused_url: str
) -> None:
    spec = parse_remote(
        {"name": "researcher", "url": refused_url, "graph_id": "echo", "retry": NO_RETRY}
    )
    graph = add_remote(StateGraph(MessagesState), spec, name="research", pool=pool)
    graph = graph.add_edge(START, "research").compile(checkpointer=InMemorySaver())
    with pytest.raises(RemoteRunError) as info:
        graph.invoke({"messages": [HumanMessage("hi")]}, thread_config())
    message = str(info.value)
    assert message.startswith(f"remote 'researcher' (called by 'research') at {refused_url}: ")
    assert "no run could be started" in message and "ConnectError" in message
    assert info.value.run_id is None and info.value.caller == "research"


def test_a_failed_run_names_its_run_and_thread(fake: Any, spec: Any, pool: Any) -> None:
    graph = add_remote(StateGraph(MessagesState), spec("failing", retry=NO_RETRY), pool=pool)
    graph = graph.add_edge(START, "failing").compile(checkpointer=InMemorySaver())
    with pytest.raises(RemoteRunError) as info:
        graph.invoke({"messages": [HumanMessage("hi")]}, thread_config())
    err = info.value
    assert str(err).startswith(f"remote 'failing' at {fake.url}: run {err.run_id} on thread ")
    assert str(err).endswith("failed: ValueError: boom: deliberate failure")


def test_a_tool_failure_names_the_tool(pool: Any, refused_url: str) -> None:
    spec = parse_remote({"name": "analyst", "url": refused_url, "graph_id": "echo"})
    tool = remote_tool(spec, name="compute", pool=pool)
    with pytest.raises(RemoteRunError, match=r"^remote 'analyst' \(called by 'compute'\)"):
        tool.invoke({"request": "2+2"})
