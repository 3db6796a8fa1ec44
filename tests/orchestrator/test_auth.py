"""The served orchestrator's authorization: every resource scoped, on a real `langgraph dev`."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.errors import ConflictError, NotFoundError, PermissionDeniedError

from orchestrator.auth import TOKENS_ENV, configured_tokens
from orchestrator.devserver import DevServer
from remote_graphs import ConfigError

ROOT = Path(__file__).resolve().parents[2]
TOKENS = {"alice": "tok-alice-7f3a", "bob": "tok-bob-91c2"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    workdir = tmp_path_factory.mktemp("served-auth")
    with DevServer(
        ROOT / "langgraph.json",
        cwd=workdir,
        env={
            TOKENS_ENV: ",".join(f"{token}:{who}" for who, token in TOKENS.items()),
            "REMOTE_GRAPHS_DB": str(workdir / "served.sqlite"),
        },
        startup_timeout=90,
    ) as running:
        yield running


def client(server: DevServer, who: str) -> Any:
    return get_sync_client(
        url=server.url, api_key=None, headers={"Authorization": f"Bearer {TOKENS[who]}"}
    )


def system_assistant(server: DevServer) -> dict[str, Any]:
    found: list[dict[str, Any]] = client(server, "alice").assistants.search(
        metadata={"created_by": "system"}, limit=1
    )
    assert found, "the deployment serves no graph"
    return found[0]


def start_up_log(server: DevServer) -> str:
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Using custom auth" in log and "Using custom checkpointer" in log
    return log


@pytest.mark.real_server
def test_start_up_finds_a_handler_for_every_resource(server: DevServer) -> None:
    assert "Custom auth has no handler registered" not in start_up_log(server)


@pytest.mark.real_server
def test_start_up_finds_every_checkpointer_capability(server: DevServer) -> None:
    log = start_up_log(server)
    assert "Custom checkpointer missing" not in log
    assert "grow without bound" not in log


@pytest.mark.real_server
def test_everyone_uses_the_deployments_assistants_and_nobody_changes_them(
    server: DevServer,
) -> None:
    assistant = system_assistant(server)
    for who in TOKENS:
        caller = client(server, who)
        assert caller.assistants.get(assistant["assistant_id"])["graph_id"]
        with pytest.raises(NotFoundError):
            caller.assistants.update(assistant["assistant_id"], metadata={"owner": who})
        with pytest.raises(NotFoundError):
            caller.assistants.delete(assistant["assistant_id"])
    assert client(server, "bob").assistants.get(assistant["assistant_id"])["metadata"] == {
        "created_by": "system"
    }


@pytest.mark.real_server
def test_an_assistant_a_caller_creates_is_theirs_alone(server: DevServer) -> None:
    alice, bob = client(server, "alice"), client(server, "bob")
    graph_id = system_assistant(server)["graph_id"]
    mine = alice.assistants.create(graph_id, metadata={"owner": "bob"}, name="alice's")
    aid = mine["assistant_id"]
    assert mine["metadata"]["owner"] == "alice"
    assert aid in {a["assistant_id"] for a in alice.assistants.search(limit=100)}
    assert aid not in {a["assistant_id"] for a in bob.assistants.search(limit=100)}
    with pytest.raises(NotFoundError):
        bob.assistants.get(aid)
    with pytest.raises(NotFoundError):
        bob.assistants.update(aid, name="bob's now")
    with pytest.raises(NotFoundError):
        bob.assistants.delete(aid)
    updated = alice.assistants.update(aid, metadata={"owner": "bob"}, name="still alice's")
    assert updated["metadata"]["owner"] == "alice"
    with pytest.raises(PermissionDeniedError, match="created_by"):
        alice.assistants.create(graph_id, metadata={"created_by": "system"})
    alice.assistants.delete(aid)


@pytest.mark.real_server
def test_store_items_live_under_their_callers_identity(server: DevServer) -> None:
    alice, bob = client(server, "alice"), client(server, "bob")
    alice.store.put_item(["alice", "notes"], "plan", {"text": "alice's secret plan"})
    for refused in (
        lambda: bob.store.get_item(["alice", "notes"], "plan"),
        lambda: bob.store.put_item(["alice", "notes"], "plan", {"text": "overwritten"}),
        lambda: bob.store.delete_item(["alice", "notes"], "plan"),
        lambda: bob.store.search_items(["alice"]),
        lambda: bob.store.list_namespaces(prefix=["alice"]),
        lambda: bob.store.put_item(["notes"], "plan", {"text": "no identity"}),
    ):
        with pytest.raises(PermissionDeniedError, match="start with your identity: use \\['bob'"):
            refused()
    assert bob.store.search_items([])["items"] == []
    assert bob.store.list_namespaces()["namespaces"] == []
    item = alice.store.get_item(["alice", "notes"], "plan")
    assert item is not None and item["value"] == {"text": "alice's secret plan"}
    assert [i["key"] for i in alice.store.search_items([])["items"]] == ["plan"]
    assert alice.store.list_namespaces()["namespaces"] == [["alice", "notes"]]


@pytest.mark.real_server
def test_a_thread_copy_is_the_owners_and_carries_the_state(server: DevServer) -> None:
    alice, bob = client(server, "alice"), client(server, "bob")
    assistant = system_assistant(server)
    edges = alice.assistants.get_graph(assistant["assistant_id"])["edges"]
    last = next(e["source"] for e in edges if e["target"] == "__end__" and not e.get("conditional"))
    thread = alice.threads.create(graph_id=assistant["graph_id"])["thread_id"]
    alice.threads.update_state(
        thread, {"messages": [{"role": "user", "content": "copy me"}]}, as_node=last
    )
    with pytest.raises((NotFoundError, ConflictError)):  # the in-memory server says 409
        bob.threads.copy(thread)
    copy = alice.threads.copy(thread)
    assert copy["thread_id"] != thread
    assert copy["metadata"]["owner"] == "alice"
    state = alice.threads.get_state(copy["thread_id"])
    assert [m["content"] for m in state["values"]["messages"]] == ["copy me"]
    with pytest.raises(NotFoundError):
        bob.threads.get_state(copy["thread_id"])


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("tok-secret-1234", "entry 1 must look like token:identity"),
        ("a:alice,tok-secret-1234:", "entry 2 must look like token:identity"),
        ("tok-secret-1234:alice.smith", "identity 'alice.smith' holds a '.'"),
    ],
)
def test_malformed_tokens_are_refused_without_showing_a_token(
    monkeypatch: pytest.MonkeyPatch, value: str, hint: str
) -> None:
    monkeypatch.setenv(TOKENS_ENV, value)
    with pytest.raises(ConfigError, match=hint) as info:
        configured_tokens()
    assert "tok-secret-1234" not in str(info.value)


REFUSED = (
    "send Authorization: Bearer <token> (or the SDK's api_key=<token>) with a token "
    "listed in ORCHESTRATOR_TOKENS"
)


@pytest.mark.real_server
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer tok-nobody-0000"}, {"Authorization": TOKENS["alice"]}],
    ids=["no token", "unknown token", "no scheme"],
)
def test_a_caller_without_a_known_token_is_told_how_to_send_one(
    server: DevServer, headers: dict[str, str]
) -> None:
    anonymous = get_sync_client(url=server.url, api_key=None, headers=headers)
    with pytest.raises(httpx.HTTPStatusError) as refused:
        anonymous.threads.create()
    assert refused.value.response.status_code == 401
    assert refused.value.response.json() == {"detail": REFUSED}


@pytest.mark.real_server
def test_the_sdks_own_api_key_argument_carries_the_token(server: DevServer) -> None:
    alice = get_sync_client(url=server.url, api_key=TOKENS["alice"])
    thread = alice.threads.create()
    assert thread["metadata"]["owner"] == "alice"
    bob = client(server, "bob")
    with pytest.raises(httpx.HTTPStatusError) as hidden:
        bob.threads.get(thread["thread_id"])
    assert hidden.value.response.status_code == 404
