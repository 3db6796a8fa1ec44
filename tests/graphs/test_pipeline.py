"""The pipeline in-process against the example children on fake deployments."""

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from graphs import pipeline
from graphs.pipeline import builder
from remote_graphs import thread_config
from remote_graphs.testing import FakeAgentServer

TASK = "How much electricity do wind turbines produce? What capacity factor do wind turbines reach?"


@pytest.fixture
def graph(fresh_children: dict[str, FakeAgentServer]) -> Any:
    return builder.compile(checkpointer=InMemorySaver())


async def ask(graph: Any, cfg: Any, text: str) -> Any:
    return await graph.ainvoke({"messages": [HumanMessage(text)]}, cfg)


async def test_fan_out_route_and_approval(graph: Any, fresh_children: Any) -> None:
    cfg = thread_config()
    first = await ask(graph, cfg, TASK)
    request = first["__interrupt__"][0].value
    assert request["question"] == "Approve this answer?" and "capacity factor" in request["draft"]
    assert (await graph.aget_state(cfg)).next == ("write",)
    out = await graph.ainvoke(Command(resume={"approved": True}), cfg)
    answer = out["messages"][-1]
    assert isinstance(answer, AIMessage) and answer.name == "writer"
    assert answer.text == request["draft"]
    research = fresh_children["researcher"].runs
    assert len(research) == len(out["questions"]) == 2
    assert len({r.thread_id for r in research}) == 2, "one remote thread per branch"
    assert len(fresh_children["analyst"].runs) == 1
    writer_runs = fresh_children["writer"].runs
    assert [r.thread_id for r in writer_runs] == [writer_runs[0].thread_id] * 2
    assert writer_runs[1].command == {"resume": {"approved": True}}


async def test_the_analysts_answer_alone_reaches_the_parent(graph: Any) -> None:
    cfg = thread_config()
    await ask(graph, cfg, TASK)
    analysis = [m for m in (await graph.aget_state(cfg)).values["messages"] if m.name == "analyst"]
    assert len(analysis) == 1 and not analysis[0].tool_calls
    assert analysis[0].text.startswith("(scripted model) Figures by unit:")


async def test_findings_without_figures_skip_the_analyst(graph: Any, fresh_children: Any) -> None:
    cfg = thread_config()
    await ask(graph, cfg, "Xylophone quorum zebra")
    assert not fresh_children["analyst"].runs
    assert (await graph.aget_state(cfg)).next == ("write",)


async def test_rejection_keeps_the_feedback(graph: Any) -> None:
    cfg = thread_config()
    await ask(graph, cfg, TASK)
    out = await graph.ainvoke(Command(resume={"approved": False, "feedback": "too long"}), cfg)
    assert out["messages"][-1].text == "The draft was rejected. Feedback: too long"


async def test_unreadable_answer_asks_again_with_the_reason(
    graph: Any, fresh_children: Any
) -> None:
    cfg = thread_config()
    first = (await ask(graph, cfg, TASK))["__interrupt__"][0].value
    again = (await graph.ainvoke(Command(resume="sure"), cfg))["__interrupt__"][0].value
    assert again == {**first, "error": again["error"]} and "'sure'" in again["error"]
    out = await graph.ainvoke(Command(resume=True), cfg)
    assert out["messages"][-1].text == first["draft"]
    assert len({r.thread_id for r in fresh_children["writer"].runs}) == 1


async def test_stream_shows_remote_events_and_writer_tokens(graph: Any) -> None:
    parts = [
        part
        async for part in graph.astream(
            {"messages": [HumanMessage(TASK)]},
            thread_config(),
            stream_mode=["updates", "messages"],
            subgraphs=True,
        )
    ]
    assert {ns[0].split(":")[0] for ns, _, _ in parts if ns} >= {"research", "analyze", "write"}
    tokens = [d[0] for ns, mode, d in parts if mode == "messages" and ns[:1] and "write:" in ns[0]]
    assert len(tokens) > 5 and all(isinstance(t, AIMessageChunk) for t in tokens)
    assert any(mode == "updates" and "__interrupt__" in d for ns, mode, d in parts if not ns)


async def test_second_turn_starts_fresh_findings(graph: Any, fresh_children: Any) -> None:
    cfg = thread_config()
    await ask(graph, cfg, TASK)
    await graph.ainvoke(Command(resume=True), cfg)
    await ask(graph, cfg, "How much electricity does a solar panel produce?")
    out = await graph.ainvoke(Command(resume=True), cfg)
    assert len(out["findings"]) == 1 and "solar" in out["findings"][0]
    humans = [m.text for m in out["messages"] if isinstance(m, HumanMessage)]
    assert humans == [TASK, "How much electricity does a solar panel produce?"]
    writer = fresh_children["writer"].runs
    assert len({r.thread_id for r in writer}) == 1, "both turns use the same remote writer thread"
    assert TASK not in [m["content"] for m in writer[-2].input["messages"]], "only unseen messages"


def test_sync_run(graph: Any) -> None:
    cfg = thread_config()
    graph.invoke({"messages": [HumanMessage(TASK)]}, cfg)
    assert graph.invoke(Command(resume=True), cfg)["messages"][-1].name == "writer"


def test_a_remote_step_added_after_the_writer_runs_after_it() -> None:
    source = Path(pipeline.__file__).read_text(encoding="utf-8")
    writer = 'add_remote(builder, registry["writer"], name="write")\n'
    added = 'add_remote(builder, registry["researcher"], name="translate")\n'
    module = types.ModuleType("forked_pipeline")
    module.__file__ = pipeline.__file__
    sys.modules[module.__name__] = module
    try:
        exec(compile(source.replace(writer, writer + added), "forked", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    edges = {(e.source, e.target) for e in module.graph.get_graph().edges}
    assert {("write", "translate"), ("translate", "__end__")} <= edges
    assert ("write", "__end__") not in edges
