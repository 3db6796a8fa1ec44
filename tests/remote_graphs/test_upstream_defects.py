"""Each RemoteGraph defect this project exists to fix: bare RemoteGraph fails, the wrapper works.

These run on the locked langgraph version; when upstream fixes a defect, its
"bare" test fails and tells us the workaround can go.
"""

import asyncio
from typing import Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.pregel.remote import RemoteGraph
from langgraph.types import Command

from remote_graphs import remote_node, remote_tool, thread_config
from remote_graphs.node import PROVENANCE
from remote_graphs.registry import parse_remote


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_as_tool_crashes_but_remote_tool_works(fake: Any, spec: Any, pool: Any) -> None:
    with pytest.raises(Exception, match="isinstance"):
        RemoteGraph("echo", url=fake.url).as_tool()
    assert remote_tool(spec("echo"), pool=pool).invoke({"request": "x"}) == "echo: x"


class Ask(TypedDict, total=False):
    question: str
    answer: str


def test_remote_interrupt_never_resumes_bare_but_does_wrapped(
    fake: Any, spec: Any, pool: Any
) -> None:
    bare = RemoteGraph("asker", url=fake.url, name="asker")
    graph = StateGraph(Ask).add_node(bare).add_edge(START, "asker")
    graph = graph.compile(checkpointer=InMemorySaver())
    cfg = thread_config()
    graph.invoke({"question": "q"}, cfg)
    again = graph.invoke(Command(resume="yes"), cfg)
    assert "__interrupt__" in again and "answer" not in again  # interrupted forever

    node = remote_node(
        spec("asker"),
        pool=pool,
        input=lambda s: {"question": s["question"]},
        output=lambda v: {"answer": v["answer"]},
    )
    wrapped = StateGraph(Ask).add_node(node).add_edge(START, "asker")
    wrapped = wrapped.compile(checkpointer=InMemorySaver())
    cfg = thread_config()
    wrapped.invoke({"question": "q"}, cfg)
    assert wrapped.invoke(Command(resume="yes"), cfg)["answer"] == "yes"


def test_one_shared_remote_thread_bare_separate_wrapped(fake: Any, spec: Any, pool: Any) -> None:
    def two_nodes(first: Any, second: Any) -> Any:
        builder = StateGraph(MessagesState).add_node(first).add_node(second)
        builder.add_edge(START, first.name).add_edge(first.name, second.name)
        return builder.compile(checkpointer=InMemorySaver())

    cfg = thread_config()
    parent = cfg["configurable"]["thread_id"]
    bare = two_nodes(
        RemoteGraph("echo", url=fake.url, name="a"), RemoteGraph("echo", url=fake.url, name="b")
    )
    bare.invoke({"messages": [HumanMessage("x")]}, cfg)
    assert len(fake.runs_on(parent)) == 2  # both nodes ran on the parent's own thread id

    cfg = thread_config()
    parent = cfg["configurable"]["thread_id"]
    wrapped = two_nodes(
        remote_node(spec("echo"), name="a", pool=pool),
        remote_node(spec("echo"), name="b", pool=pool),
    )
    out = wrapped.invoke({"messages": [HumanMessage("x")]}, cfg)
    assert fake.runs_on(parent) == []
    threads = [m.response_metadata[PROVENANCE]["thread_id"] for m in out["messages"][1:]]
    assert len(set(threads)) == 2 and parent not in threads
    for thread in threads:
        assert len(fake.runs_on(thread)) == 1


def test_dict_messages_bare_objects_wrapped(fake: Any, spec: Any, pool: Any) -> None:
    out = RemoteGraph("echo", url=fake.url).invoke({"messages": [HumanMessage("x")]})
    assert isinstance(out["messages"][-1], dict)
    graph = StateGraph(MessagesState).add_node(RemoteGraph("echo", url=fake.url, name="echo"))
    bare = graph.add_edge(START, "echo").compile().invoke({"messages": [HumanMessage("x")]})
    assert bare["messages"][-1].usage_metadata is None  # moved into additional_kwargs

    node = remote_node(spec("echo"), pool=pool)
    graph = StateGraph(MessagesState).add_node(node).add_edge(START, "echo").compile()
    wrapped = graph.invoke({"messages": [HumanMessage("x")]}, thread_config())
    assert isinstance(wrapped["messages"][-1], AIMessage)
    assert wrapped["messages"][-1].usage_metadata["total_tokens"] == 5


