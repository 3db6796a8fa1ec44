from collections.abc import Iterator

import pytest

from remote_graphs.clients import ClientPool
from remote_graphs.testing import FakeAgentServer
from tests.remote_graphs.served.children import GRAPHS


@pytest.fixture(scope="module")
def children() -> Iterator[FakeAgentServer]:
    """The child graphs on a fake deployment, for the remote side of each scenario."""
    with FakeAgentServer(GRAPHS) as server:
        yield server


@pytest.fixture
def pool() -> Iterator[ClientPool]:
    pool = ClientPool()
    yield pool
    pool.close()
