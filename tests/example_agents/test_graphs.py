"""The three child graphs in-process, an in-memory checkpointer standing in for the server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from graphs.analyst.graph import graph as analyst
from graphs.researcher.graph import graph as researcher
from graphs.writer.graph import builder as writer_builder
from graphs.writer.graph import graph as writer

TASK = "How much do wind turbines produce? What is the average capacity factor?"


def config() -> RunnableConfig:
    return {"configurable": {"thread_id": str(uuid.uuid4())}}


def last(result: dict[str, Any]) -> BaseMessage:
    message: BaseMessage = result["messages"][-1]
    return message


@pytest.mark.parametrize(
    ("graph", "name"), [(researcher, "researcher"), (analyst, "analyst"), (writer, "writer")]
)
def test_graphs_are_named_and_compiled_without_a_checkpointer(
    graph: CompiledStateGraph[Any, Any, Any, Any], name: str
) -> None:
    assert graph.name == name
    assert graph.checkpointer is None
    assert "messages" in graph.get_input_jsonschema()["properties"]
    assert set(graph.get_output_jsonschema()["properties"]) == {"messages"}


def test_researcher_answers_with_one_named_message_listing_findings() -> None:
    result = researcher.invoke({"messages": [HumanMessage("offshore wind capacity factor")]})
    answer = last(result)
    assert isinstance(answer, AIMessage) and answer.name == "researcher"
    assert len(result["messages"]) == 2
    assert answer.text.startswith('Findings for "offshore wind capacity factor":\n1. ')
    assert "(source: offshore-wind.md)" in answer.text


def test_researcher_asks_for_a_question_when_there_is_none() -> None:
    answer = last(researcher.invoke({"messages": [AIMessage("no human here")]}))
    assert "Ask me a question" in answer.text


def test_analyst_computes_from_the_request_and_the_findings() -> None:
    findings = last(researcher.invoke({"messages": [HumanMessage("wind capacity factor")]}))
    result = analyst.invoke({"messages": [HumanMessage(TASK), findings]})
    answer = last(result)
    assert isinstance(answer, AIMessage) and answer.name == "analyst"
    assert answer.text.startswith("Analysis of figures about")
    assert "mean" in answer.text and "%" in answer.text


def test_analyst_reports_bad_input_instead_of_failing() -> None:
    answer = last(analyst.invoke({"messages": [HumanMessage("What is __import__('os') + 1/0?")]}))
    assert "could not compute" in answer.text or "no expression" in answer.text
    answer = last(analyst.invoke({"messages": [HumanMessage("What is 9**9**9?")]}))
    assert "could not compute 9**9**9: the exponent" in answer.text


def test_analyst_falls_back_to_earlier_messages() -> None:
    saver = InMemorySaver()
    graph = analyst.builder.compile(checkpointer=saver)
    cfg = config()
    graph.invoke({"messages": [HumanMessage("Figures: 24% and 35%")]}, cfg)
    answer = last(graph.invoke({"messages": [HumanMessage("And now?")]}, cfg))
    assert "mean 29.5%" in answer.text


def writer_with_memory() -> CompiledStateGraph[Any, Any, Any, Any]:
    return writer_builder.compile(checkpointer=InMemorySaver(), name="writer")


def writer_input() -> dict[str, Any]:
    findings = last(researcher.invoke({"messages": [HumanMessage("wind capacity factor")]}))
    analysis = last(analyst.invoke({"messages": [HumanMessage(TASK), findings]}))
    return {"messages": [HumanMessage(TASK), findings, analysis]}


def test_writer_streams_its_draft_then_asks_for_approval() -> None:
    graph, cfg = writer_with_memory(), config()
    chunks: list[AIMessageChunk] = []
    interrupts: list[Any] = []
    for mode, data in graph.stream(writer_input(), cfg, stream_mode=["messages", "updates"]):
        if mode == "messages":
            chunk, metadata = data
            assert metadata["langgraph_node"] == "write_draft"
            chunks.append(chunk)
        elif "__interrupt__" in data:
            interrupts.extend(data["__interrupt__"])
    assert len(chunks) > 20
    (pause,) = interrupts
    draft = "".join(c.text for c in chunks)
    assert pause.value == {"question": "Approve this answer?", "draft": draft}
    assert draft.startswith(f"**{TASK}**")
    # Nothing is published before the human decides.
    assert [m.name for m in graph.get_state(cfg).values["messages"]] == [
        None,
        "researcher",
        "analyst",
    ]


@pytest.mark.parametrize("resume", [True, "yes", {"approved": True}])
def test_writer_publishes_the_same_draft_when_approved(resume: Any) -> None:
    graph, cfg = writer_with_memory(), config()
    first = graph.invoke(writer_input(), cfg)
    draft_text = first["__interrupt__"][0].value["draft"]
    draft_id = graph.get_state(cfg).values["draft"].id
    events = list(graph.stream(Command(resume=resume), cfg, stream_mode="updates"))
    assert [next(iter(e)) for e in events] == ["ask_approval"]  # the draft is not rewritten
    answer = last(graph.get_state(cfg).values)
    assert isinstance(answer, AIMessage) and answer.name == "writer"
    assert answer.text == draft_text
    assert answer.id == draft_id
    assert not graph.get_state(cfg).interrupts


@pytest.mark.parametrize(
    ("resume", "says"),
    [
        ({"approved": False, "feedback": "Cite fewer sources."}, "Feedback: Cite fewer sources."),
        (False, "no feedback was given"),
        ("no", "no feedback was given"),
        ("Make it shorter", "Feedback: Make it shorter"),
    ],
)
def test_writer_reports_a_rejection_with_its_feedback(resume: Any, says: str) -> None:
    graph, cfg = writer_with_memory(), config()
    graph.invoke(writer_input(), cfg)
    result = graph.invoke(Command(resume=resume), cfg)
    answer = last(result)
    assert isinstance(answer, AIMessage) and answer.name == "writer"
    assert answer.text.startswith("The draft was rejected")
    assert says in answer.text
    assert "What the documents say" not in answer.text


def test_writer_drafts_again_on_a_second_turn() -> None:
    graph, cfg = writer_with_memory(), config()
    graph.invoke(writer_input(), cfg)
    graph.invoke(Command(resume=True), cfg)
    again = graph.invoke({"messages": [HumanMessage("And solar?")]}, cfg)
    assert again["__interrupt__"][0].value["draft"].startswith("**And solar?**")
