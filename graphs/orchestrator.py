"""The orchestrator: a parent graph over three remote deployments.

Two ways through, chosen per run by ``Context.mode``:

* ``pipeline``: plan -> research (one ``Send`` branch per question, in
  parallel, merged) -> analyze (only when the findings hold figures) -> write
  (the writer asks a human to approve before it finishes).
* ``supervisor``: a tool-calling agent whose tools are the same remotes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from orchestrator.context import Context, context_of
from orchestrator.model import load_chat_model
from orchestrator.planning import has_numbers, split_task
from orchestrator.state import Question, State
from remote_graphs import Registry, remote_node, remote_tool

registry = Registry.from_file(Path(__file__).resolve().parents[1] / "remotes.toml")

research = remote_node(
    registry["researcher"],
    name="research",
    thread="per_task",
    input=lambda branch: {"messages": [HumanMessage(branch["question"])]},
    output=lambda values: {"findings": [values["messages"][-1].text]},
)
analyze = remote_node(registry["analyst"], name="analyze")
write = remote_node(registry["writer"], name="write")
tools = [
    remote_tool(registry["researcher"]),
    remote_tool(registry["analyst"]),
    remote_tool(registry["writer"], thread="per_parent"),
]


def plan(state: State) -> dict[str, Any]:
    """Split the latest request into research questions."""
    request = next(m for m in reversed(state["messages"]) if isinstance(m, HumanMessage))
    return {"questions": split_task(request.text), "findings": []}


def fan_out(state: State) -> list[Send]:
    """Send each question to its own research branch, to run in parallel."""
    return [Send("research", Question(question=q, messages=[])) for q in state["questions"]]


def merge(state: State) -> dict[str, Any]:
    """Merge the branches' findings into one message the next remotes can read."""
    body = "\n\n".join(state.get("findings", []))
    return {"messages": [AIMessage(f"Research findings:\n\n{body}", name="research")]}


def route_findings(state: State) -> str:
    """Ask the analyst only when there are figures to compute with."""
    return "analyze" if has_numbers(state.get("findings", [])) else "write"


def route_request(state: State, runtime: Runtime[Context]) -> str:
    """Choose the pipeline or the supervisor, as the run's context says."""
    return "supervise" if context_of(runtime.context).mode == "supervisor" else "plan"


def supervise(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Let a tool-calling agent, on the run's chat model, decide which remotes to ask."""
    model = load_chat_model(context_of(runtime.context).model)
    agent = create_agent(model, tools, name="supervisor")
    result = agent.invoke(cast(Any, {"messages": state["messages"]}))
    known = {m.id for m in state["messages"]}
    return {"messages": [m for m in result["messages"] if m.id not in known]}


builder = StateGraph(State, context_schema=Context)
builder.add_node(plan)
builder.add_node(research, retry_policy=research.retry_policy)
builder.add_node(merge)
builder.add_node(analyze, retry_policy=analyze.retry_policy)
builder.add_node(write, retry_policy=write.retry_policy)
builder.add_node(supervise)
builder.add_conditional_edges(START, route_request, ["plan", "supervise"])
builder.add_conditional_edges("plan", fan_out, ["research"])
builder.add_edge("research", "merge")
builder.add_conditional_edges("merge", route_findings, ["analyze", "write"])
builder.add_edge("analyze", "write")
builder.add_edge("write", END)
builder.add_edge("supervise", END)

graph = builder.compile(name="orchestrator")
"""Compiled without a checkpointer: the Agent Server, or the caller, supplies one."""
