"""The fake's answers to edge cases, pinned to what the real server answered.

The conformance suite compares these with a running `langgraph dev`; these
tests keep them in the fast tier (`make test-fast`) and cover what the
sample graphs served by both cannot show, such as a graph that uses the
store. Each expected value was recorded from langgraph-api 0.16.7.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, TypedDict

import httpx
import pytest
from langgraph.config import get_store
from langgraph.graph import START, StateGraph
from langgraph_sdk import get_sync_client
from langgraph_sdk.errors import NotFoundError

from remote_graphs.testing import FakeAgentServer
from remote_graphs.testing.plugin import MakeFakeAgentServer
from tests.sample_graphs.graphs import GRAPHS

HI = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeAgentServer]:
    with FakeAgentServer(GRAPHS) as fake:
        yield fake


@pytest.fixture
def http(server: FakeAgentServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _new_thread(http: httpx.Client) -> str:
    thread_id: str = http.post("/threads", json={}).json()["thread_id"]
    return thread_id


# -- commands -----------------------------------------------------------------------


def test_resume_none_continues_the_thread_and_asks_again(server: FakeAgentServer) -> None:
    with get_sync_client(url=server.url, api_key=None) as client:
        thread_id = client.threads.create()["thread_id"]
        first = client.runs.wait(thread_id, "asker", input={"question": "q?"})
        again = client.runs.wait(thread_id, "asker", command={"resume": None})
        assert again == first  # the node ran again and asked the same question
        assert client.threads.get(thread_id)["status"] == "interrupted"


def test_command_on_a_thread_without_checkpoint_fails_in_the_start_node(
    http: httpx.Client,
) -> None:
    thread_id = _new_thread(http)
    answer = http.post(
        f"/threads/{thread_id}/runs/wait",
        json={"assistant_id": "echo", "command": {"resume": "x"}},
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "__error__": {"error": "TypeError", "message": "'NoneType' object is not iterable"}
    }
    assert http.get(f"/threads/{thread_id}").json()["status"] == "error"


# -- request checks -----------------------------------------------------------------

LOOPBACK_DETAIL = (
    "Loopback webhooks (relative URLs and localhost) are disabled by default. They bypass "
    "authentication via the in-process ASGI transport and can be abused to invoke internal "
    "routes as an unauthenticated caller. Set webhooks.url.disable_loopback to false (in "
    "langgraph.json or via LANGGRAPH_WEBHOOKS) to opt back in — only do so when you control "
    "the mounted routes."
)


@pytest.mark.parametrize(
    ("webhook", "detail"),
    [
        ("not a url", "Invalid webhook hostname ''"),
        ("/internal/hook", LOOPBACK_DETAIL),
        ("http://127.0.0.1:9/hook", "Webhook host blocked: loopback IP range"),
        ("http://[::1]:9/hook", "Webhook host blocked: blocked IP range"),
        ("http://localhost:9/hook", "Webhook host blocked: localhost address"),
        ("ftp://example.com/hook", "Webhook host blocked: scheme 'ftp' not allowed"),
        ("http://169.254.169.254/latest", "Webhook host blocked: blocked IP range"),
        ("http://metadata.google.internal/x", "Webhook host blocked: cloud metadata endpoint"),
        ("http://api.svc.cluster.local/x", "Webhook host blocked: Kubernetes internal DNS"),
        ("http://224.0.0.1/x", "Webhook host blocked: blocked IP range"),
        ("http://h/" + "x" * 4096, "Webhook URL too long"),
    ],
)
def test_webhooks_the_server_refuses(http: httpx.Client, webhook: str, detail: str) -> None:
    answer = http.post("/runs/wait", json={"assistant_id": "echo", "input": HI, "webhook": webhook})
    assert (answer.status_code, answer.json()) == (422, {"detail": detail})


def test_a_webhook_with_a_host_name_is_accepted_and_stored(http: httpx.Client) -> None:
    thread_id = _new_thread(http)
    run = http.post(
        f"/threads/{thread_id}/runs",
        json={"assistant_id": "echo", "input": HI, "webhook": "https://hooks.example.com/x"},
    ).json()
    assert run["kwargs"]["webhook"] == "https://hooks.example.com/x"


def test_a_bad_number_in_a_query_is_a_400(http: httpx.Client) -> None:
    answer = http.get(f"/threads/{_new_thread(http)}/runs?limit=abc")
    assert (answer.status_code, answer.json()) == (
        400,
        {"detail": "invalid literal for int() with base 10: 'abc'"},
    )


def test_an_unexpected_error_closes_the_connection(http: httpx.Client) -> None:
    ports = set()

    def port(response: httpx.Response) -> int:
        stream = response.extensions["network_stream"]
        local: tuple[str, int] = stream.get_extra_info("client_addr")
        return local[1]

    first = http.get("/ok")
    ports.add(port(first))
    failed = http.post("/store/items/search", json={})  # no namespace_prefix: a 500 there too
    assert (failed.status_code, failed.text) == (500, "Internal Server Error")
    assert failed.headers["connection"] == "close"
    ports.add(port(http.get("/ok")))
    assert len(ports) == 2


# -- the state at a checkpoint ------------------------------------------------------


def test_state_at_a_checkpoint_echoes_the_keys_asked_for(server: FakeAgentServer) -> None:
    with get_sync_client(url=server.url, api_key=None) as client:
        thread_id = client.threads.create()["thread_id"]
        client.runs.wait(thread_id, "echo", input=HI)
        checkpoint_id = client.threads.get_history(thread_id, limit=2)[1]["checkpoint_id"]
        bare = client.threads.get_state(thread_id, checkpoint={"checkpoint_id": checkpoint_id})
        with_ns = client.threads.get_state(
            thread_id, checkpoint={"checkpoint_id": checkpoint_id, "checkpoint_ns": ""}
        )
        latest = client.threads.get_state(thread_id)
    assert bare["checkpoint"] == {"checkpoint_id": checkpoint_id, "thread_id": thread_id}
    assert with_ns["checkpoint"] == {**bare["checkpoint"], "checkpoint_ns": ""}
    assert latest["checkpoint"]["checkpoint_ns"] == ""


# -- the store ----------------------------------------------------------------------


class Notes(TypedDict, total=False):
    key: str
    seen: Any


def remember(state: Notes) -> dict[str, Any]:
    """Read what the last run stored under the key, then store this run's visit."""
    store = get_store()
    before = store.get(("notes",), state["key"])
    store.put(("notes",), state["key"], {"visits": (before.value["visits"] if before else 0) + 1})
    return {"seen": before.value if before else None}