def test_api_key_from_env_ignored_bare_sent_wrapped(
    fake: Any, spec: Any, pool: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGSMITH_API_KEY", "ls-key")
    RemoteGraph("echo", url=fake.url).invoke({"messages": [HumanMessage("x")]})
    assert "x-api-key" not in fake.requests_to("POST", "/runs/stream")[-1].headers

    tool = remote_tool(spec("echo", api_key_env="LANGSMITH_API_KEY"), pool=pool)
    tool.invoke({"request": "x"})
    assert fake.requests_to("POST", "/runs/stream")[-1].headers["x-api-key"] == "ls-key"


@pytest.mark.real_server
def test_async_client_across_event_loops_bare_breaks_wrapped_works(
    real_agent_server: Any, pool: Any
) -> None:
    # Needs the real server: the fake closes every connection, so no pooled
    # connection outlives its event loop there.
    inp = {"messages": [HumanMessage("x")]}
    bare = RemoteGraph("echo", url=real_agent_server.url)
    asyncio.run(bare.ainvoke(inp))
    with pytest.raises(RuntimeError, match="Event loop is closed"):
        asyncio.run(bare.ainvoke(inp))

    spec = parse_remote({"name": "echo", "url": real_agent_server.url, "graph_id": "echo"})
    tool = remote_tool(spec, pool=pool)
    assert asyncio.run(tool.ainvoke({"request": "a"})) == "echo: a"
    assert asyncio.run(tool.ainvoke({"request": "b"})) == "echo: b"


def _counting_parent(node: Any) -> Any:
    builder = StateGraph(MessagesState).add_node("count", node).add_edge(START, "count")
    return builder.compile(checkpointer=InMemorySaver())


def _turn_one(graph: Any, cfg: Any) -> Any:
    return next(
        s.config
        for s in graph.get_state_history(cfg)
        if not s.next and len(s.values["messages"]) == 2
    )


def test_a_fork_sees_the_abandoned_branch_bare_but_not_wrapped(children: Any, pool: Any) -> None:
    def fork_answer(graph: Any) -> str:
        cfg = thread_config()
        graph.invoke({"messages": [HumanMessage("a")]}, cfg)
        graph.invoke({"messages": [HumanMessage("b")]}, cfg)
        out = graph.invoke({"messages": [HumanMessage("x")]}, _turn_one(graph, cfg))
        return str(out["messages"][-1].content)

    bare = _counting_parent(RemoteGraph("counter", url=children.url, name="count"))
    assert fork_answer(bare) == "seen 5: x"  # the remote thread kept the abandoned "b" turn
    remote = {"name": "counter", "url": children.url, "graph_id": "counter"}
    wrapped = _counting_parent(remote_node(remote, name="count", pool=pool))
    assert fork_answer(wrapped) == "seen 3: x"


def test_subgraph_state_is_missing_bare_but_shown_wrapped(children: Any, pool: Any) -> None:
    ask = {"messages": [HumanMessage("hi")]}
    bare = _counting_parent(RemoteGraph("reviewer", url=children.url, name="count"))
    cfg = thread_config()
    bare.invoke(ask, cfg)
    with pytest.raises(TypeError):  # it asks the remote for the parent's own thread
        bare.get_state(cfg, subgraphs=True)
    remote = {"name": "reviewer", "url": children.url, "graph_id": "reviewer"}
    wrapped = _counting_parent(remote_node(remote, name="count", pool=pool))
    cfg = thread_config()
    wrapped.invoke(ask, cfg)
    sub = wrapped.get_state(cfg, subgraphs=True).tasks[0].state
    assert sub.values["draft"] == "draft for hi" and sub.next == ("review",)
