"""The fake keeps HTTP/1.1 connections alive as uvicorn does, and drops them when it stops."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from remote_graphs.testing import FakeAgentServer, Fault
from tests.sample_graphs.graphs import GRAPHS

HI = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def server() -> Iterator[FakeAgentServer]:
    with FakeAgentServer(GRAPHS) as fake:
        yield fake


class Ports:
    """Collect the client-side port of every response's connection."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def __call__(self, response: httpx.Response) -> None:
        stream = response.extensions["network_stream"]
        self.seen.append(stream.get_extra_info("client_addr")[1])


def test_one_connection_serves_every_kind_of_response(server: FakeAgentServer) -> None:
    ports = Ports()
    with httpx.Client(base_url=server.url, event_hooks={"response": [ports]}) as client:
        thread = client.post("/threads", json={}).json()["thread_id"]
        client.post(f"/threads/{thread}/runs/wait", json={"assistant_id": "echo", "input": HI})
        with client.stream(
            "POST", "/runs/stream", json={"assistant_id": "echo", "input": HI}
        ) as sse:
            assert sse.headers["transfer-encoding"] == "chunked"
            assert b"event: end" not in sse.read()
        client.delete(f"/threads/{thread}")  # 204, no body
        client.get("/nope")  # an error
        client.post("/threads", content=b"{")  # a 422 for a bad body
        client.head("/ok")
        response = client.get("/ok")
    assert response.headers.get("connection") is None
    assert len(ports.seen) == 8 and len(set(ports.seen)) == 1


def test_status_lines_have_standard_reason_phrases(server: FakeAgentServer) -> None:
    with httpx.Client(base_url=server.url) as client:
        phrases = [
            client.get("/ok").reason_phrase,
            client.post("/threads", content=b"").reason_phrase,
            client.get("/nope").reason_phrase,
            client.get("/runs/stream").reason_phrase,
        ]
    assert phrases == ["OK", "Unprocessable Entity", "Not Found", "Method Not Allowed"]


def test_stop_closes_idle_connections_and_a_restart_serves_again(server: FakeAgentServer) -> None:
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/ok").status_code == 200
        server.stop()
        with pytest.raises(httpx.TransportError):
            client.get("/ok")
        server.start()
        assert client.get("/ok").status_code == 200


def test_a_dropped_connection_is_replaced(server: FakeAgentServer) -> None:
    server.inject(Fault.disconnect(), path="/info", times=1)
    ports = Ports()
    with httpx.Client(base_url=server.url, event_hooks={"response": [ports]}) as client:
        client.get("/ok")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/info")
        client.get("/info")
        client.get("/ok")
    assert len(ports.seen) == 3 and len(set(ports.seen)) == 2
