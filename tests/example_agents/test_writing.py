from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage

from example_agents.analysis import analyze, parse_analysis
from example_agents.approval import (
    APPROVAL_QUESTION,
    Approval,
    approval_request,
    parse_approval,
    rejection_text,
)
from example_agents.conversation import current_turn
from example_agents.findings import format_findings
from example_agents.scripted_model import ScriptedChatModel, split_tokens
from example_agents.search import default_index
from example_agents.writing import (
    MAX_FINDINGS,
    compose_answer,
    draft_from_messages,
)

TASK = "How much do wind turbines produce? What is the average capacity factor?"


def notes() -> list[str]:
    index = default_index()
    findings = format_findings("wind capacity factor", index.search("wind capacity factor"))
    return [findings, analyze(TASK, [findings])]


def test_answer_quotes_findings_with_sources_and_the_analysts_results() -> None:
    answer = compose_answer(TASK, notes())
    assert answer.startswith(f"**{TASK}**\n\nIn short: ")
    assert "What the documents say:\n- " in answer
    assert "(offshore-wind.md)" in answer
    assert "What the numbers say:\n- " in answer and "mean" in answer
    assert answer.rstrip().endswith(".") and "Sources: " in answer


def test_answer_is_deterministic_and_drops_repeats() -> None:
    twice = [*notes(), *notes()]
    assert compose_answer(TASK, twice) == compose_answer(TASK, notes())


def test_answer_caps_the_number_of_findings() -> None:
    index = default_index()
    many = [format_findings(q, index.search(q, limit=5)) for q in ("solar", "wind", "storage")]
    answer = compose_answer("Tell me everything", many)
    assert answer.count("\n- ") == MAX_FINDINGS


def test_answer_without_material_says_so_or_quotes_the_agents() -> None:
    assert "nothing to base an answer on" in compose_answer("Hi")
    quoted = compose_answer("Hi", ["A free-form note from another agent."])
    assert "What the other agents said:\n- A free-form note from another agent." in quoted


def test_answer_reads_reports_quoted_inside_the_request() -> None:
    request = f"{TASK}\n\nWhat the other agents reported:\n" + "\n\n".join(notes())
    answer = compose_answer(request)
    assert answer.startswith(f"**{TASK}**")
    assert "(offshore-wind.md)" in answer and "What the numbers say" in answer


def test_parse_analysis_reads_only_items_under_the_header() -> None:
    text = "Intro\n- not this\nAnalysis of figures about x:\n- one = 1\n- two = 2\nafter\n- no"
    assert parse_analysis(text) == ["- one = 1", "- two = 2"]


def test_current_turn_starts_at_the_last_human_message() -> None:
    messages = [
        SystemMessage("sys"),
        HumanMessage("old"),
        AIMessage("old answer"),
        HumanMessage("new"),
        AIMessage("finding"),
        AIMessage(""),
    ]
    turn = current_turn(messages)
    assert (turn.request, turn.notes, turn.earlier) == ("new", ("finding",), ("old", "old answer"))
    assert current_turn([AIMessage("only")]).request == ""
    assert draft_from_messages(messages).startswith("**new**")


def test_scripted_model_streams_word_tokens_that_join_to_the_answer() -> None:
    model = ScriptedChatModel(script=lambda messages: f"Echo: {messages[-1].text}  twice\nend")
    chunks = list(model.stream([HumanMessage("hello world")]))
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert [c.text for c in chunks] == ["Echo:", " hello", " world", "  twice", "\nend"]
    assert chunks[-1].chunk_position == "last"
    assert chunks[-1].response_metadata["model_provider"] == "scripted"
    assert model.invoke([HumanMessage("hello world")]).text == "Echo: hello world  twice\nend"
    assert split_tokens("") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, Approval(True)),
        ("yes", Approval(True)),
        (" Approve. ", Approval(True)),
        ({"approved": True}, Approval(True)),
        ({"approved": "yes", "feedback": "nice"}, Approval(True, "nice")),
        (False, Approval(False)),
        ("no", Approval(False)),
        ({"approved": False, "feedback": "Too long"}, Approval(False, "Too long")),
        ("Make it shorter", Approval(False, "Make it shorter")),
        ({"feedback": "why"}, Approval(False, "why")),
        (None, Approval(False, "unrecognised answer: None")),
        ({"other": 1}, Approval(False, "unrecognised answer: {'other': 1}")),
    ],
)
def test_parse_approval(value: Any, expected: Approval) -> None:
    assert parse_approval(value) == expected


def test_approval_request_and_rejection_text() -> None:
    assert approval_request("draft") == {"question": APPROVAL_QUESTION, "draft": "draft"}
    assert APPROVAL_QUESTION == "Approve this answer?"
    assert rejection_text("Too long") == "The draft was rejected. Feedback: Too long"
    assert "rejected" in rejection_text("")
