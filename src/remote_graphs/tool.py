"""Remote tool: a remote graph as a LangChain tool a tool-calling supervisor can call.

``RemoteGraph.as_tool()`` crashes building its input schema on langgraph
1.2.22 and returns the whole remote state as the tool result. This tool has an
explicit args schema, returns the remote's final answer (its last AI message)
as content and the full output as the artifact, and runs statelessly by
default or on one derived remote thread per parent thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from remote_graphs.clients import ClientPool, default_pool
from remote_graphs.guard import check_static
from remote_graphs.messages import hydrate
from remote_graphs.registry import RemoteSpec, parse_remote
from remote_graphs.request import Outcome, ParentCall, RemoteRequest, build_request
from remote_graphs.run import adrive, drive
from remote_graphs.threads import child_thread_id

ToolThreadPolicy = Literal["stateless", "per_parent"]


class RemoteToolInput(BaseModel):
    """Arguments of a remote tool: one self-contained request in plain language."""

    request: str = Field(
        description="The task for the remote agent, with all the context it needs."
    )


def remote_tool(
    remote: RemoteSpec | Mapping[str, Any],
    *,
    name: str | None = None,
    description: str | None = None,
    thread: ToolThreadPolicy = "stateless",
    input: Callable[[str], dict[str, Any]] | None = None,
    forward_context: bool = True,
    pool: ClientPool | None = None,
) -> StructuredTool:
    """Return a sync and async ``StructuredTool`` that runs ``remote``.

    Args:
        remote: The remote (``registry["name"]``, or a mapping validated as one).
        name: Tool name; defaults to the remote's name.
        description: Tool description; defaults to the remote's description.
        thread: ``stateless`` (a fresh remote thread per call) or ``per_parent``
            (one remote thread per parent thread and tool, so it remembers).
        input: Map the request text to the remote's input. Default: one human message.
        forward_context: Send the parent's runtime context to the remote (as nodes do).
        pool: Client pool; the process-wide one by default.
    """
    spec = remote if isinstance(remote, RemoteSpec) else parse_remote(remote)
    tool_name = name or spec.name
    check_static(tool_name, spec.resolved_url())
    clients = pool or default_pool
    to_input = input or (lambda text: {"messages": [HumanMessage(text)]})

    def prepare(request: str, config: RunnableConfig) -> RemoteRequest:
        parent = ParentCall.from_config(config)
        thread_id = (
            child_thread_id(parent.thread_id, tool_name)
            if parent.thread_id and thread == "per_parent"
            else None
        )
        return build_request(
            tool_name,
            clients.get(spec),
            spec.assistant,
            parent,
            thread_id=thread_id,
            input=to_input(request),
            forward_context=forward_context,
            forward_user=spec.forward_user,
            metadata={
                "remote_graphs_tool": tool_name,
                "remote_graphs_parent_thread": parent.thread_id,
            },
        )

    def run(request: str, config: RunnableConfig) -> tuple[str, dict[str, Any]]:
        outcome, _ = drive(prepare(request, config))
        return _result(outcome)

    async def arun(request: str, config: RunnableConfig) -> tuple[str, dict[str, Any]]:
        outcome, _ = await adrive(prepare(request, config))
        return _result(outcome)

    return StructuredTool(
        name=tool_name,
        description=description or spec.description or f"Ask the remote agent {tool_name!r}.",
        args_schema=RemoteToolInput,
        func=run,
        coroutine=arun,
        response_format="content_and_artifact",
    )


def _result(outcome: Outcome) -> tuple[str, dict[str, Any]]:
    values = outcome.values or {}
    messages = hydrate(values).get("messages") or []
    answer = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
    content = answer.text if answer is not None else _summary(values)
    return content, values


def _summary(values: Mapping[str, Any]) -> str:
    return json.dumps(values, default=str)[:4000]
