"""The orchestrator in-process against the example children on fake deployments."""

import asyncio
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from graphs.orchestrator import builder
from orchestrator.context import Context
from remote_graphs import thread_config

TASK = (
    "How much electricity do wind turbines produce? What is the average of their capacity factors?"
)


@pytest.fixture
def graph(fake_children: Any) -> Any:
    return builder.compile(checkpointer=InMemorySaver())


def ask(graph: Any, cfg: Any, text: str, **kwargs: Any) -> Any:
    return graph.invoke({"messages": [HumanMessage(text)]}, cfg, **kwargs)


def test_full_run_with_approval(graph: Any, fake_children: Any) -> None:
    cfg = thread_config()
    first = ask(graph, cfg, TASK)
    request = first["__interrupt__"][0].value
    assert request["question"] and "capacity factor" in request["draft"]
    state = graph.get_state(cfg)
    assert state.next == ("write",)
    out = graph.invoke(Command(resume={"approved": True}), cfg)
    answer = out["messages"][-1]
    assert isinstance(answer, AIMessage) and answer.name == "writer"
    assert answer.text == request["draft"]
    assert len(fake_children["researcher"].runs) == len(out["questions"]) >= 2
    assert len(fake_children["analyst"].runs) == 1
    assert len(fake_children["writer"].runs) == 2  # the draft, then the resume on the same thread
    writer_runs = fake_children["writer"].runs
    assert writer_runs[0].thread_id == writer_runs[1].thread_id
    assert writer_runs[1].command == {"resume": {"approved": True}}


def test_rejection_is_reported(graph: Any) -> None:
    cfg = thread_config()
    ask(graph, cfg, TASK)
    out = graph.invoke(Command(resume={"approved": False, "feedback": "too long"}), cfg)
    assert "rejected" in out["messages"][-1].text.lower()
    assert "too long" in out["messages"][-1].text


def test_findings_without_figures_skip_the_analyst(graph: Any, fake_children: Any) -> None:
    before = len(fake_children["analyst"].runs)
    cfg = thread_config()
    ask(graph, cfg, "Xylophone quorum zebra")
    assert len(fake_children["analyst"].runs) == before
    assert graph.get_state(cfg).next == ("write",)


def test_stream_shows_remote_events_and_tokens(graph: Any) -> None:
    cfg = thread_config()
    parts = list(
        graph.stream(
            {"messages": [HumanMessage(TASK)]},
            cfg,
            stream_mode=["updates", "messages"],
            subgraphs=True,
        )
    )
    namespaces = {ns[0].split(":")[0] for ns, _, _ in parts if ns}
    assert {"research", "analyze", "write"} <= namespaces
    tokens = [
        d[0] for ns, mode, d in parts if mode == "messages" and ns and ns[0].startswith("write:")
    ]
    assert len(tokens) > 5 and all(isinstance(t, AIMessageChunk) for t in tokens)
    assert any(mode == "updates" and "__interrupt__" in data for ns, mode, data in parts if not ns)


def test_state_history_and_update_on_the_parent_thread(graph: Any) -> None:
    cfg = thread_config()
    ask(graph, cfg, TASK)
    graph.invoke(Command(resume=True), cfg)
    history = list(graph.get_state_history(cfg))
    assert len(history) >= 5
    assert [s.next for s in history][-1] == ("__start__",)
    graph.update_state(cfg, {"messages": [AIMessage("a note from an operator", id="note")]})
    assert graph.get_state(cfg).values["messages"][-1].text == "a note from an operator"


def test_second_turn_continues_the_conversation(graph: Any, fake_children: Any) -> None:
    cfg = thread_config()
    ask(graph, cfg, TASK)
    graph.invoke(Command(resume=True), cfg)
    ask(graph, cfg, "What about solar panels? How much do they produce?")
    out = graph.invoke(Command(resume=True), cfg)
    humans = [m.text for m in out["messages"] if isinstance(m, HumanMessage)]
    assert humans == [TASK, "What about solar panels? How much do they produce?"]
    writer_threads = {r.thread_id for r in fake_children["writer"].runs[-4:]}
    assert len(writer_threads) == 1, "both turns use the same remote writer thread"
    second_input = fake_children["writer"].runs[-2].input["messages"]
    assert TASK not in [m["content"] for m in second_input], "only unseen messages are sent"


def test_supervisor_mode_calls_remote_tools(graph: Any) -> None:
    cfg = thread_config()
    first = ask(graph, cfg, TASK, context=Context(mode="supervisor"))
    assert first["__interrupt__"][0].value["question"]
    out = graph.invoke(Command(resume=True), cfg, context=Context(mode="supervisor"))
    tools = [m.name for m in out["messages"] if m.type == "tool"]
    assert tools == ["researcher", "analyst", "writer"]
    assert out["messages"][-1].text.startswith("(scripted supervisor, no LLM)")


def test_async_run(graph: Any) -> None:
    async def run() -> Any:
        cfg = thread_config()
        await graph.ainvoke({"messages": [HumanMessage(TASK)]}, cfg)
        return await graph.ainvoke(Command(resume=True), cfg)

    assert asyncio.run(run())["messages"][-1].name == "writer"
