"""Remote tools against the fake Agent Server: direct, in ToolNode and in create_agent."""

import asyncio
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.types import Command

from remote_graphs import RemoteRunError, remote_tool, thread_config
from remote_graphs.messages import PROVENANCE


class CallEachToolOnce(BaseChatModel):
    """A tool-calling model for tests: asks each bound tool once, then repeats the last answer."""

    names: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "call-each-tool-once"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self.model_copy(update={"names": [t.name for t in tools]})

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        asked = {m.name for m in messages if isinstance(m, ToolMessage)}
        todo = [n for n in self.names if n not in asked]
        if todo:
            reply = AIMessage("", tool_calls=[call(todo[0], messages[0].text, f"c-{todo[0]}")])
        else:
            reply = AIMessage(f"(test model) {messages[-1].text}")
        return ChatResult(generations=[ChatGeneration(message=reply)])


def tool_graph(tool: Any) -> Any:
    builder = StateGraph(MessagesState).add_node("tools", ToolNode([tool])).add_edge(START, "tools")
    return builder.compile(checkpointer=InMemorySaver())


def call(name: str, request: str, call_id: str = "c1") -> dict[str, Any]:
    return {"type": "tool_call", "name": name, "args": {"request": request}, "id": call_id}


def test_schema_is_explicit(spec: Any, pool: Any) -> None:
    tool = remote_tool(spec("echo", description="Echoes."), pool=pool)
    assert tool.name == "echo" and tool.description == "Echoes."
    assert tool.args == {
        "request": {
            "description": "The task for the remote agent, with all the context it needs.",
            "title": "Request",
            "type": "string",
        }
    }


@pytest.mark.parametrize("use_async", [False, True])
def test_answer_as_content_full_output_as_artifact(
    fake: Any, spec: Any, pool: Any, use_async: bool
) -> None:
    tool = remote_tool(spec("echo"), pool=pool)
    tc = call("echo", "hello")
    msg = asyncio.run(tool.ainvoke(tc)) if use_async else tool.invoke(tc)
    assert isinstance(msg, ToolMessage)
    assert msg.content == "echo: hello"
    assert msg.artifact["log"] == ["reply"]
    assert [m["type"] for m in msg.artifact["messages"]] == ["human", "ai"]


def test_stateless_by_default(fake: Any, spec: Any, pool: Any) -> None:
    before = len(fake.requests_to("POST", "/runs/stream"))
    remote_tool(spec("echo"), pool=pool).invoke({"request": "x"})
    assert len(fake.requests_to("POST", "/runs/stream")) == before + 1


def test_per_parent_thread_remembers(fake: Any, spec: Any, pool: Any) -> None:
    tool = remote_tool(spec("echo"), name="memo", thread="per_parent", pool=pool)
    graph = tool_graph(tool)
    cfg = thread_config()
    for i in (1, 2):
        graph.invoke(
            {"messages": [AIMessage("", tool_calls=[call("memo", f"n{i}", f"c{i}")])]}, cfg
        )
    last = graph.get_state(cfg).values["messages"][-1]
    child = last.response_metadata[PROVENANCE]["thread_id"]
    assert len(fake.runs_on(child)) == 2
    assert [m["content"] for m in last.artifact["messages"]] == ["n1", "echo: n1", "n2", "echo: n2"]


def test_create_agent_uses_remote_tools(fake: Any, spec: Any, pool: Any) -> None:
    tools = [remote_tool(spec("echo", name="researcher"), pool=pool)]
    agent = create_agent(CallEachToolOnce(), tools, checkpointer=InMemorySaver())
    out = agent.invoke({"messages": [HumanMessage("find it")]}, thread_config())
    kinds = [(type(m).__name__, m.text) for m in out["messages"]]
    assert kinds[2] == ("ToolMessage", "echo: find it")
    assert kinds[-1] == ("AIMessage", "(test model) echo: find it")


def test_remote_failure_reaches_the_agent_as_error(fake: Any, spec: Any, pool: Any) -> None:
    tool = remote_tool(spec("failing"), pool=pool)
    with pytest.raises(RemoteRunError, match="ValueError: boom"):
        tool.invoke({"request": "x"})


def test_tool_interrupt_resumes_remote(fake: Any, spec: Any, pool: Any) -> None:
    tool = remote_tool(
        spec("asker"), thread="per_parent", pool=pool, input=lambda text: {"question": text}
    )
    graph = tool_graph(tool)
    cfg = thread_config()
    first = graph.invoke({"messages": [AIMessage("", tool_calls=[call("asker", "ok?")])]}, cfg)
    assert first["__interrupt__"][0].value == {"question": "ok?"}
    done = graph.invoke(Command(resume="sure"), cfg)
    result = done["messages"][-1]
    assert isinstance(result, ToolMessage)
    assert result.artifact == {"question": "ok?", "answer": "sure"}


def test_tool_progress_is_relayed(fake: Any, spec: Any, pool: Any) -> None:
    tool = remote_tool(spec("chatty"), pool=pool)
    graph = StateGraph(MessagesState).add_node("tools", ToolNode([tool])).add_edge(START, "tools")
    parts = list(
        graph.compile().stream(
            {"messages": [AIMessage("", tool_calls=[call("chatty", "hey")])]},
            stream_mode="custom",
            subgraphs=True,
        )
    )
    assert any(ns and data == {"progress": "thinking"} for ns, data in parts)


def test_run_context_is_forwarded_like_a_node_does(fake: Any, spec: Any, pool: Any) -> None:
    tool = remote_tool(spec("echo"), pool=pool)
    builder = StateGraph(MessagesState, context_schema=dict).add_node("tools", ToolNode([tool]))
    graph = builder.add_edge(START, "tools").compile()
    before = len(fake.requests_to("POST", "/runs/stream"))
    ask = AIMessage("", tool_calls=[call("echo", "hello")])
    graph.invoke({"messages": [ask]}, context={"tenant": "acme"})
    sent = fake.requests_to("POST", "/runs/stream")[before:]
    assert [r.body.get("context") for r in sent] == [{"tenant": "acme"}]
