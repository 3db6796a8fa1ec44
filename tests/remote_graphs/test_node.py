"""Remote nodes against the fake Agent Server, sync and async."""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import Command

from remote_graphs import ConfigError, GuardError, RemoteRunError, remote_node, thread_config
from remote_graphs.guard import CALL_CHAIN_HEADER
from remote_graphs.node import PROVENANCE
from tests.sample_graphs.graphs import GRAPHS


def chain_graph(*nodes: Any, context_schema: Any = None) -> Any:
    builder = StateGraph(MessagesState, context_schema=context_schema)
    previous = START
    for node in nodes:
        builder.add_node(node)
        builder.add_edge(previous, node.name)
        previous = node.name
    return builder.compile(checkpointer=InMemorySaver())


def remote_thread(out: Any) -> str:
    """Return the remote thread the last reply came from (recorded on the message)."""
    return str(out["messages"][-1].response_metadata[PROVENANCE]["thread_id"])


def stream_bodies(fake: Any, thread_id: str) -> list[dict[str, Any]]:
    return [r.body for r in fake.requests_to("POST", f"/threads/{thread_id}/runs/stream")]


@pytest.mark.parametrize("use_async", [False, True])
def test_messages_round_trip_as_objects(fake: Any, spec: Any, pool: Any, use_async: bool) -> None:
    graph = chain_graph(remote_node(spec("echo"), pool=pool))
    cfg = thread_config()
    inp = {"messages": [HumanMessage("hi", id="h1")]}
    out = asyncio.run(graph.ainvoke(inp, cfg)) if use_async else graph.invoke(inp, cfg)
    reply = out["messages"][-1]
    assert isinstance(reply, AIMessage)
    assert reply.text == "echo: hi"
    assert reply.usage_metadata == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    assert reply.response_metadata["model_name"] == "echo"
    assert reply.response_metadata[PROVENANCE]["node"] == "echo"
    assert reply.additional_kwargs == {}


def test_child_thread_is_derived_and_only_unseen_messages_are_sent(
    fake: Any, spec: Any, pool: Any
) -> None:
    graph = chain_graph(remote_node(spec("echo"), pool=pool))
    cfg = thread_config()
    parent = cfg["configurable"]["thread_id"]
    graph.invoke({"messages": [HumanMessage("one", id="m1")]}, cfg)
    out = graph.invoke({"messages": [HumanMessage("two", id="m2")]}, cfg)
    assert [m.text for m in out["messages"]] == ["one", "echo: one", "two", "echo: two"]
    first, second = (m.response_metadata[PROVENANCE] for m in out["messages"][1::2])
    child = first["thread_id"]
    assert second["thread_id"] == child, "the second turn continues the same remote thread"
    assert child not in (None, parent)
    assert second["checkpoint_id"] and second["checkpoint_id"] != first["checkpoint_id"]
    bodies = stream_bodies(fake, child)
    assert len(bodies) == 2
    assert [m["content"] for m in bodies[1]["input"]["messages"]] == ["two"]
    assert not fake.requests_to("POST", f"/threads/{parent}/runs/stream")


def test_two_nodes_on_one_deployment_use_separate_threads(fake: Any, spec: Any, pool: Any) -> None:
    first = remote_node(spec("echo"), name="first", pool=pool)
    second = remote_node(spec("echo"), name="second", pool=pool)
    graph = chain_graph(first, second)
    cfg = thread_config()
    out = graph.invoke({"messages": [HumanMessage("x")]}, cfg)
    assert [m.text for m in out["messages"]] == ["x", "echo: x", "echo: echo: x"]
    threads = {m.response_metadata[PROVENANCE]["thread_id"] for m in out["messages"][1:]}
    assert len(threads) == 2
    assert {r.thread_id for r in fake.runs_of("echo")} >= threads


class AskState(TypedDict, total=False):
    question: str
    answer: str


