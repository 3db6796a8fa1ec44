"""The writer deployment: draft the final answer, then wait for a human to approve it.

Input and output are ``MessagesState``. ``write_draft`` composes the answer from the
request and the other agents' messages through a chat model (a scripted one here), so
its tokens stream like a real model's; the draft is kept in the state, apart from the
messages. ``ask_approval`` then pauses with ``interrupt()`` and the value
``{"question": "Approve this answer?", "draft": "<text>"}``. Because the draft was
saved before the pause, resuming runs only ``ask_approval``: the draft is not
recomputed. Resumed with an approval (``True``, ``"yes"``, ``{"approved": true}``) it
adds the draft as an ``AIMessage`` named ``writer``; with a rejection (``False``,
``"no"``, ``{"approved": false, "feedback": "..."}``) it adds a message saying the
draft was rejected, with the feedback.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, SystemMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.types import interrupt

from example_agents.approval import approval_request, parse_approval, rejection_text
from example_agents.scripted_model import ScriptedChatModel
from example_agents.writing import WRITER_PROMPT, draft_from_messages

NAME = "writer"

model = ScriptedChatModel(script=draft_from_messages, model_name="scripted-writer")
"""The chat model that writes; replace it with ``init_chat_model(...)`` for a real one."""


class WriterState(MessagesState, total=False):
    """The conversation, plus the draft waiting for approval."""

    draft: AIMessage


def write_draft(state: WriterState) -> dict[str, Any]:
    """Compose the answer through the chat model, so that its tokens stream."""
    message = model.invoke([SystemMessage(WRITER_PROMPT), *state["messages"]])
    return {"draft": message.model_copy(update={"name": NAME})}


def ask_approval(state: WriterState) -> dict[str, Any]:
    """Pause for a human's decision, then publish the draft or report the rejection."""
    draft = state["draft"]
    decision = parse_approval(interrupt(approval_request(draft.text)))
    if decision.approved:
        return {"messages": [draft]}
    return {"messages": [AIMessage(rejection_text(decision.feedback), name=NAME)]}


builder = StateGraph(WriterState, input_schema=MessagesState, output_schema=MessagesState)
builder.add_node(write_draft)
builder.add_node(ask_approval)
builder.add_edge(START, "write_draft")
builder.add_edge("write_draft", "ask_approval")
builder.add_edge("ask_approval", END)

graph = builder.compile(name=NAME)
"""Compiled without a checkpointer: the Agent Server supplies one."""
