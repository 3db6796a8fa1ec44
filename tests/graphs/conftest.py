"""Fixtures for the example graphs: fresh fake children, and the root graphs served for real."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.children import discover_children, url_variables
from orchestrator.devserver import DevServer
from orchestrator.loader import ROOT, load_graph
from remote_graphs.testing import FakeAgentServer
from remote_graphs.testing.plugin import MakeFakeAgentServer
from tests.conftest import SERVER_TRIPWIRE_ENV


@pytest.fixture
def fresh_children(
    make_fake_agent_server: MakeFakeAgentServer, monkeypatch: pytest.MonkeyPatch
) -> dict[str, FakeAgentServer]:
    """Serve each child on a fake deployment of its own, for this test alone (runs count from 0)."""
    servers = {}
    for child in discover_children():
        servers[child.name] = make_fake_agent_server(
            {child.name: load_graph(child.name, child.config)}
        )
        monkeypatch.setenv(child.url_env, servers[child.name].url)
    return servers


@pytest.fixture(scope="module")
def served_root(
    real_children: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DevServer]:
    """Serve the root langgraph.json (its SQLite checkpointer and auth) over the real children."""
    workdir = Path(tmp_path_factory.mktemp("served-root"))
    env = {
        **SERVER_TRIPWIRE_ENV,
        **url_variables(discover_children(), real_children),
        "REMOTE_GRAPHS_DB": str(workdir / "served.sqlite"),
    }
    with DevServer(
        ROOT / "langgraph.json", cwd=workdir, n_jobs=4, env=env, startup_timeout=90
    ) as server:
        yield server
