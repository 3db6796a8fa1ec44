"""The supervisor: a tool-calling agent that decides which remote deployments to ask.

Each remote is a tool (``remote_tool``). The agent is built once per chat
model, and the node awaits it, so it runs on the served async checkpointer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from graphs.context import Context
from graphs.requests import request_of
from orchestrator.model import load_chat_model, model_spec
from remote_graphs import Registry, remote_tool

registry = Registry.from_file(Path(__file__).resolve().parents[1] / "remotes.toml")
PROMPT = "Answer the request by asking the remote agents; the writer writes the final answer."
tools = [
    remote_tool(registry["researcher"]),
    remote_tool(registry["analyst"]),
    remote_tool(registry["writer"], thread="per_parent"),
]


@cache
def agent_for(model: str) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Return the supervisor agent on ``model``, built on first use."""
    return create_agent(load_chat_model(model), tools, system_prompt=PROMPT, name="supervisor")


async def supervise(state: MessagesState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Let the agent call the remotes it chooses; return the messages it added."""
    request_of(state["messages"], runtime.context)
    result = await agent_for(model_spec(runtime.context)).ainvoke({"messages": state["messages"]})
    known = {m.id for m in state["messages"]}
    return {"messages": [m for m in result["messages"] if m.id not in known]}


builder = StateGraph(MessagesState, context_schema=Context)
builder.add_node(supervise)
builder.add_edge(START, "supervise")

graph = builder.compile(name="supervisor")
"""Compiled without a checkpointer: the Agent Server, or the caller, supplies one."""