def ask_graph(spec: Any, pool: Any) -> Any:
    node = remote_node(
        spec("asker"),
        pool=pool,
        input=lambda s: {"question": s["question"]},
        output=lambda v: {"answer": v.get("answer")},
    )
    builder = StateGraph(AskState).add_node(node).add_edge(START, "asker")
    return builder.compile(checkpointer=InMemorySaver())


@pytest.mark.parametrize("use_async", [False, True])
def test_remote_interrupt_resumes_the_same_remote_thread(
    fake: Any, spec: Any, pool: Any, use_async: bool
) -> None:
    graph = ask_graph(spec, pool)
    cfg = thread_config()
    child = str(uuid.uuid5(uuid.UUID(cfg["configurable"]["thread_id"]), "asker"))

    async def run_async() -> tuple[Any, Any, Any]:
        first = await graph.ainvoke({"question": "ship it?"}, cfg)
        pending = await graph.aget_state(cfg)
        return first, pending, await graph.ainvoke(Command(resume="yes"), cfg)

    if use_async:
        first, pending, second = asyncio.run(run_async())
    else:
        first = graph.invoke({"question": "ship it?"}, cfg)
        pending = graph.get_state(cfg)
        second = graph.invoke(Command(resume="yes"), cfg)
    assert first["__interrupt__"][0].value == {"question": "ship it?"}
    assert pending.interrupts[0].value == {"question": "ship it?"}
    assert pending.next == ("asker",)
    assert second == {"question": "ship it?", "answer": "yes"}
    runs = fake.runs_on(child)
    assert len(runs) == 2
    assert runs[1].input is None
    assert runs[1].command["resume"] == "yes"


def test_interrupt_after_interrupt(fake: Any, spec: Any, pool: Any) -> None:
    graph = ask_graph(spec, pool)
    cfg = thread_config()
    graph.invoke({"question": "q"}, cfg)
    # Ask again in a new turn: a fresh remote run on the same remote thread, not a resume.
    assert graph.invoke(Command(resume="first"), cfg)["answer"] == "first"
    again = graph.invoke({"question": "q2"}, cfg)
    assert again["__interrupt__"][0].value == {"question": "q2"}
    assert graph.invoke(Command(resume="second"), cfg)["answer"] == "second"


def test_remote_failure_is_typed_and_named(fake: Any, spec: Any, pool: Any) -> None:
    graph = chain_graph(remote_node(spec("failing"), pool=pool))
    with pytest.raises(RemoteRunError) as info:
        graph.invoke({"messages": [HumanMessage("x")]}, thread_config())
    err = info.value
    assert (err.remote, err.url, err.error) == ("failing", fake.url, "ValueError")
    assert err.remote_message == "boom: deliberate failure"
    assert err.run_id and err.run_id in str(err)
    assert not err.transient


def test_unknown_graph_is_a_clear_error(fake: Any, spec: Any, pool: Any) -> None:
    graph = chain_graph(remote_node(spec("nope"), pool=pool))
    with pytest.raises(RemoteRunError, match=r"HTTP 422.*Invalid assistant: 'nope'"):
        graph.invoke({"messages": [HumanMessage("x")]}, thread_config())


def test_stream_relays_remote_events_under_the_node_namespace(
    fake: Any, spec: Any, pool: Any
) -> None:
    graph = chain_graph(remote_node(spec("chatty"), pool=pool))
    parts = list(
        graph.stream(
            {"messages": [HumanMessage("hello there")]},
            thread_config(),
            stream_mode=["updates", "messages", "custom"],
            subgraphs=True,
        )
    )
    remote = [p for p in parts if p[0] and p[0][0].startswith("chatty:")]
    chunks = [p[2][0] for p in remote if p[1] == "messages"]
    assert len(chunks) > 2 and all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "".join(c.text for c in chunks) == "you said hello there"
    assert ("custom", {"progress": "thinking"}) in [(p[1], p[2]) for p in remote]
    assert any(p[1] == "updates" and "talk" in p[2] for p in remote)
    root_updates = [p[2] for p in parts if not p[0] and p[1] == "updates"]
    assert isinstance(root_updates[-1]["chatty"]["messages"][0], AIMessage)