notes = StateGraph(Notes).add_node(remember).add_edge(START, "remember").compile(name="notes")


def test_graphs_and_the_store_api_share_one_store(
    make_fake_agent_server: MakeFakeAgentServer,
) -> None:
    server = make_fake_agent_server({"notes": notes})
    key = str(uuid.uuid4())
    with get_sync_client(url=server.url, api_key=None) as client:
        assert client.runs.wait(None, "notes", input={"key": key})["seen"] is None  # stateless
        thread_id = client.threads.create()["thread_id"]
        assert client.runs.wait(thread_id, "notes", input={"key": key})["seen"] == {"visits": 1}
        item = client.store.get_item(["notes"], key)
        assert item is not None
        assert (item["namespace"], item["value"]) == (["notes"], {"visits": 2})
        client.store.put_item(["notes"], key, {"visits": 10}, ttl=5)
        assert client.runs.wait(thread_id, "notes", input={"key": key})["seen"] == {"visits": 10}
        assert client.store.list_namespaces(prefix=["notes"]) == {"namespaces": [["notes"]]}


@pytest.mark.parametrize(
    ("namespace", "status", "body"),
    [
        (["a.b"], 422, "Namespace label 'a.b' must be a non-empty string without periods"),
        ([""], 422, "Namespace label '' must be a non-empty string without periods"),
        ([], 400, '{"detail":"Namespace cannot be empty."}'),
    ],
)
def test_store_namespaces_the_server_refuses(
    http: httpx.Client, namespace: list[str], status: int, body: str
) -> None:
    answer = http.put("/store/items", json={"namespace": namespace, "key": "k", "value": {}})
    assert (answer.status_code, answer.text) == (status, body)


def test_store_get_needs_a_key(http: httpx.Client) -> None:
    answer = http.get("/store/items?namespace=a")
    assert (answer.status_code, answer.json()) == (400, {"error": "Key is required"})
    assert http.get("/store/items?namespace=a&key=missing").json() is None


# -- crons --------------------------------------------------------------------------


def test_crons_are_refused_saying_they_are_not_emulated(server: FakeAgentServer) -> None:
    with get_sync_client(url=server.url, api_key=None) as client:
        thread_id = client.threads.create()["thread_id"]
        calls = [
            lambda: client.crons.create("echo", schedule="* * * * *"),
            lambda: client.crons.create_for_thread(thread_id, "echo", schedule="* * * * *"),
            lambda: client.crons.search(),
            lambda: client.crons.count(),
            lambda: client.crons.delete(str(uuid.uuid4())),
        ]
        for call in calls:
            with pytest.raises(NotFoundError, match="Crons are not emulated"):
                call()
