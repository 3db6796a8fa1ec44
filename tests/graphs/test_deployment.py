"""The root deployment served by a real `langgraph dev`: owner-scoped threads, SQLite restarts."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.errors import NotFoundError

from orchestrator.devserver import DevServer

ROOT = Path(__file__).resolve().parents[2]
TOKENS = {"alice": "tok-alice-1", "bob": "tok-bob-2"}
pytestmark = pytest.mark.real_server


def serve(workdir: Path) -> DevServer:
    return DevServer(
        ROOT / "langgraph.json",
        cwd=workdir,
        env={
            "ORCHESTRATOR_TOKENS": ",".join(f"{t}:{who}" for who, t in TOKENS.items()),
            "REMOTE_GRAPHS_DB": str(workdir / "served.sqlite"),
        },
        startup_timeout=90,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("served-deployment")


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[DevServer]:
    with serve(workdir) as running:
        yield running


def client(server: DevServer, who: str) -> Any:
    return get_sync_client(
        url=server.url, api_key=None, headers={"Authorization": f"Bearer {TOKENS[who]}"}
    )


def test_threads_are_scoped_to_their_owner(server: DevServer) -> None:
    alice, bob = client(server, "alice"), client(server, "bob")
    thread = alice.threads.create(graph_id="pipeline")
    tid = thread["thread_id"]
    assert thread["metadata"]["owner"] == "alice"
    assert alice.threads.get(tid)["thread_id"] == tid
    with pytest.raises(NotFoundError):
        bob.threads.get(tid)
    with pytest.raises(NotFoundError):
        bob.threads.get_state(tid)
    with pytest.raises(NotFoundError):
        bob.runs.create(tid, "pipeline", input={"messages": []})
    with pytest.raises(NotFoundError):
        bob.threads.update(tid, metadata={"owner": "bob"})
    assert tid not in {t["thread_id"] for t in bob.threads.search(limit=100)}
    assert tid in {t["thread_id"] for t in alice.threads.search(limit=100)}


def test_unknown_or_missing_token_is_refused(server: DevServer) -> None:
    assert httpx.post(f"{server.url}/threads", json={}).status_code == 401
    bad = httpx.post(f"{server.url}/threads", json={}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_threads_survive_a_restart_in_sqlite(server: DevServer, workdir: Path) -> None:
    alice = client(server, "alice")
    tid = alice.threads.create(graph_id="pipeline")["thread_id"]
    alice.threads.update_state(
        tid, {"messages": [{"role": "user", "content": "remember me"}]}, as_node="merge"
    )
    server.stop()
    with sqlite3.connect(workdir / "served.sqlite") as db:
        rows = db.execute("select count(*) from checkpoints where thread_id = ?", (tid,)).fetchone()
    assert rows[0] >= 1, "the checkpoint is not in the SQLite file"
    server.start()
    state = client(server, "alice").threads.get_state(tid)
    assert [m["content"] for m in state["values"]["messages"]] == ["remember me"]