def test_subgraph_events_keep_their_nested_namespace(fake: Any, spec: Any, pool: Any) -> None:
    class Steps(TypedDict, total=False):
        steps: Annotated[list[str], lambda a, b: a + b]

    node = remote_node(
        spec("nested"), pool=pool, input=lambda s: {}, output=lambda v: {"steps": v["steps"]}
    )
    graph = StateGraph(Steps).add_node(node).add_edge(START, "nested").compile()
    parts = list(graph.stream({}, stream_mode="updates", subgraphs=True))
    namespaces = [ns for ns, _ in parts]
    assert any(len(ns) == 2 and ns[1].startswith("child:") for ns in namespaces)
    local = GRAPHS["nested"].invoke({})["steps"]
    assert parts[-1] == ((), {"nested": {"steps": local}})


@dataclass
class Ctx:
    user: str = "ada"


def test_context_and_configurable_are_sent_without_the_400(fake: Any, spec: Any, pool: Any) -> None:
    graph = chain_graph(remote_node(spec("echo"), pool=pool), context_schema=Ctx)
    cfg = thread_config(tenant="acme")
    out = graph.invoke({"messages": [HumanMessage("x")]}, cfg, context=Ctx(user="grace"))
    body = stream_bodies(fake, remote_thread(out))[-1]
    assert body["context"] == {"tenant": "acme", "user": "grace"}
    assert "configurable" not in (body.get("config") or {})


def test_configurable_alone_is_forwarded(fake: Any, spec: Any, pool: Any) -> None:
    graph = chain_graph(remote_node(spec("echo"), pool=pool, forward_context=False))
    cfg = thread_config(tenant="acme", obj=object())
    out = graph.invoke({"messages": [HumanMessage("x")]}, cfg)
    assert stream_bodies(fake, remote_thread(out))[-1]["config"] == {
        "configurable": {"tenant": "acme"}
    }


def test_non_uuid_parent_thread_fails_before_any_request(fake: Any, spec: Any, pool: Any) -> None:
    graph = chain_graph(remote_node(spec("echo"), pool=pool))
    before = len(fake.requests)
    with pytest.raises(ConfigError, match="must be a UUID"):
        graph.invoke({"messages": [HumanMessage("x")]}, {"configurable": {"thread_id": "t-1"}})
    assert len(fake.requests) == before


def test_missing_messages_is_explained(fake: Any, spec: Any, pool: Any) -> None:
    node = remote_node(spec("echo"), pool=pool)
    graph = StateGraph(AskState).add_node(node).add_edge(START, "echo").compile()
    with pytest.raises(ConfigError, match="no 'messages'; pass input= and output="):
        graph.invoke({"question": "x"})


