"""Small graphs served by both the fake and the real Agent Server in tests.

Each exercises one part of the wire protocol: plain values, messages, an
interrupt and its resume, a failure, nested subgraphs, token streaming with a
custom writer, a slow run, input and output schemas narrower than the state,
and an interrupt inside a subgraph.
"""

from __future__ import annotations

import operator
import time
from typing import Annotated, Any, TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AnyMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import interrupt
from typing_extensions import TypedDict as TypedDictX  # pydantic describes it on 3.11


class EchoState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    log: Annotated[list[str], operator.add]


def reply(state: EchoState) -> dict[str, Any]:
    """Answer the last message with an AI message that repeats it."""
    last = state["messages"][-1] if state.get("messages") else None
    text = f"echo: {last.content}" if last is not None else "echo: (nothing)"
    return {
        "messages": [
            AIMessage(
                text,
                usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
                response_metadata={"model_name": "echo"},
            )
        ],
        "log": ["reply"],
    }


echo = StateGraph(EchoState).add_node(reply).add_edge(START, "reply").compile(name="echo")


class AskState(TypedDict, total=False):
    question: str
    answer: str


def ask(state: AskState) -> dict[str, Any]:
    """Pause for a human answer, then record it."""
    answer = interrupt({"question": state.get("question", "approve?")})
    return {"answer": str(answer)}


asker = StateGraph(AskState).add_node(ask).add_edge(START, "ask").compile(name="asker")


class FailState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]


def explode(state: FailState) -> dict[str, Any]:
    """Fail on purpose so error events can be compared."""
    raise ValueError("boom: deliberate failure")


failing = StateGraph(FailState).add_node(explode).add_edge(START, "explode").compile(name="failing")


class NestedState(TypedDict, total=False):
    steps: Annotated[list[str], operator.add]


def child_step(state: NestedState) -> dict[str, Any]:
    """Record that the inner graph ran."""
    return {"steps": ["child_step"]}


_child = (
    StateGraph(NestedState).add_node(child_step).add_edge(START, "child_step").compile(name="child")
)


def before(state: NestedState) -> dict[str, Any]:
    """Record that the outer graph ran before the subgraph."""
    return {"steps": ["before"]}


nested = (
    StateGraph(NestedState)
    .add_node(before)
    .add_node("child", _child)
    .add_edge(START, "before")
    .add_edge("before", "child")
    .add_edge("child", END)
    .compile(name="nested")
)


def talk(state: MessagesState) -> dict[str, Any]:
    """Stream a short scripted answer token by token, with a custom event."""
    get_stream_writer()({"progress": "thinking"})
    last = state["messages"][-1].content if state["messages"] else ""
    model = GenericFakeChatModel(messages=iter([AIMessage(f"you said {last}")]))
    return {"messages": [model.invoke(state["messages"])]}


chatty = StateGraph(MessagesState).add_node(talk).add_edge(START, "talk").compile(name="chatty")


class SlowState(TypedDict, total=False):
    seconds: float
    done: bool


def wait(state: SlowState) -> dict[str, Any]:
    """Sleep for the requested time, to test latency, overlap and cancellation."""
    time.sleep(float(state.get("seconds", 0.2)))
    return {"done": True}


slow = StateGraph(SlowState).add_node(wait).add_edge(START, "wait").compile(name="slow")


class FilteredInput(TypedDictX):
    question: str


class FilteredOutput(TypedDictX):
    answer: str


class FilteredState(FilteredInput, FilteredOutput, total=False):
    notes: Annotated[list[str], operator.add]


def take_notes(state: FilteredState) -> dict[str, Any]:
    """Write only a key outside the output schema (its update is hidden from callers)."""
    return {"notes": [f"asked: {state['question']}"]}


def conclude(state: FilteredState) -> dict[str, Any]:
    """Write the one key the output schema shows."""
    return {"answer": f"{len(state['notes'])} note(s) on {state['question']}"}


filtered = (
    StateGraph(FilteredState, input_schema=FilteredInput, output_schema=FilteredOutput)
    .add_node(take_notes)
    .add_node(conclude)
    .add_edge(START, "take_notes")
    .add_edge("take_notes", "conclude")
    .compile()  # unnamed ("LangGraph"): the server names it after its graph id
)

_inner_asker = StateGraph(AskState).add_node(ask).add_edge(START, "ask").compile(name="inner")


def prepare(state: AskState) -> dict[str, Any]:
    """Set the question the subgraph asks."""
    return {"question": state.get("question") or "approve?"}


nested_asker = (
    StateGraph(AskState)
    .add_node(prepare)
    .add_node("inner", _inner_asker)
    .add_edge(START, "prepare")
    .add_edge("prepare", "inner")
    .compile(name="nested_asker")
)

GRAPHS = {
    "echo": echo,
    "asker": asker,
    "failing": failing,
    "nested": nested,
    "chatty": chatty,
    "slow": slow,
    "filtered": filtered,
    "nested_asker": nested_asker,
}
