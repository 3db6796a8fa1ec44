"""A remote child hands control to a parent node, and its own run still finishes."""

import asyncio
from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage

from remote_graphs import thread_config
from remote_graphs.clients import ClientPool
from remote_graphs.messages import PROVENANCE
from remote_graphs.testing import FakeAgentServer
from tests.parity.parents import handoff_parent
from tests.remote_graphs.served.children import GRAPHS


@pytest.mark.parametrize("use_async", [False, True])
def test_handoff_goes_to_the_parent_node_and_leaves_the_child_finished(
    pool: ClientPool, use_async: bool
) -> None:
    with FakeAgentServer(GRAPHS) as children:
        graph = handoff_parent("remote", url=children.url, pool=pool)
        inp: Any = {"messages": [HumanMessage("my invoice is wrong")]}
        cfg = thread_config()
        out = asyncio.run(graph.ainvoke(inp, cfg)) if use_async else graph.invoke(inp, cfg)
        handed = out["messages"][1]
        assert (handed.text, out["messages"][-1].text) == (
            "Over to billing.",
            "billing saw 2 messages",
        )
        thread = handed.response_metadata[PROVENANCE]["thread_id"]
        remote = httpx.get(f"{children.url}/threads/{thread}/state").json()
    assert remote["next"] == [] and remote["interrupts"] == [], "the child's run finished"
    assert graph.get_state(cfg).next == ()