def test_self_call_refused_at_build_and_call(
    fake: Any, spec: Any, pool: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGGRAPH_API_URL", fake.url.replace("127.0.0.1", "localhost"))
    with pytest.raises(GuardError, match="itself"):
        remote_node(spec("echo"), pool=pool)
    monkeypatch.delenv("LANGGRAPH_API_URL")
    graph = chain_graph(remote_node(spec("echo"), pool=pool))
    before = len(fake.requests)
    with pytest.raises(GuardError, match="itself"):
        graph.invoke(
            {"messages": [HumanMessage("x")]},
            {**thread_config(), "metadata": {"langgraph_api_url": fake.url}},
        )
    assert len(fake.requests) == before


def test_cycle_refused_and_chain_sent(
    fake: Any, spec: Any, pool: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = chain_graph(remote_node(spec("echo"), pool=pool))
    before = len(fake.requests)
    cycle = thread_config(**{CALL_CHAIN_HEADER: f"http://elsewhere:1,{fake.url}"})
    with pytest.raises(GuardError, match="call cycle"):
        graph.invoke({"messages": [HumanMessage("x")]}, cycle)
    assert len(fake.requests) == before
    monkeypatch.setenv("LANGGRAPH_API_URL", "http://127.0.0.1:1")
    cfg = thread_config(**{CALL_CHAIN_HEADER: "https://upstream.example"})
    graph.invoke({"messages": [HumanMessage("x")]}, cfg)
    sent = fake.requests_to("POST", "/threads/*/runs/stream")[-1]
    assert sent.headers[CALL_CHAIN_HEADER] == "https://upstream.example:443,http://localhost:1"


def test_api_key_from_named_env_is_sent_and_not_forwarded(
    fake: Any, spec: Any, pool: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECHO_KEY", "sekret-echo")
    graph = chain_graph(remote_node(spec("echo", api_key_env="ECHO_KEY"), pool=pool))
    cfg = thread_config()
    out = graph.invoke({"messages": [HumanMessage("x")]}, cfg)
    sent = fake.requests_to("POST", "/threads/*/runs/stream")[-1]
    assert sent.headers["x-api-key"] == "sekret-echo"
    assert "sekret-echo" not in str(out) and "sekret-echo" not in str(sent.body)
    assert "sekret-echo" not in str(graph.get_state(cfg))


def test_tracing_headers_sent_without_mutating_caller_headers(
    fake: Any, spec: Any, pool: Any
) -> None:
    from langsmith import RunTree
    from langsmith.run_helpers import tracing_context

    headers = {"x-team": "blue"}
    graph = chain_graph(remote_node(spec("echo", headers=headers), pool=pool))
    root = RunTree(name="parent", run_type="chain")
    with tracing_context(parent=root, enabled=False):
        graph.invoke({"messages": [HumanMessage("x")]}, thread_config())
    sent = fake.requests_to("POST", "/threads/*/runs/stream")[-1]
    assert sent.headers["x-team"] == "blue"
    assert "langsmith-trace" in sent.headers
    assert headers == {"x-team": "blue"}


def test_user_identity_forwarded_only_where_declared(fake: Any, spec: Any, pool: Any) -> None:
    cfg = thread_config(langgraph_auth_user_id="alice")
    chain_graph(remote_node(spec("echo"), pool=pool)).invoke({"messages": [HumanMessage("x")]}, cfg)
    assert (
        "x-remote-graphs-user" not in fake.requests_to("POST", "/threads/*/runs/stream")[-1].headers
    )
    trusted = remote_node(spec("echo", forward_user=True), name="trusted", pool=pool)
    chain_graph(trusted).invoke({"messages": [HumanMessage("x")]}, cfg)
    sent = fake.requests_to("POST", "/threads/*/runs/stream")[-1]
    assert sent.headers["x-remote-graphs-user"] == "alice"


def test_per_task_thread_gets_the_whole_conversation(fake: Any, spec: Any, pool: Any) -> None:
    graph = chain_graph(remote_node(spec("echo"), name="fresh", thread="per_task", pool=pool))
    cfg = thread_config()
    graph.invoke({"messages": [HumanMessage("one")]}, cfg)
    graph.invoke({"messages": [HumanMessage("two")]}, cfg)
    last = fake.runs_of("echo")[-1]
    assert [m["content"] for m in last.input["messages"]] == ["one", "echo: one", "two"]
    assert last.thread_id != fake.runs_of("echo")[-2].thread_id


@pytest.mark.parametrize("use_async", [False, True])
def test_a_thread_hop_does_not_read_the_thread_back(
    fake: Any, spec: Any, pool: Any, use_async: bool
) -> None:
    """The run's own final checkpoint confirms it landed: the hop is one request.

    (``runs.stream`` in the SDK asks for the run once more after a thread stream closes,
    since the server sends no end event; the node reads the stream itself and does not.)
    """
    graph = chain_graph(remote_node(spec("echo"), pool=pool))
    inp = {"messages": [HumanMessage("hi")]}
    cfg = thread_config()
    before = len(fake.requests)
    asyncio.run(graph.ainvoke(inp, cfg)) if use_async else graph.invoke(inp, cfg)
    thread = remote_thread(graph.get_state(cfg).values)
    sent = [(r.method, r.path.rsplit("/", 1)[0]) for r in fake.requests[before:]]
    assert sent == [("POST", f"/threads/{thread}/runs")]
