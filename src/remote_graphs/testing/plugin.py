"""Pytest plugin: fixtures that start fake Agent Servers and always stop them.

Registered through the ``pytest11`` entry point, so forks get the fixtures by
installing the package with its ``testing`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from langgraph.pregel import Pregel

from remote_graphs.testing.faults import refused_url as _refused_url
from remote_graphs.testing.server import FakeAgentServer

MakeFakeAgentServer = Callable[..., FakeAgentServer]
"""``make(graphs, **options) -> FakeAgentServer``; options as ``FakeAgentServer``."""


@pytest.fixture
def make_fake_agent_server() -> Iterator[MakeFakeAgentServer]:
    """Start fake servers on demand; every one is stopped at teardown."""
    servers: list[FakeAgentServer] = []

    def make(graphs: Mapping[str, Pregel[Any, Any, Any, Any]], **options: Any) -> FakeAgentServer:
        server = FakeAgentServer(graphs, **options)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def fake_agent_server(
    request: pytest.FixtureRequest, make_fake_agent_server: MakeFakeAgentServer
) -> FakeAgentServer:
    """Start one fake server serving the graphs of a ``fake_agent_server_graphs`` fixture.

    Define ``fake_agent_server_graphs`` (returning ``{graph_id: graph}``) in your
    ``conftest.py``; use ``make_fake_agent_server`` for several deployments.
    """
    graphs = request.getfixturevalue("fake_agent_server_graphs")
    return make_fake_agent_server(graphs)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """Return a loopback URL that refuses every connection."""
    with _refused_url() as url:
        yield url
