from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphs.analyst.graph import graph as analyst
from graphs.researcher.graph import graph as researcher
from graphs.writer.graph import graph as writer
from orchestrator.children import running_children, url_env
from remote_graphs.testing import FakeAgentServer

CHILDREN = {"researcher": researcher, "analyst": analyst, "writer": writer}


@pytest.fixture(scope="module")
def fake_children() -> Iterator[dict[str, FakeAgentServer]]:
    """Serve each example child on its own fake deployment and point the registry at them."""
    servers = {name: FakeAgentServer({name: graph}) for name, graph in CHILDREN.items()}
    with pytest.MonkeyPatch.context() as env:
        for name, server in servers.items():
            server.start()
            env.setenv(url_env(name), server.url)
        try:
            yield servers
        finally:
            for server in servers.values():
                server.stop()


@pytest.fixture(scope="session")
def real_children(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Serve the example children with real `langgraph dev`, once for the session."""
    with running_children(state_dir=Path(tmp_path_factory.mktemp("children"))) as urls:
        yield urls


def approve() -> dict[str, Any]:
    return {"approved": True}
