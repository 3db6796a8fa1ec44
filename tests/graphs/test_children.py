"""Each example child on its own fake deployment, reached through the SDK like a caller would."""

from typing import Any

import pytest
from langgraph_sdk import get_sync_client

from orchestrator.children import discover_children
from orchestrator.loader import load_graph

APPROVAL_KEYS = {"question", "draft", "accepts", "examples"}


@pytest.fixture
def client(make_fake_agent_server: Any) -> Any:
    graphs = {c.name: load_graph(c.name, config=c.config) for c in discover_children()}
    return get_sync_client(url=make_fake_agent_server(graphs).url, api_key=None)


def human(text: str) -> dict[str, Any]:
    return {"messages": [{"type": "human", "content": text}]}


def last(values: Any) -> dict[str, Any]:
    message: dict[str, Any] = values["messages"][-1]
    return message


def test_children_are_the_three_examples() -> None:
    assert [c.name for c in discover_children()] == ["analyst", "researcher", "writer"]


def test_researcher_answers_from_its_notes(client: Any) -> None:
    answer = last(
        client.runs.wait(None, "researcher", input=human("Where do wind farms emit CO2?"))
    )
    assert answer["name"] == "researcher" and "11 g of CO2" in answer["content"]
    nothing = last(client.runs.wait(None, "researcher", input=human("Xylophone quorum zebra")))
    assert nothing["content"] == "No notes match this question."


def test_analyst_calls_its_tool_then_answers(client: Any) -> None:
    request = "Mean of these? 25 to 45 percent, 50 percent and 6500 MWh."
    values = client.runs.wait(None, "analyst", input=human(request))
    assert [m["type"] for m in values["messages"]] == ["human", "ai", "tool", "ai"]
    call = values["messages"][1]["tool_calls"][0]
    assert call["name"] == "summarize_figures" and call["args"] == {"text": request}
    answer = last(values)
    assert answer["name"] == "analyst" and answer["content"] == (
        "(scripted model) Figures by unit:\n"
        "- percent: 3 figures, min 25, max 50, mean 40\n"
        "- MWh: 6500"
    )


def test_writer_streams_its_draft_then_asks_for_approval(client: Any) -> None:
    thread = client.threads.create()["thread_id"]
    parts = list(
        client.runs.stream(thread, "writer", input=human("Say hi"), stream_mode="messages-tuple")
    )
    tokens = [p.data[0]["content"] for p in parts if p.event == "messages"]
    assert len(tokens) > 3
    request = client.threads.get_state(thread)["interrupts"][0]["value"]
    assert set(request) == APPROVAL_KEYS and request["draft"] == "".join(tokens)
    assert request["accepts"].keys() == {"approved", "feedback"}
    client.runs.wait(thread, "writer", command={"resume": {"approved": True}})
    assert last(client.threads.get_state(thread)["values"])["content"] == request["draft"]


@pytest.mark.parametrize("answer", ["yes", {"approved": "yes"}, {"ok": True}, 1])
def test_writer_asks_again_when_it_cannot_read_the_answer(client: Any, answer: Any) -> None:
    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, "writer", input=human("Say hi"))
    first = client.threads.get_state(thread)["interrupts"][0]["value"]
    client.runs.wait(thread, "writer", command={"resume": answer})
    state = client.threads.get_state(thread)
    again = state["interrupts"][0]["value"]
    assert state["next"] == ["ask_approval"] and again == {**first, "error": again["error"]}
    assert again["error"].startswith('expected {"approved": true|false')
    client.runs.wait(thread, "writer", command={"resume": False})
    assert last(client.threads.get_state(thread)["values"])["content"].startswith(
        "The draft was rejected"
    )


def test_writer_reports_a_rejection_with_its_feedback(client: Any) -> None:
    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, "writer", input=human("Say hi"))
    resume = {"approved": False, "feedback": "Shorter, please."}
    values = client.runs.wait(thread, "writer", command={"resume": resume})
    assert last(values)["content"] == "The draft was rejected. Feedback: Shorter, please."
