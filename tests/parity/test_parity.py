"""The same scenarios with the child as a local subgraph and on another deployment.

The local child has no checkpointer of its own, so it sees exactly the
parent's branch; the remote child must give the user the same answers, state,
history, stream events and interrupts (ids normalised).
"""

from typing import Any

import pytest

from remote_graphs.clients import ClientPool
from remote_graphs.testing import FakeAgentServer
from tests.parity.parents import parent
from tests.parity.scenarios import SCENARIOS


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
