"""The fake Agent Server against the stock sync/async SDK clients and RemoteGraph."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from langgraph.errors import GraphInterrupt
from langgraph.pregel.remote import RemoteException, RemoteGraph
from langgraph.types import Command
from langgraph_sdk import get_client, get_sync_client
from langgraph_sdk.errors import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
)

from remote_graphs.testing import FakeAgentServer, Fault, assistant_id_for
from tests.sample_graphs.graphs import GRAPHS

HI = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def server() -> Iterator[FakeAgentServer]:
    with FakeAgentServer(GRAPHS) as fake:
        yield fake


def _thread() -> dict[str, Any]:
    return {"configurable": {"thread_id": str(uuid.uuid4())}}


# -- RemoteGraph -----------------------------------------------------------------


def test_remote_graph_invoke_stateless(server: FakeAgentServer) -> None:
    out = RemoteGraph("echo", url=server.url).invoke(HI)
    assert [m["type"] for m in out["messages"]] == ["human", "ai"]
    assert out["messages"][1]["content"] == "echo: hi"
    assert all(m["id"] for m in out["messages"])
    assert out["log"] == ["reply"]
    (req,) = server.requests_to("POST", "/runs/stream")
    assert req.body["assistant_id"] == "echo"
    assert req.body["stream_mode"] == ["values", "updates"]


async def test_remote_graph_ainvoke_on_thread(server: FakeAgentServer) -> None:
    config = _thread()
    out = await RemoteGraph("echo", url=server.url).ainvoke(HI, config)
    assert out["messages"][-1]["content"] == "echo: hi"
    thread_id = config["configurable"]["thread_id"]
    # The SDK checks the run after a thread stream closes without `end`.
    assert [(r.method, r.path.split("/")[-2]) for r in server.requests] == [
        ("POST", "runs"),
        ("GET", "runs"),
    ]
    (run,) = server.runs_on(thread_id)
    assert run.graph_id == "echo" and not run.stateless


def test_remote_graph_interrupt_resume_and_state(server: FakeAgentServer) -> None:
    remote = RemoteGraph("asker", url=server.url)
    config = _thread()
    out = remote.invoke({"question": "ok?"}, config)
    (interrupt,) = out["__interrupt__"]
    assert interrupt["value"] == {"question": "ok?"}
    assert set(interrupt) == {"value", "id", "response_schema"}
    state = remote.get_state(config)
    assert state.next == ("ask",)
    assert state.tasks[0].interrupts[0].value == {"question": "ok?"}
    resumed = remote.invoke(Command(resume="yes"), config)
    assert resumed == {"question": "ok?", "answer": "yes"}
    body = server.requests_to("POST", "/threads/*/runs/stream")[-1].body
    assert body["command"] == {"resume": "yes", "goto": []}
    assert "input" not in body
    assert remote.get_state(config).next == ()
    history = list(remote.get_state_history(config))
    assert len(history) >= 3
    assert history[0].values["answer"] == "yes"  # newest first


async def test_remote_graph_async_state_update_and_history(server: FakeAgentServer) -> None:
    remote = RemoteGraph("echo", url=server.url)
    config = _thread()
    await remote.ainvoke(HI, config)
    new_config = await remote.aupdate_state(
        config, {"messages": [{"role": "user", "content": "more"}]}, as_node="reply"
    )
    assert new_config["configurable"]["checkpoint_id"]
    state = await remote.aget_state(config)
    assert state.values["messages"][-1]["content"] == "more"
    assert state.metadata["source"] == "update"
    history = [s async for s in remote.aget_state_history(config, limit=2)]
    assert len(history) == 2


def test_remote_graph_failure_raises_remote_exception(server: FakeAgentServer) -> None:
    with pytest.raises(RemoteException) as info:
        RemoteGraph("failing", url=server.url).invoke(HI)
    assert info.value.args[0] == {"error": "ValueError", "message": "boom: deliberate failure"}


def test_remote_graph_as_node_raises_graph_interrupt(server: FakeAgentServer) -> None:
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import START, StateGraph

    from tests.sample_graphs.graphs import AskState

    remote = RemoteGraph("asker", url=server.url)
    parent = (
        StateGraph(AskState)
        .add_node("remote", remote)
        .add_edge(START, "remote")
        .compile(checkpointer=InMemorySaver())
    )
    out = parent.invoke({"question": "parent?"}, _thread())
    assert out["__interrupt__"][0].value == {"question": "parent?"}
    with pytest.raises(GraphInterrupt):
        remote.invoke({"question": "x"}, {**_thread(), "configurable": {"checkpoint_ns": "n:1"}})


def test_remote_graph_get_graph_xray(server: FakeAgentServer) -> None:
    remote = RemoteGraph("nested", url=server.url)
    flat = remote.get_graph()
    assert set(flat.nodes) == {"__start__", "before", "child", "__end__"}
    deep = remote.get_graph(xray=True)
    assert "child:child_step" in deep.nodes


def test_remote_graph_stream_subgraphs(server: FakeAgentServer) -> None:
    parts = list(
        RemoteGraph("nested", url=server.url).stream(
            {"steps": []}, stream_mode="updates", subgraphs=True
        )
    )
    namespaces = {ns for ns, _ in parts}
    assert () in namespaces
    assert any(ns and ns[0].startswith("child:") for ns in namespaces)


# -- SDK: streams ------------------------------------------------------------------


def test_sdk_stream_modes_and_framing(server: FakeAgentServer) -> None:
    raw = httpx.post(
        f"{server.url}/runs/stream",
        json={"assistant_id": "echo", "input": HI, "stream_mode": ["values", "updates"]},
    )
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert raw.headers["location"].startswith("/runs/")
    blocks = raw.content.split(b"\r\n\r\n")
    assert blocks[0].startswith(b'event: metadata\r\ndata: {"run_id":"')
    assert blocks[0].endswith(b'","attempt":1}')
    names = [b.split(b"\r\n")[0] for b in blocks if b]
    assert names == [b"event: metadata", b"event: values", b"event: updates", b"event: values"]
    assert b"event: end" not in raw.content


def test_sdk_stream_messages_tuple_custom_and_legacy(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    parts = list(
        client.runs.stream(None, "chatty", input=HI, stream_mode=["messages-tuple", "custom"])
    )
    events = [p.event for p in parts]
    assert events[0] == "metadata"
    assert parts[1].event == "custom" and parts[1].data == {"progress": "thinking"}
    tokens = [p.data for p in parts if p.event == "messages"]
    assert len(tokens) > 2
    message, metadata = tokens[0]
    assert message["type"] == "AIMessageChunk"
    assert metadata["langgraph_node"] == "talk" and metadata["graph_id"] == "chatty"
    assert metadata["langgraph_api_url"] == server.url
    assert tokens[-1][0]["chunk_position"] == "last"
    assert "".join(t[0]["content"] for t in tokens) == "you said hi"

    legacy = list(client.runs.stream(None, "echo", input=HI, stream_mode="messages"))
    assert [p.event for p in legacy] == ["metadata", "messages/metadata", "messages/complete"]
    assert legacy[2].data[0]["content"] == "echo: hi"


def test_sdk_stream_subgraph_namespaces(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    with_sub = [
        p.event
        for p in client.runs.stream(
            None, "nested", input={"steps": []}, stream_mode="updates", stream_subgraphs=True
        )
    ]
    assert any(e.startswith("updates|child:") for e in with_sub)
    without = [p.event for p in client.runs.stream(None, "nested", input={}, stream_mode="updates")]
    assert without == ["metadata", "updates", "updates"]


def test_sdk_stream_debug_and_error_event(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    thread = client.threads.create()
    modes: Any = ["debug", "checkpoints"]
    debug = list(client.runs.stream(thread["thread_id"], "echo", input=HI, stream_mode=modes))
    checkpoint = next(p.data for p in debug if p.event == "debug")
    assert checkpoint["type"] == "checkpoint"
    assert "checkpoint" in checkpoint["payload"]
    assert any(p.event == "checkpoints" for p in debug)
    # Stateless runs have no checkpointer on the server, hence no checkpoint events.
    stateless = list(client.runs.stream(None, "echo", input=HI, stream_mode=modes))
    assert [p.data["type"] for p in stateless if p.event == "debug"] == ["task", "task_result"]
    assert not [p for p in stateless if p.event == "checkpoints"]
    parts = list(client.runs.stream(None, "failing", input=HI))
    assert parts[-1].event == "error"
    assert parts[-1].data == {"error": "ValueError", "message": "boom: deliberate failure"}


async def test_async_sdk_interrupt_before_and_thread_status(server: FakeAgentServer) -> None:
    client = get_client(url=server.url, api_key=None)
    thread = await client.threads.create()
    assert thread["status"] == "idle" and thread["values"] is None
    parts = [
        p
        async for p in client.runs.stream(
            thread["thread_id"],
            "echo",
            input=HI,
            stream_mode="updates",
            interrupt_before=["reply"],
        )
    ]
    assert parts[-1].data == {"__interrupt__": []}
    thread = await client.threads.get(thread["thread_id"])
    assert thread["status"] == "interrupted"
    assert thread["metadata"] == {"graph_id": "echo", "assistant_id": assistant_id_for("echo")}


# -- SDK: wait, threads, state, runs ----------------------------------------------


def test_sdk_wait_results(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    out = client.runs.wait(None, "echo", input=HI)
    assert out["messages"][-1]["content"] == "echo: hi"
    failed = client.runs.wait(None, "failing", input=HI, raise_error=False)
    assert failed == {"__error__": {"error": "ValueError", "message": "boom: deliberate failure"}}
    thread = client.threads.create()
    asked = client.runs.wait(thread["thread_id"], "asker", input={"question": "q"})
    assert asked["__interrupt__"][0]["value"] == {"question": "q"}
    answered = client.runs.wait(thread["thread_id"], "asker", command={"resume": "a"})
    assert answered == {"question": "q", "answer": "a"}


async def test_async_sdk_threads_state_history(server: FakeAgentServer) -> None:
    client = get_client(url=server.url, api_key=None)
    thread_id = str(uuid.uuid4())
    created = await client.threads.create(thread_id=thread_id, metadata={"k": "v"})
    assert created["metadata"] == {"k": "v"}
    with pytest.raises(ConflictError):
        await client.threads.create(thread_id=thread_id)
    same = await client.threads.create(thread_id=thread_id, if_exists="do_nothing")
    assert same["created_at"] == created["created_at"]
    empty = await client.threads.get_state(thread_id)
    assert empty["checkpoint"] is None and empty["values"] == {} and empty["next"] == []
    assert await client.threads.get_history(thread_id) == []
    with pytest.raises(BadRequestError, match="has no assigned graph ID"):
        await client.threads.update_state(thread_id, {"messages": []})

    await client.runs.wait(thread_id, "echo", input=HI)
    thread = await client.threads.get(thread_id)
    assert thread["status"] == "idle" and thread["error"] is None and thread["interrupts"] == {}
    assert thread["values"]["messages"][-1]["content"] == "echo: hi"
    state = await client.threads.get_state(thread_id)
    assert state["checkpoint"]["checkpoint_ns"] == ""
    assert state["metadata"]["graph_id"] == "echo" and state["metadata"]["source"] == "loop"
    assert len(await client.threads.get_history(thread_id, limit=10)) == 3
    with pytest.raises(BadRequestError, match="Node nope does not exist"):
        await client.threads.update_state(thread_id, {"messages": []}, as_node="nope")


def test_failed_run_marks_thread_and_state(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    thread = client.threads.create()
    list(client.runs.stream(thread["thread_id"], "failing", input=HI))
    got = client.threads.get(thread["thread_id"])
    assert got["status"] == "error"
    assert got["error"] == {"error": "ValueError", "message": "boom: deliberate failure"}
    state = client.threads.get_state(thread["thread_id"])
    assert state["tasks"][0]["error"] == "ValueError('boom: deliberate failure')"
    (run,) = client.runs.list(thread["thread_id"])
    assert run["status"] == "error"


def test_error_statuses(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    with pytest.raises(BadRequestError, match="badly formed hexadecimal UUID string"):
        list(client.runs.stream("not-a-uuid", "echo", input=HI))
    with pytest.raises(UnprocessableEntityError, match="Invalid thread ID: must be a UUID"):
        client.threads.get("not-a-uuid")
    with pytest.raises(NotFoundError, match="not found"):
        client.threads.get(str(uuid.uuid4()))
    with pytest.raises(UnprocessableEntityError, match="registered graphs: echo, asker"):
        list(client.runs.stream(None, "nope", input=HI))
    with pytest.raises(NotFoundError, match="Thread or assistant not found"):
        list(client.runs.stream(None, str(uuid.uuid4()), input=HI))
    with pytest.raises(NotFoundError, match="Thread or assistant not found"):
        list(client.runs.stream(str(uuid.uuid4()), "echo", input=HI))
    with pytest.raises(UnprocessableEntityError, match="must be a UUID"):
        client.assistants.get("echo")
    with pytest.raises(BadRequestError, match="Cannot specify both configurable and context"):
        list(
            client.runs.stream(
                None, "echo", input=HI, config={"configurable": {"a": 1}}, context={"b": 2}
            )
        )
    with pytest.raises(BadRequestError, match="provide a thread_id when resuming"):
        list(client.runs.stream(None, "asker", command={"resume": 1}))
    bad = httpx.post(f"{server.url}/runs/wait", content=b'{"assistant_id": ')
    assert (bad.status_code, bad.json()) == (422, {"detail": "Invalid JSON in request body"})
    wrong = httpx.get(f"{server.url}/runs/wait")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "POST")
    assert httpx.get(f"{server.url}/nope").json() == {"detail": "Not Found"}


def test_assistants(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    found = client.assistants.search(graph_id="echo")
    assert [a["assistant_id"] for a in found] == [assistant_id_for("echo")]
    assert assistant_id_for("echo") == "046b5dc7-2108-582c-9c6c-31d556d138f0"
    assert len(client.assistants.search(limit=100)) == len(GRAPHS)
    schemas = client.assistants.get_schemas(assistant_id_for("asker"))
    assert schemas["graph_id"] == "asker"
    assert schemas["state_schema"]["properties"]["question"]["type"] == "string"
    echo_state = client.assistants.get_schemas(assistant_id_for("echo"))["state_schema"]
    assert echo_state["properties"]["log"]["type"] == "array"
    assert "$defs" in echo_state
    assert httpx.get(f"{server.url}/ok").json() == {"ok": True, "services": {}}
    assert httpx.get(f"{server.url}/info").json()["version"] == "0.16.7"


def test_run_config_metadata_and_headers() -> None:
    with FakeAgentServer(GRAPHS, configurable_headers=("x-*",)) as server:
        client = get_sync_client(url=server.url, api_key="secret", headers={"x-tenant-tag": "blue"})
        thread = client.threads.create()
        run = client.runs.create(thread["thread_id"], "echo", input=HI, metadata={"m": 1})
        assert run["status"] == "pending"
        client.runs.join(thread["thread_id"], run["run_id"])
        got = client.runs.get(thread["thread_id"], run["run_id"])
        assert got["status"] == "success"
        configurable = got["kwargs"]["config"]["configurable"]
        assert configurable["x-tenant-tag"] == "blue"
        assert "x-api-key" not in configurable
        assert got["metadata"]["m"] == 1
        # The server records the attempt metadata in the run once it has started it.
        assert got["kwargs"]["config"]["metadata"]["run_attempt"] == 1
        assert got["kwargs"]["config"]["metadata"]["langgraph_api_url"] == server.url
        assert configurable["__pregel_node_finished"] is None
        state = client.threads.get_state(thread["thread_id"])
        assert state["metadata"]["langgraph_api_url"] == server.url
        assert state["metadata"]["thread_id"] == thread["thread_id"]
        history = client.threads.get_history(thread["thread_id"], limit=10)
        assert {h["metadata"]["thread_id"] for h in history} == {thread["thread_id"]}
        filtered = client.threads.get_history(
            thread["thread_id"], metadata={"thread_id": thread["thread_id"], "source": "loop"}
        )
        assert filtered and {h["metadata"]["source"] for h in filtered} == {"loop"}


def test_first_run_metadata_names_the_graph(server: FakeAgentServer) -> None:
    """A run on a fresh thread sees the thread metadata the run itself just set."""
    client = get_sync_client(url=server.url, api_key=None)
    thread = client.threads.create()
    run = client.runs.create(thread["thread_id"], "failing", input=HI)
    client.runs.join(thread["thread_id"], run["run_id"])
    got = client.runs.get(thread["thread_id"], run["run_id"])
    assert got["status"] == "error"
    assert got["metadata"]["graph_id"] == "failing"
    assert got["kwargs"]["config"]["metadata"]["graph_id"] == "failing"


def test_multitask_enqueue_serialises_and_reject_conflicts(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    thread = client.threads.create()
    tid = thread["thread_id"]
    first = client.runs.create(tid, "slow", input={"seconds": 0.3})
    with pytest.raises(ConflictError):
        client.runs.create(tid, "slow", input={"seconds": 0.1}, multitask_strategy="reject")
    second = client.runs.create(tid, "slow", input={"seconds": 0.1})
    assert client.runs.get(tid, second["run_id"])["status"] == "pending"
    client.runs.join(tid, second["run_id"])
    assert [r.run_id for r in server.runs_on(tid)] == [first["run_id"], second["run_id"]]
    assert [r["status"] for r in client.runs.list(tid)] == ["success", "success"]


def test_concurrent_runs_on_different_threads_overlap(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    start = time.perf_counter()
    workers = [
        threading.Thread(
            target=client.runs.wait, args=(None, "slow"), kwargs={"input": {"seconds": 0.5}}
        )
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    # One after another they would take 1.5 s; overlapping, about 0.5 s.
    assert time.perf_counter() - start < 1.3
    assert len(server.runs_of("slow")) == 3


def test_cancel_closes_stream_and_interrupts_thread(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    tid = client.threads.create()["thread_id"]
    events: list[str] = []

    def consume() -> None:
        events.extend(p.event for p in client.runs.stream(tid, "slow", input={"seconds": 1.0}))

    reader = threading.Thread(target=consume)
    reader.start()
    deadline = time.monotonic() + 5
    while not server.runs_on(tid) and time.monotonic() < deadline:
        time.sleep(0.01)
    run_id = server.runs_on(tid)[0].run_id
    client.runs.cancel(tid, run_id)
    reader.join(5)
    assert events == ["metadata", "values"]
    assert client.runs.get(tid, run_id)["status"] == "interrupted"
    thread = client.threads.get(tid)
    assert thread["status"] == "interrupted"
    assert thread["error"]["error"] == "UserInterrupt"
    with pytest.raises(NotFoundError, match="No matching runs to cancel"):
        client.runs.cancel(tid, run_id)


# -- records ------------------------------------------------------------------------


def test_request_records(server: FakeAgentServer) -> None:
    config = _thread()
    RemoteGraph("echo", url=server.url, headers={"x-trace": "t1"}).invoke(HI, config)
    (req,) = server.requests_to("POST", "/threads/{thread_id}/runs/stream")
    assert req.headers["x-trace"] == "t1"
    assert req.headers["accept"] == "text/event-stream"
    assert req.body["if_not_exists"] == "create"
    assert req.query == {}
    with pytest.raises(AttributeError):
        req.method = "GET"  # type: ignore[misc]
    assert len(server.runs) == 1 and server.runs[0].input == HI
    server.records.clear()
    assert server.requests == () and server.runs == ()


# -- faults -------------------------------------------------------------------------


def test_fault_status_429_with_retry_after_then_success(server: FakeAgentServer) -> None:
    rule = server.inject(
        Fault.status(429, headers={"Retry-After": "1"}), method="POST", path="/runs/*", times=1
    )
    response = httpx.post(f"{server.url}/runs/wait", json={"assistant_id": "echo", "input": HI})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.json() == {"detail": "Too Many Requests"}
    assert server.runs == ()
    ok = httpx.post(f"{server.url}/runs/wait", json={"assistant_id": "echo", "input": HI})
    assert ok.status_code == 200 and rule.hits == 1 and len(server.runs) == 1


def test_fault_latency_delays_headers(server: FakeAgentServer) -> None:
    server.inject(Fault.latency(0.2), method="GET", path="/ok")
    start = time.perf_counter()
    assert httpx.get(f"{server.url}/ok").status_code == 200
    assert time.perf_counter() - start >= 0.2


def test_fault_disconnect_without_response(server: FakeAgentServer) -> None:
    server.inject(Fault.disconnect(), path="/runs/stream", times=1)
    with pytest.raises(httpx.TransportError):
        list(get_sync_client(url=server.url, api_key=None).runs.stream(None, "echo", input=HI))
    assert server.runs == ()


def test_fault_cut_stream_mid_run(server: FakeAgentServer) -> None:
    server.inject(Fault.cut_stream(after_events=2), path="/runs/stream", times=1)
    received: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream(
            "POST", f"{server.url}/runs/stream", json={"assistant_id": "echo", "input": HI}
        ) as response,
    ):
        received.extend(response.iter_lines())
    assert [line for line in received if line.startswith("event:")] == [
        "event: metadata",
        "event: values",
    ]
    server.wait_for_runs()
    assert len(server.runs) == 1  # the run itself still completed on the server


def test_fault_cut_stream_sdk_reconnects_once(server: FakeAgentServer) -> None:
    server.inject(Fault.cut_stream(after_events=1), path="/threads/*/runs/stream", times=1)
    client = get_sync_client(url=server.url, api_key=None)
    tid = client.threads.create()["thread_id"]
    with pytest.warns(UserWarning, match="Last-Event-ID"):
        parts = list(client.runs.stream(tid, "echo", input=HI))
    assert parts[0].event == "metadata"
    assert len(server.runs) == 1  # the reconnect joined, it did not run again
    assert server.requests_to("GET", "/threads/*/runs/*/stream")


def test_fault_malformed_sse_and_error_event(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    server.inject(Fault.malformed_sse(after_events=1), path="/runs/stream", times=1)
    with pytest.raises(ValueError):
        list(client.runs.stream(None, "echo", input=HI))
    server.inject(
        Fault.error_event("ServiceUnavailable", "try later"), path="/runs/stream", times=1
    )
    with pytest.raises(RemoteException) as info:
        RemoteGraph("echo", url=server.url).invoke(HI)
    assert info.value.args[0] == {"error": "ServiceUnavailable", "message": "try later"}


def test_refused_connection_and_restart_keeps_state(server: FakeAgentServer) -> None:
    client = get_sync_client(url=server.url, api_key=None)
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "echo", input=HI)
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/ok")
    server.start()
    assert client.threads.get(tid)["status"] == "idle"


def test_refused_url_fixture(refused_url: str) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{refused_url}/ok")


def test_plugin_factory(make_fake_agent_server: Any) -> None:
    one = make_fake_agent_server({"echo": GRAPHS["echo"]})
    two = make_fake_agent_server({"asker": GRAPHS["asker"]})
    assert one.url != two.url
    assert RemoteGraph("echo", url=one.url).invoke(HI)["log"] == ["reply"]
