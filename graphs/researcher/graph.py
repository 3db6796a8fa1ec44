"""The researcher deployment: answer a question with the best-matching lines of its notes.

It shows the plainest kind of remote: one node, no model, messages in and out.
The orchestrator fans questions out to it in parallel, one remote thread per
question. Replace the search with your own retrieval.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph

NAME = "researcher"
NOTES = Path(__file__).with_name("notes.txt").read_text(encoding="utf-8").splitlines()
MOST = 3
COMMON = {"what", "which", "much", "many", "their", "they", "does", "have", "with", "about", "from"}


def words(text: str) -> set[str]:
    """Return the words of ``text`` that say what it is about, without plural endings."""
    return {w.removesuffix("s") for w in re.findall(r"[a-z]{4,}", text.lower())} - COMMON


def search(question: str) -> list[str]:
    """Return the notes that share the most words with ``question``, best first."""
    asked = words(question)
    ranked = sorted(NOTES, key=lambda note: -len(asked & words(note)))
    return [note for note in ranked[:MOST] if asked & words(note)]


def answer(state: MessagesState) -> dict[str, Any]:
    """Answer the question (the latest message) with what the notes say about it."""
    found = search(state["messages"][-1].text)
    text = "\n".join(f"- {line}" for line in found) if found else "No notes match this question."
    return {"messages": [AIMessage(text, name=NAME)]}


graph = StateGraph(MessagesState).add_node(answer).add_edge(START, "answer").compile(name=NAME)
"""Compiled without a checkpointer: the Agent Server supplies one."""
