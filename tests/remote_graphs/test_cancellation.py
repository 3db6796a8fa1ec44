"""A cancelled parent takes its remote runs with it: none outlives its parent."""

import asyncio
import time
from typing import Any, TypedDict

import httpx
import pytest
from langgraph.graph import START, StateGraph

from remote_graphs import remote_node, thread_config
from remote_graphs.registry import parse_remote
from remote_graphs.threads import child_thread_id


class Wait(TypedDict, total=False):
    seconds: float
    done: bool


def slow_parent(url: str, pool: Any) -> Any:
    node = remote_node(
        parse_remote({"name": "slow", "url": url, "graph_id": "slow"}),
        pool=pool,
        input=lambda s: {"seconds": s["seconds"]},
        output=lambda v: {"done": v.get("done", False)},
    )
    return StateGraph(Wait).add_node(node).add_edge(START, "slow").compile()


async def cancel_midway(graph: Any, seconds: float) -> str:
    """Start the parent, cancel it while the remote works, and return the remote thread."""
    cfg = thread_config()
    task = asyncio.create_task(graph.ainvoke({"seconds": seconds}, cfg))
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return child_thread_id(cfg["configurable"]["thread_id"], "slow")


def assert_no_run_outlives(url: str, thread: str, started: float, budget: float) -> None:
    with httpx.Client() as client:
        while True:
            runs = client.get(f"{url}/threads/{thread}/runs").json()
            if runs and all(r["status"] not in ("pending", "running") for r in runs):
                break
            assert time.monotonic() - started < budget, f"remote runs still going: {runs}"
            time.sleep(0.1)
    assert runs and all(r["status"] != "success" for r in runs), runs


def test_cancelled_parent_cancels_remote_run_on_fake(
    make_fake_agent_server: Any, pool: Any
) -> None:
    from tests.sample_graphs.graphs import GRAPHS

    fake = make_fake_agent_server(GRAPHS)
    started = time.monotonic()
    thread = asyncio.run(cancel_midway(slow_parent(fake.url, pool), seconds=5))
    assert_no_run_outlives(fake.url, thread, started, budget=4)


@pytest.mark.real_server
def test_cancelled_parent_cancels_remote_run_on_langgraph_dev(
    real_agent_server: Any, pool: Any
) -> None:
    started = time.monotonic()
    thread = asyncio.run(cancel_midway(slow_parent(real_agent_server.url, pool), seconds=6))
    assert_no_run_outlives(real_agent_server.url, thread, started, budget=5)
