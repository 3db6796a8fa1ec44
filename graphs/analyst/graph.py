"""The analyst deployment: a tool-calling agent that computes with the figures it is given.

The classic tool loop as a graph: the model calls a tool or answers, ``tools_condition``
routes on that, and the tool's result goes back to the model. The model is the one the
run's context names, so the orchestrator's choice reaches it.
"""

from __future__ import annotations

import re
import statistics as stats
from typing import Any

from langchain_core.messages import SystemMessage
from langchain_core.tools import tool
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.runtime import Runtime

from orchestrator.model import load_chat_model, model_spec

NAME = "analyst"
PROMPT = "You are the analyst. Compute with the figures in the conversation; show your results."
FIGURE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?: to (\d+(?:\.\d+)?))? (percent|[A-Za-z]+\b)")


@tool
def summarize_figures(text: str) -> str:
    """Group the figures in ``text`` by unit (``25 to 45 percent``, ``6500 MWh``), then sum up."""
    groups: dict[str, list[float]] = {}
    for low, high, unit in FIGURE.findall(text):
        groups.setdefault(unit, []).extend(float(n) for n in (low, high) if n)
    if not groups:
        return "I found no figures with a unit to compute with."
    lines = ["Figures by unit:"]
    for unit, ns in groups.items():
        summary = f"{len(ns)} figures, min {min(ns):g}, max {max(ns):g}, mean {stats.mean(ns):.4g}"
        lines.append(f"- {unit}: {summary if len(ns) > 1 else f'{ns[0]:g}'}")
    return "\n".join(lines)


TOOLS = [summarize_figures]


async def call_model(state: MessagesState, runtime: Runtime[Any]) -> dict[str, Any]:
    """Ask the model for the next step: a tool call, or the answer."""
    model = load_chat_model(model_spec(runtime.context)).bind_tools(TOOLS)
    reply = await model.ainvoke([SystemMessage(PROMPT), *state["messages"]])
    return {"messages": [reply.model_copy(update={"name": NAME})]}


builder = StateGraph(MessagesState)
builder.add_node(call_model)
builder.add_node("tools", ToolNode(TOOLS))
builder.add_edge(START, "call_model")
builder.add_conditional_edges("call_model", tools_condition)
builder.add_edge("tools", "call_model")

graph = builder.compile(name=NAME)
"""Compiled without a checkpointer: the Agent Server supplies one."""
