"""Child graphs a parent calls across deployments in the served and parity tests.

``counter`` answers how many messages its thread holds, so a child that sees
an abandoned branch of its parent says so. ``reviewer`` drafts a reply and
pauses for approval, so there is remote state to inspect while it waits.
``triage`` hands invoices over to its parent's ``billing`` node. ``talker``
answers through a chat model, so there are tokens to stream.
"""

from typing import Any

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

from remote_graphs import handoff


def count(state: MessagesState) -> dict[str, Any]:
    """Say how many messages this thread has seen, and what the last request was."""
    asks = [m.text for m in state["messages"] if isinstance(m, HumanMessage)]
    return {"messages": [AIMessage(f"seen {len(state['messages'])}: {asks[-1] if asks else ''}")]}


counter = StateGraph(MessagesState).add_node(count).add_edge(START, "count").compile(name="counter")


class ReviewState(MessagesState, total=False):
    draft: str


def draft(state: ReviewState) -> dict[str, Any]:
    """Draft a reply to the last request."""
    return {"draft": f"draft for {state['messages'][-1].text}"}


def review(state: ReviewState) -> dict[str, Any]:
    """Pause until a human answers, then publish the (possibly edited) draft."""
    answer = interrupt({"question": "publish?", "draft": state["draft"]})
    return {"messages": [AIMessage(f"{state['draft']} ({answer})")]}


reviewer = (
    StateGraph(ReviewState)
    .add_node(draft)
    .add_node(review)
    .add_edge(START, "draft")
    .add_edge("draft", "review")
    .compile(name="reviewer")
)


def route(state: MessagesState) -> Any:
    """Answer, or hand invoices over to the parent's billing node."""
    request = state["messages"][-1].text
    if "invoice" in request:
        return handoff("billing", {"messages": [AIMessage("Over to billing.", name="triage")]})
    return {"messages": [AIMessage(f"triage answered: {request}", name="triage")]}


triage = StateGraph(MessagesState).add_node(route).add_edge(START, "route").compile(name="triage")


def talk(state: MessagesState) -> dict[str, Any]:
    """Answer through a chat model, so its tokens stream."""
    model = GenericFakeChatModel(messages=iter([AIMessage("tokens stream one by one")]))
    return {"messages": [model.invoke(state["messages"])]}


talker = StateGraph(MessagesState).add_node(talk).add_edge(START, "talk").compile(name="talker")

GRAPHS = {"counter": counter, "reviewer": reviewer, "triage": triage, "talker": talker}
