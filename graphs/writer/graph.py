"""The writer deployment: draft the answer, streaming its tokens, then ask a human to approve it.

The draft is saved before the ``interrupt()``, so resuming does not rewrite it. The
interrupt says which answers it accepts, and an answer it cannot read asks again with
the reason, so a typo never counts as a rejection.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, SystemMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from orchestrator.model import load_chat_model, model_spec

NAME = "writer"
PROMPT = "You are the writer. Answer the request from what the other agents reported."
APPROVAL = {
    "question": "Approve this answer?",
    "accepts": {
        "approved": "true publishes the draft, false rejects it",
        "feedback": "optional: what to change, when rejecting",
    },
    "examples": [{"approved": True}, {"approved": False, "feedback": "Cite your sources."}],
}


class WriterState(MessagesState, total=False):
    """The conversation, the draft waiting for approval, and why the last answer was unreadable."""

    draft: str
    error: str


async def write_draft(state: WriterState, runtime: Runtime[Any]) -> dict[str, Any]:
    """Draft the answer through the run's chat model, so its tokens stream."""
    model = load_chat_model(model_spec(runtime.context))
    reply = await model.ainvoke([SystemMessage(PROMPT), *state["messages"]])
    return {"draft": reply.text, "error": ""}


def read_answer(answer: Any) -> tuple[bool, str]:
    """Return (approved, feedback) from a resume value; raise ValueError saying what is wrong."""
    if isinstance(answer, bool):
        return answer, ""
    if isinstance(answer, dict) and isinstance(answer.get("approved"), bool):
        feedback = answer.get("feedback", "")
        if isinstance(feedback, str) and set(answer) <= {"approved", "feedback"}:
            return answer["approved"], feedback.strip()
    raise ValueError(
        f'expected {{"approved": true|false, "feedback"?: "..."}}, got {answer!r:.200}'
    )


def ask_approval(state: WriterState) -> dict[str, Any]:
    """Pause for a human's decision, then publish the draft or say it was rejected."""
    error = {"error": state["error"]} if state.get("error") else {}
    try:
        approved, feedback = read_answer(interrupt({**APPROVAL, "draft": state["draft"], **error}))
    except ValueError as exc:
        return {"error": str(exc)}
    text = state["draft"] if approved else f"The draft was rejected. Feedback: {feedback or '-'}"
    return {"messages": [AIMessage(text, name=NAME)], "error": ""}


def route_answer(state: WriterState) -> str:
    """Ask again while the answer could not be read."""
    return "ask_approval" if state.get("error") else END


builder = StateGraph(WriterState, input_schema=MessagesState, output_schema=MessagesState)
builder.add_node(write_draft)
builder.add_node(ask_approval)
builder.add_edge(START, "write_draft")
builder.add_edge("write_draft", "ask_approval")
builder.add_conditional_edges("ask_approval", route_answer, ["ask_approval", END])

graph = builder.compile(name=NAME)
"""Compiled without a checkpointer: the Agent Server supplies one."""
