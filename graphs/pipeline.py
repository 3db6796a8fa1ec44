"""The pipeline: plan -> research (parallel ``Send`` branches) -> merge -> analyze? -> write.

Each research branch runs on its own remote thread; the analyst is asked only when the
findings hold figures; the writer asks a human to approve. Remote steps added after
``write`` run after it, in the order added, so a new step is one ``add_remote`` line.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from graphs.context import Context
from graphs.requests import request_of
from remote_graphs import Registry, add_remote

registry = Registry.from_file(Path(__file__).resolve().parents[1] / "remotes.toml")


def gather(findings: list[str], update: list[str]) -> list[str]:
    """Add a branch's findings to the turn's; an empty update starts a new turn."""
    return [*findings, *update] if update else []


class State(MessagesState, total=False):
    """The conversation, plus the questions planned for this turn and what research found."""

    questions: list[str]
    findings: Annotated[list[str], gather]


def plan(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Split the latest request into up to four questions, one research branch each."""
    request = request_of(state.get("messages"), runtime.context)
    parts = [p.strip() for p in re.split(r"(?<=[?.;])\s+|\n+", request)]
    questions = [p for p in parts if len(p.split()) > 1][:4] or [request]
    return {"questions": questions, "findings": []}


def fan_out(state: State) -> list[Send]:
    """Send each question to its own research branch; the branches run in parallel."""
    return [Send("research", {"question": q}) for q in state["questions"]]


def merge(state: State) -> dict[str, Any]:
    """Join the branches' findings, without repeats, into one message the next remotes read."""
    lines = dict.fromkeys(line for f in state.get("findings", []) for line in f.splitlines())
    body = "\n".join(lines)
    return {"messages": [AIMessage(f"Research findings:\n{body}", name="research")]}


def route_findings(state: State) -> str:
    """Ask the analyst only when the findings hold figures to compute with."""
    return "analyze" if any(re.search(r"\d", f) for f in state.get("findings", [])) else "write"


builder = StateGraph(State, context_schema=Context)
builder.add_node(plan)
builder.add_node(merge)
add_remote(
    builder,
    registry["researcher"],
    name="research",
    thread="per_task",
    input=lambda branch: {"messages": [HumanMessage(branch["question"])]},
    output=lambda values: {"findings": [values["messages"][-1].text]},
)
add_remote(
    builder, registry["analyst"], name="analyze", output=lambda v: {"messages": v["messages"][-1:]}
)
add_remote(builder, registry["writer"], name="write")
steps = list(builder.nodes)
builder.add_edge(START, "plan")
builder.add_conditional_edges("plan", fan_out, ["research"])
builder.add_edge("research", "merge")
builder.add_conditional_edges("merge", route_findings, ["analyze", "write"])
builder.add_edge("analyze", "write")
for step, after in pairwise([*steps[steps.index("write") :], END]):
    builder.add_edge(step, after)

# A sync caller's thread pool holds only cores + 4 tasks, so a wider fan-out of remote
# calls would wait in line for threads; async callers are not limited by it.
graph = builder.compile(name="pipeline").with_config(max_concurrency=16)
"""Compiled without a checkpointer: the Agent Server, or the caller, supplies one."""
