"""One parent step is one remote computation, even when a request arrives twice.

A proxy that holds a request past the caller's timeout and then delivers it
makes the remote see the same step twice: once from the retry and once late.
Thread runs are sent with ``multitask_strategy="reject"``, so the second one
is refused while the first runs, and a caller refused that way joins the run
already going.
"""

import time
from typing import Any, TypedDict

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph

from remote_graphs import RemoteRunError, remote_node, thread_config
from remote_graphs.registry import parse_remote
from remote_graphs.request import TASK_METADATA, ParentCall, build_request
from remote_graphs.run import run_sync
from remote_graphs.threads import child_thread_id
from tests.remote_graphs.delaying_proxy import DelayingProxy

FAST_RETRY = {"max_attempts": 3, "initial_interval": 0.01, "max_interval": 0.05, "jitter": False}


class SlowState(TypedDict, total=False):
    seconds: float
    done: bool


def slow_graph(url: str, pool: Any, *, read_timeout: float) -> Any:
    spec = parse_remote(
        {
            "name": "slow",
            "url": url,
            "graph_id": "slow",
            "timeout": {"read": read_timeout},
            "retry": FAST_RETRY,
        }
    )
    node = remote_node(
        spec,
        pool=pool,
        input=lambda s: {"seconds": s["seconds"]},
        output=lambda v: {"done": bool(v.get("done"))},
    )
    builder = StateGraph(SlowState).add_node(node, retry_policy=node.retry_policy)
    return builder.add_edge(START, "slow").compile(checkpointer=InMemorySaver())


def test_late_duplicate_is_refused_while_the_retry_runs(fake: Any, pool: Any) -> None:
    # The first request is held 1.4 s, past the 1 s read timeout; the retry's run
    # takes 0.9 s, so the late copy arrives while it runs.
    with DelayingProxy(fake.url, hold=1.4) as proxy:
        graph = slow_graph(proxy.url, pool, read_timeout=1.0)
        cfg = thread_config()
        assert graph.invoke({"seconds": 0.9}, cfg)["done"] is True
        thread = child_thread_id(cfg["configurable"]["thread_id"], "slow")
        stream = f"/threads/{thread}/runs/stream"
        deadline = time.monotonic() + 10
        while len(fake.requests_to("POST", stream)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the late copy is still held by the proxy
        fake.wait_for_runs()
    assert proxy.held == 1
    assert len(fake.requests_to("POST", stream)) == 2, "the late copy arrived too"
    assert len(fake.runs_on(thread)) == 1, "the step was computed once"


def _request(url: str, pool: Any, thread: str, namespace: str) -> Any:
    spec = parse_remote({"name": "slow", "url": url, "graph_id": "slow", "retry": FAST_RETRY})
    parent = ParentCall(
        thread_id=thread,
        namespace=namespace,
        stream=None,
        resuming=False,
        answers=0,
        context=None,
        user=None,
    )
    return build_request(
        "slow",
        pool.get(spec),
        "slow",
        parent,
        thread_id=child_thread_id(thread, "slow"),
        input={"seconds": 0.5},
    )


def test_a_refused_request_joins_the_run_already_going(fake: Any, pool: Any) -> None:
    request = _request(fake.url, pool, thread_config()["configurable"]["thread_id"], "slow:1")
    client = request.clients.sync()
    client.threads.create(thread_id=request.thread_id)
    going = client.runs.create(
        request.thread_id,
        "slow",
        input={"seconds": 0.5},
        metadata={TASK_METADATA: request.key},
    )
    outcome = run_sync(request)
    assert outcome.run_id == going["run_id"]
    assert outcome.values == {"seconds": 0.5, "done": True}
    assert len(fake.runs_on(str(request.thread_id))) == 1


def test_a_thread_busy_with_another_task_is_a_transient_failure(fake: Any, pool: Any) -> None:
    request = _request(fake.url, pool, thread_config()["configurable"]["thread_id"], "slow:2")
    client = request.clients.sync()
    client.threads.create(thread_id=request.thread_id)
    client.runs.create(request.thread_id, "slow", input={"seconds": 0.5})
    with pytest.raises(RemoteRunError, match="ThreadBusy") as info:
        run_sync(request)
    assert info.value.transient
    fake.wait_for_runs()
