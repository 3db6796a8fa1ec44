"""The analyst deployment: compute what the request asks with the figures in the conversation.

Input and output are ``MessagesState``. It reads the last human message (expressions
such as ``mean(24, 35, 45)`` are computed) and the messages after it, such as the
researcher's findings (their figures are summarised by unit), and answers with one
``AIMessage`` named ``analyst`` that shows what it computed. Bad input gets a message
saying what was wrong, never an error.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph

from example_agents.analysis import NOTHING_TO_DO, analyze
from example_agents.conversation import current_turn

NAME = "analyst"


def compute(state: MessagesState) -> dict[str, Any]:
    """Analyse the current turn; fall back to earlier messages when it holds nothing to use."""
    turn = current_turn(state["messages"])
    report = analyze(turn.request, turn.notes)
    if report == NOTHING_TO_DO and turn.earlier:
        report = analyze(turn.request, turn.earlier)
    return {"messages": [AIMessage(report, name=NAME)]}


builder = StateGraph(MessagesState)
builder.add_node(compute)
builder.add_edge(START, "compute")

graph = builder.compile(name=NAME)
"""Compiled without a checkpointer: the Agent Server supplies one."""
