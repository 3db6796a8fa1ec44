"""Faults injected on the fake server: transient ones are retried, permanent ones fail clearly.

For every fault the test records the outcome, that the parent checkpoint is
intact (the thread resumes from it once the fault is gone) and how many remote
runs executed, so a retry never runs a remote step twice.
"""

from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import RemoteRunError, remote_node, thread_config
from remote_graphs.node import PROVENANCE
from remote_graphs.testing import Fault

STREAM = "/threads/*/runs/stream"
FAST_RETRY = {"max_attempts": 3, "initial_interval": 0.01, "max_interval": 0.05, "jitter": False}


def build(spec: Any, pool: Any, **extra: Any) -> Any:
    node = remote_node(spec("echo", retry=FAST_RETRY, **extra), pool=pool)
    builder = StateGraph(MessagesState).add_node(node, retry_policy=node.retry_policy)
    return builder.add_edge(START, "echo").compile(checkpointer=InMemorySaver())


TRANSIENT = {
    "429 Retry-After": Fault.status(429, {"detail": "slow down"}, headers={"Retry-After": "0.2"}),
    "500": Fault.status(500, "Internal Server Error"),
    "502": Fault.status(502, {"detail": "bad gateway"}),
    "503": Fault.status(503, {"detail": "unavailable"}),
    "connection closed": Fault.disconnect(),
    # echo's thread-run stream is metadata, then checkpoint and values for its input and
    # for each of its two steps (checkpoint step -1, values, checkpoint 0, values, checkpoint
    # 1): cut after the last, after the final values, and before them.
    "stream cut after the final event": Fault.cut_stream(after_events=6),
    "stream cut before the final checkpoint": Fault.cut_stream(after_events=5),
    "stream cut before the final values": Fault.cut_stream(after_events=4),
    "stream cut mid-way": Fault.cut_stream(after_events=1),
    "malformed SSE": Fault.malformed_sse(after_events=1),
}


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_transient_fault_is_retried_and_runs_once(
    fake: Any, spec: Any, pool: Any, fault: Fault
) -> None:
    graph = build(spec, pool)
    cfg = thread_config()
    fake.inject(fault, method="POST", path=STREAM, times=1)
    try:
        out = graph.invoke({"messages": [HumanMessage("hi")]}, cfg)
    finally:
        fake.clear_faults()
    assert [m.text for m in out["messages"]] == ["hi", "echo: hi"]
    fake.wait_for_runs()
    # The remote thread holds exactly one answer: the step's work landed once. (A run
    # cancelled by the cut either never saved its step and was run again, or saved
    # it and was reused, even when its status says "interrupted".)
    child = _child(out)
    state = httpx.get(f"{fake.url}/threads/{child}/state").json()
    assert [m["content"] for m in state["values"]["messages"]] == ["hi", "echo: hi"]
    assert len(fake.runs_on(child)) <= 2


PERMANENT = {
    "400": (Fault.status(400, {"detail": "bad"}), "HTTP 400"),
    "401": (Fault.status(401, {"detail": "no key"}), "HTTP 401"),
    "403": (Fault.status(403, {"detail": "forbidden"}), "HTTP 403"),
    "404": (Fault.status(404, {"detail": "gone"}), "HTTP 404"),
    "422": (Fault.status(422, {"detail": "invalid"}), "HTTP 422"),
    "remote error event": (Fault.error_event("ValueError", "bad input"), "ValueError: bad input"),
}


@pytest.mark.parametrize(("fault", "message"), PERMANENT.values(), ids=PERMANENT.keys())
def test_permanent_fault_fails_once_and_the_thread_resumes(
    fake: Any, spec: Any, pool: Any, fault: Fault, message: str
) -> None:
    graph = build(spec, pool)
    cfg = thread_config()
    rule = fake.inject(fault, method="POST", path=STREAM)
    try:
        with pytest.raises(RemoteRunError, match=message) as info:
            graph.invoke({"messages": [HumanMessage("hi")]}, cfg)
    finally:
        fake.clear_faults()
    assert rule.hits == 1, "a permanent failure must not be retried"
    assert info.value.remote == "echo" and not info.value.transient
    saved = graph.get_state(cfg)
    assert saved.next == ("echo",)
    assert [m.text for m in saved.values["messages"]] == ["hi"]
    out = graph.invoke(None, cfg)
    assert [m.text for m in out["messages"]] == ["hi", "echo: hi"]


def test_timeout_is_retried(fake: Any, spec: Any, pool: Any) -> None:
    graph = build(spec, pool, timeout={"read": 0.3})
    fake.inject(Fault.latency(0.6), method="POST", path=STREAM, times=1)
    try:
        out = graph.invoke({"messages": [HumanMessage("hi")]}, thread_config())
    finally:
        fake.clear_faults()
    assert out["messages"][-1].text == "echo: hi"


def test_refused_connection_is_retried_then_reported(
    spec: Any, pool: Any, refused_url: str
) -> None:
    node = remote_node(
        {"name": "gone", "url": refused_url, "graph_id": "echo", "retry": FAST_RETRY}, pool=pool
    )
    builder = StateGraph(MessagesState).add_node(node, retry_policy=node.retry_policy)
    graph = builder.add_edge(START, "gone").compile(checkpointer=InMemorySaver())
    cfg = thread_config()
    with pytest.raises(RemoteRunError, match="ConnectError") as info:
        graph.invoke({"messages": [HumanMessage("hi")]}, cfg)
    assert info.value.transient and info.value.url == refused_url
    assert graph.get_state(cfg).next == ("gone",)


def test_slow_remote_is_waited_for(fake: Any, spec: Any, pool: Any) -> None:
    node = remote_node(
        spec("slow"), pool=pool, input=lambda s: {"seconds": 0.3}, output=lambda v: {}
    )
    graph = StateGraph(MessagesState).add_node(node).add_edge(START, "slow").compile()
    assert graph.invoke({"messages": []}) == {"messages": []}


def _child(out: Any) -> str:
    """Return the remote thread the reply came from (recorded on the message)."""
    return str(out["messages"][-1].response_metadata[PROVENANCE]["thread_id"])


def test_remote_run_error_survives_pickling() -> None:
    import pickle

    err = RemoteRunError("r", "http://h:1", error="ConnectError", message="down", run_id="x")
    err.transient = True
    back = pickle.loads(pickle.dumps(err))
    assert (str(back), back.transient, back.run_id) == (str(err), True, "x")


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (
            httpx.ReadError("Connection reset by peer"),
            True,
        ),  # dev server drops keep-alive after a 500
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (httpx.RemoteProtocolError("cut"), True),
        (ValueError("a bug"), False),
    ],
)
def test_transient_classification(exc: Exception, transient: bool) -> None:
    from remote_graphs.retry import is_transient

    assert is_transient(exc) is transient


@pytest.mark.parametrize(
    ("status", "transient"),
    [
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (422, False),
    ],
)
def test_status_classification(status: int, transient: bool) -> None:
    from remote_graphs.retry import is_transient

    request = httpx.Request("POST", "http://h/runs/stream")
    response = httpx.Response(status, request=request)
    assert is_transient(httpx.HTTPStatusError("x", request=request, response=response)) is transient
