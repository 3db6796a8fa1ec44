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
from typing import Annotated, Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import InjectedToolArg, StructuredTool
from langgraph.prebuilt import ToolRuntime
from pydantic import BaseModel, Field

from remote_graphs.clients import ClientPool, default_pool
from remote_graphs.guard import check_static
from remote_graphs.messages import Provenance, hydrate, provenance
from remote_graphs.registry import RemoteSpec, parse_remote
from remote_graphs.request import Outcome, ParentCall, RemoteRequest, build_request
from remote_graphs.run import adrive, drive
from remote_graphs.threads import child_thread_id

ToolThreadPolicy = Literal["stateless", "per_parent"]
InjectedRuntime = Annotated[ToolRuntime | None, InjectedToolArg()]
"""The tool call's runtime, which ``ToolNode`` injects (absent when called directly)."""


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

    def prepare(request: str, runtime: ToolRuntime | None, config: RunnableConfig) -> RemoteRequest:
        parent = ParentCall.from_config(config)
        thread_id, checkpoint_id = (
            _continuation(tool_name, parent, runtime) if thread == "per_parent" else (None, None)
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
            checkpoint_id=checkpoint_id,
            # A model may call one tool twice at once: queue the second run on the
            # remote thread rather than refuse it (tools are not retried).
            multitask_strategy="enqueue",
        )

    def run(
        request: str, config: RunnableConfig, runtime: InjectedRuntime = None
    ) -> tuple[Any, dict[str, Any]]:
        outcome, sent = drive(prepare(request, runtime, config))
        return _result(tool_name, outcome, sent, runtime)

    async def arun(
        request: str, config: RunnableConfig, runtime: InjectedRuntime = None
    ) -> tuple[Any, dict[str, Any]]:
        outcome, sent = await adrive(prepare(request, runtime, config))
        return _result(tool_name, outcome, sent, runtime)

    return StructuredTool(
        name=tool_name,
        description=description or spec.description or f"Ask the remote agent {tool_name!r}.",
        args_schema=RemoteToolInput,
        func=run,
        coroutine=arun,
        response_format="content_and_artifact",
    )


def _continuation(
    name: str, parent: ParentCall, runtime: ToolRuntime | None
) -> tuple[str | None, str | None]:
    """Pick the remote thread and checkpoint of a ``per_parent`` tool call.

    Like a ``per_parent`` node, the tool continues the remote thread of its last
    answer in the conversation, from the checkpoint that answer came from, so a
    fork of the parent sees the branch's history. Called outside a ``ToolNode``
    (no conversation to look in), it keeps one thread per parent thread.
    """
    if parent.thread_id is None:
        return None, None
    if runtime is None:
        return child_thread_id(parent.thread_id, name), None
    state = runtime.state if isinstance(runtime.state, Mapping) else {}
    for message in reversed(list(state.get("messages") or [])):
        origin = provenance(message)
        if isinstance(message, ToolMessage) and origin.get("node") == name:
            return str(origin["thread_id"]), origin.get("checkpoint_id")
    return parent.task_thread(name), None


def _result(
    name: str, outcome: Outcome, sent: RemoteRequest, runtime: ToolRuntime | None
) -> tuple[Any, dict[str, Any]]:
    """Return the answer as content and the full output as artifact.

    Inside a ``ToolNode`` the content is the finished ``ToolMessage``, so it can
    carry where the answer came from (``ToolNode`` passes it through as is).
    """
    values = outcome.values or {}
    messages = hydrate(values).get("messages") or []
    answer = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
    content = answer.text if answer is not None else _summary(values)
    if runtime is None or not runtime.tool_call_id:
        return content, values
    tag = Provenance(name, outcome.run_id, sent.thread_id, outcome.checkpoint_id)
    message = ToolMessage(content, artifact=values, tool_call_id=runtime.tool_call_id, name=name)
    return tag.apply(message), values


def _summary(values: Mapping[str, Any]) -> str:
    return json.dumps(values, default=str)[:4000]
