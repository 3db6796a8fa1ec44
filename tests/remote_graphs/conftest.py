from collections.abc import Iterator

import pytest

from remote_graphs.registry import RemoteSpec, parse_remote
from remote_graphs.testing import FakeAgentServer
from tests.sample_graphs.graphs import GRAPHS


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAgentServer]:
    """One fake deployment serving the sample graphs, shared by a module's tests."""
    with FakeAgentServer(GRAPHS) as server:
        yield server


@pytest.fixture
def spec(fake: FakeAgentServer):  # type: ignore[no-untyped-def]
    """Build a remote spec for one of the fake's graphs."""

    def make(graph: str, name: str | None = None, **extra: object) -> RemoteSpec:
        return parse_remote({"name": name or graph, "url": fake.url, "graph_id": graph, **extra})

    return make
