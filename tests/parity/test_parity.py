"""The same scenarios with the child as a local subgraph and on another deployment.

The local child has no checkpointer of its own, so it sees exactly the
parent's branch; the remote child must give the user the same answers, state,
history, stream events and interrupts (ids normalised).
"""

from typing import Any

import pytest

from remote_graphs.clients import ClientPool
from remote_graphs.testing import FakeAgentServer
from tests.parity.parents import handoff_parent, parent
from tests.parity.scenarios import SCENARIOS, handoff


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_remote_child_behaves_like_a_local_one(
    scenario: Any, children: FakeAgentServer, pool: ClientPool
) -> None:
    seen = {
        kind: scenario(
            lambda child, node, k=kind: parent(k, child, node, url=children.url, pool=pool)
        )
        for kind in ("local", "remote")
    }
    assert seen["remote"] == seen["local"]


def test_a_handoff_reaches_the_parent_node_like_a_local_one(
    children: FakeAgentServer, pool: ClientPool
) -> None:
    seen = {
        kind: handoff(lambda k=kind: handoff_parent(k, url=children.url, pool=pool))
        for kind in ("local", "remote")
    }
    assert seen["remote"] == seen["local"]
    assert seen["remote"]["handed"] == [
        ("human", "my invoice is wrong"),
        ("ai", "Over to billing."),
        ("ai", "billing saw 2 messages"),
    ]
    assert seen["remote"]["answered"] == [("human", "hello"), ("ai", "triage answered: hello")]
