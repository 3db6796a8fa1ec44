"""The researcher deployment: answer a question with passages from the bundled notes.

Input and output are ``MessagesState``: the last human message is the query, and the
answer is one ``AIMessage`` named ``researcher`` that lists the findings with their
sources (the format of ``example_agents.findings``).
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph

from example_agents.conversation import current_turn
from example_agents.findings import format_findings
from example_agents.search import default_index

NAME = "researcher"
COLLECTION = "the notes on renewable energy"


def search(state: MessagesState) -> dict[str, Any]:
    """Rank the notes' passages against the latest question, so others can cite them."""
    query = current_turn(state["messages"]).request
    if not query:
        text = f"Ask me a question and I will search {COLLECTION}."
    else:
        text = format_findings(query, default_index().search(query), collection=COLLECTION)
    return {"messages": [AIMessage(text, name=NAME)]}


builder = StateGraph(MessagesState)
builder.add_node(search)
builder.add_edge(START, "search")

graph = builder.compile(name=NAME)
"""Compiled without a checkpointer: the Agent Server supplies one."""
